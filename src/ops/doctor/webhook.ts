import type { FetchLike } from '../../client/options.js';
import { signWebhook } from '../../testing/sign.js';
import type { DoctorCheck, DoctorConfig } from './types.js';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
const PRIVATE = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.|169\.254\.|::1$|f[cd][0-9a-f]{2}:|fe80:)/i;

function urlCheck(config: DoctorConfig, url: URL | null, addresses: string[] | Error | null): DoctorCheck {
  const production = config.environment === 'production';
  if (url === null) {
    return {
      id: 'webhook_url',
      status: 'fail',
      message: 'the webhook URL is not a valid absolute URL',
      fix: 'give the public URL PagoEfectivo posts to, e.g. https://shop.example.pe/webhooks/pagoefectivo',
    };
  }
  if (addresses instanceof Error) {
    return {
      id: 'webhook_url',
      status: 'fail',
      message: `${url.hostname} does not resolve (${addresses.message})`,
      fix: 'publish a DNS record for the host, or fix the URL given to PagoEfectivo',
    };
  }
  if (url.protocol !== 'https:') {
    const local = LOOPBACK.test(url.hostname);
    return {
      id: 'webhook_url',
      status: production || !local ? 'fail' : 'warn',
      message: `${url.origin} is not HTTPS${local ? ' (a local address: fine only while testing)' : ''}`,
      fix: 'serve the webhook over HTTPS with a valid certificate: notifications carry payment data',
    };
  }
  const internal = (addresses ?? []).filter((address) => PRIVATE.test(address));
  if (production && internal.length > 0) {
    return {
      id: 'webhook_url',
      status: 'warn',
      message: `${url.hostname} resolves to a private address (${internal.join(', ')}) from here`,
      fix: 'make sure PagoEfectivo reaches it from the Internet (public DNS, not split-horizon only)',
    };
  }
  return { id: 'webhook_url', status: 'ok', message: `${url.origin} is HTTPS and resolves` };
}

/** A CIP number no real code has: a 12-digit number starting with 9, random per run. */
function unknownCip(): string {
  const digits = Array.from(crypto.getRandomValues(new Uint8Array(11)), (byte) => String(byte % 10)).join('');
  return `9${digits}`;
}

async function answerCheck(config: DoctorConfig, url: URL): Promise<DoctorCheck> {
  const secret = config.webhookSecretKey ?? config.credentials?.secretKey;
  if (secret === undefined) return { id: 'webhook_answer', status: 'skip', message: 'needs the secret key' };
  const cip = unknownCip();
  const signed = signWebhook(
    `{"eventType":"cip.paid","operationNumber":"doctor${cip.slice(-8)}","data":{"cip":"${cip}","currency":"PEN","amount":1,"transactionCode":"doctor-check","paymentDate":"2000-01-01T00:00:00-05:00"}}`,
    secret,
  );
  const fetch = config.fetch ?? (globalThis.fetch as FetchLike);
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
    });
    status = response.status;
    text = await response.text().catch(() => '');
  } catch (error) {
    return {
      id: 'webhook_answer',
      status: 'fail',
      message: `the webhook could not be reached: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'start the app, open the port in the firewall, check the URL',
    };
  }
  let reason: unknown = null;
  let outcome: unknown = null;
  try {
    const body = JSON.parse(text) as { status?: unknown; reason?: unknown };
    reason = body.reason ?? null;
    outcome = body.status ?? null;
  } catch {
    // Any body is allowed: only the status and, for the SDK's handler, the reason are judged.
  }
  const asked = `a signed notification for the unknown CIP ${cip}`;
  if (status >= 500) {
    return {
      id: 'webhook_answer',
      status: 'fail',
      message: `${asked} was answered ${status}`,
      fix: 'an unknown CIP must be refused with 200 (or 4xx), never 5xx: PagoEfectivo would retry it; check the app logs',
    };
  }
  if (status === 401 || status === 403) {
    return {
      id: 'webhook_answer',
      status: 'fail',
      message: `${asked} was answered ${status}: the endpoint refused the signature`,
      fix: 'the app verifies with another secret key than this one: give both the secret key of the same environment',
    };
  }
  if (status >= 300 && status < 400) {
    return {
      id: 'webhook_answer',
      status: 'fail',
      message: `${asked} was answered with a redirect (${status})`,
      fix: 'give PagoEfectivo the final URL: a redirected POST loses its body',
    };
  }
  if (outcome === 'processed' || (status < 300 && reason !== null && reason !== 'unknown_cip')) {
    return {
      id: 'webhook_answer',
      status: 'fail',
      message: `${asked} was answered ${status} ${JSON.stringify(outcome)}${reason === null ? '' : ` (${String(reason)})`}`,
      fix: 'the endpoint must look the CIP up in the store and refuse unknown ones (createWebhookHandler does)',
    };
  }
  if (status >= 400 && status !== 422) {
    return {
      id: 'webhook_answer',
      status: 'warn',
      message: `${asked} was answered ${status}`,
      fix: 'answer 200 (or 422) for refused notifications; other 4xx answers look like a broken endpoint',
    };
  }
  return {
    id: 'webhook_answer',
    status: 'ok',
    message: `${asked} was answered ${status}${reason === null ? '' : ` (${String(reason)})`}`,
  };
}

/**
 * The `webhook_url` and `webhook_answer` checks. The test notification is signed with the real secret
 * for a CIP no code has, so the app records one `unknown_cip` refusal and changes nothing else.
 */
export async function checkWebhook(
  config: DoctorConfig,
  resolveHost: (hostname: string) => Promise<string[]>,
): Promise<DoctorCheck[]> {
  if (config.webhookUrl === undefined) {
    const fix = 'give the webhook URL you registered with PagoEfectivo (--webhook-url)';
    return [
      { id: 'webhook_url', status: 'fail', message: 'no webhook URL given', fix },
      { id: 'webhook_answer', status: 'skip', message: 'needs the webhook URL' },
    ];
  }
  let url: URL | null = null;
  try {
    url = new URL(config.webhookUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') url = null;
  } catch {
    url = null;
  }
  if (url === null) {
    return [urlCheck(config, null, null), { id: 'webhook_answer', status: 'skip', message: 'needs a valid URL' }];
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[] | Error;
  try {
    addresses = /^[\d.]+$|:/.test(host) ? [host] : await resolveHost(host);
  } catch (error) {
    addresses = error instanceof Error ? error : new Error(String(error));
  }
  const first = urlCheck(config, url, addresses);
  if (addresses instanceof Error)
    return [first, { id: 'webhook_answer', status: 'skip', message: 'the host does not resolve' }];
  return [first, await answerCheck(config, url)];
}
