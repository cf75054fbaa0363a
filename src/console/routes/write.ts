/** The state-changing routes (operators): cancel a code, resolve a payment review, re-send a share link. */
import type { ResolveInput } from '../../codes/index.js';
import { isPagoEfectivoKitError } from '../../errors.js';
import type { CashCode } from '../../model/code.js';
import { createVoucherShareLink } from '../../voucher/share.js';
import { endSession } from '../auth.js';
import { audit, type Exchange } from '../exchange.js';
import { redirect } from '../http.js';
import { showCode } from './read.js';

const DAY_MS = 24 * 3600_000;

function codePath(exchange: Exchange, code: CashCode): string {
  return `${exchange.config.base}/codes/${encodeURIComponent(code.id)}`;
}

/** A refused action: the code page again, with the reason and the status that fits. */
async function refusedAction(
  exchange: Exchange,
  code: CashCode,
  action: string,
  status: number,
  reason: string,
): Promise<Response> {
  await audit(exchange, action, `code:${code.id}`, 'refused', reason);
  const fresh = (await exchange.config.store.getCode(code.id)) ?? code;
  return showCode(exchange, fresh, status, { kind: 'error', text: exchange.tr.t('actionRefused', { reason }) });
}

/** Run an operator action: guard/validation refusals become 409/400 on the code page, anything else throws. */
async function act(
  exchange: Exchange,
  code: CashCode,
  action: string,
  done: string,
  run: () => Promise<string | null>,
): Promise<Response> {
  try {
    const detail = await run();
    await audit(exchange, action, `code:${code.id}`, 'ok', detail);
    return redirect(`${codePath(exchange, code)}?done=${done}`, exchange.cookies);
  } catch (error) {
    if (isPagoEfectivoKitError(error) && (error.name === 'GuardError' || error.name === 'VoucherError')) {
      return refusedAction(exchange, code, action, 409, error.message);
    }
    if (isPagoEfectivoKitError(error) && error.name === 'ValidationError') {
      return refusedAction(exchange, code, action, 400, error.message);
    }
    await audit(exchange, action, `code:${code.id}`, 'failed', isPagoEfectivoKitError(error) ? error.code : 'error');
    throw error;
  }
}

/** POST /codes/:id/cancel */
export async function cancelCode(exchange: Exchange, code: CashCode): Promise<Response> {
  const { codes, store } = exchange.config;
  const current = await store.getCodeByOrder(code.orderId);
  // `cancel` acts on the order's current code: refuse when this page shows an older one.
  if (current === null || current.id !== code.id) {
    return refusedAction(exchange, code, 'code.cancel', 409, 'not the current code of its order');
  }
  return act(exchange, code, 'code.cancel', 'cancelled', async () => {
    await codes.cancel(code.orderId);
    return null;
  });
}

/** POST /codes/:id/resolve (decision accept|refund, optional note) */
export async function resolveReview(exchange: Exchange, code: CashCode, form: FormData): Promise<Response> {
  const decision = form.get('decision');
  const note = form.get('note');
  if (decision !== 'accept' && decision !== 'refund') {
    return refusedAction(exchange, code, 'review.resolve', 400, "decision must be 'accept' or 'refund'");
  }
  const staffId = exchange.identity?.staffId ?? 'support';
  return act(exchange, code, 'review.resolve', 'resolved', async () => {
    const input: ResolveInput = { decision, actor: staffId };
    if (typeof note === 'string' && note.trim() !== '') input.note = note.trim();
    await exchange.config.codes.resolve(code.id, input);
    return decision;
  });
}

/** POST /codes/:id/share — a new share link, handed to the merchant's sender; staff never see the passcode. */
export async function resendShareLink(exchange: Exchange, code: CashCode): Promise<Response> {
  const { shareLinks, store } = exchange.config;
  if (shareLinks === null || shareLinks === undefined) {
    return refusedAction(exchange, code, 'share.resend', 409, exchange.tr.t('shareNotConfigured'));
  }
  return act(exchange, code, 'share.resend', 'shared', async () => {
    const link = await createVoucherShareLink(code, {
      store,
      ttlMs: shareLinks.ttlMs ?? 7 * DAY_MS,
      now: exchange.now,
    });
    await shareLinks.send({ code, ...link, staffId: exchange.identity?.staffId ?? 'support' });
    return null;
  });
}

/** POST /logout */
export async function logout(exchange: Exchange): Promise<Response> {
  if (exchange.identity === null) return redirect(`${exchange.config.base}/login`, exchange.cookies);
  const cleared = await endSession(exchange.config, exchange.identity, exchange.scope);
  await audit(exchange, 'logout', null);
  return redirect(`${exchange.config.base}/login?bye=1`, [...exchange.cookies, cleared]);
}
