/** GET/POST /verify — a voucher PDF, a pasted token or a scanned QR → the verdict. */
import { audit, type Exchange, page, pageContext } from '../exchange.js';
import { parseForm, readBody } from '../http.js';
import type { Notice } from '../pages/layout.js';
import { verifyPage } from '../pages/verify.js';
import { checkVoucher } from '../verify.js';

/** A byte count for people: `5 MB`, `512 KB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function render(
  exchange: Exchange,
  status: number,
  check: Parameters<typeof verifyPage>[1],
  message: Notice | null,
): Response {
  const options = {
    maxUploadLabel: formatBytes(exchange.config.maxUploadBytes),
    configured: exchange.config.voucherKeys !== null,
  };
  return page(exchange, status, verifyPage(pageContext(exchange), check, message, options));
}

/** GET /verify */
export function showVerify(exchange: Exchange): Response {
  return render(exchange, 200, null, null);
}

// Refusals that mean "this is not a voucher at all": the request was bad, not the voucher.
const BAD_INPUT = new Set(['token_malformed', 'pdf_unreadable', 'token_missing', 'token_unsupported_version']);

/** POST /verify (Origin and CSRF token already checked by the router). */
export async function submitVerify(exchange: Exchange, form: FormData): Promise<Response> {
  const { config, tr } = exchange;
  if (config.voucherKeys === null) return render(exchange, 409, null, null);
  const file = form.get('pdf');
  const token = form.get('token');
  let input: { pdf: Uint8Array } | { token: string };
  if (file !== null && typeof file !== 'string' && file.size > 0) {
    input = { pdf: new Uint8Array(await file.arrayBuffer()) };
  } else if (typeof token === 'string' && token.trim() !== '') {
    input = { token: token.slice(0, 4096) };
  } else {
    return render(exchange, 400, null, { kind: 'error', text: tr.t('emptyVerify') });
  }
  const check = await checkVoucher(input, { keys: config.voucherKeys, store: config.store, now: exchange.now });
  const target = check.claims ? `cip:${check.claims.cip}` : 'pdf' in input ? 'pdf' : 'token';
  await audit(exchange, 'voucher.verify', target, 'ok', `${check.verdict}:${check.reason}`);
  return render(exchange, BAD_INPUT.has(check.reason) ? 400 : 200, check, null);
}

/** Read the verify form, answering 413 for an upload over the limit. */
export async function readVerifyForm(exchange: Exchange): Promise<FormData | Response> {
  // Room for the multipart framing and the other fields around the file.
  const body = await readBody(exchange.request, exchange.config.maxUploadBytes + 64 * 1024);
  const label = formatBytes(exchange.config.maxUploadBytes);
  if (body === 'too_large') {
    await audit(exchange, 'voucher.verify', null, 'refused', 'too_large');
    return render(exchange, 413, null, { kind: 'error', text: exchange.tr.t('tooLarge', { limit: label }) });
  }
  const form = typeof body === 'string' ? null : await parseForm(body, exchange.request.headers.get('content-type'));
  if (form === null) return render(exchange, 400, null, { kind: 'error', text: exchange.tr.t('emptyVerify') });
  const file = form.get('pdf');
  if (file !== null && typeof file !== 'string' && file.size > exchange.config.maxUploadBytes) {
    await audit(exchange, 'voucher.verify', null, 'refused', 'too_large');
    return render(exchange, 413, null, { kind: 'error', text: exchange.tr.t('tooLarge', { limit: label }) });
  }
  return form;
}
