import { hmacSha256HexSync } from '../_crypto/hmac-sync.js';
import { ValidationError } from '../errors.js';

/** A signed webhook request, as PagoEfectivo would send it. */
export interface SignedWebhook {
  /** The exact raw body (compact JSON). */
  body: string;
  /** `content-type` and `pe-signature` (lowercase hex HMAC-SHA256 of the body). */
  headers: Record<string, string>;
}

/**
 * Sign a notification body the way PagoEfectivo does (protocol §5): `PE-Signature` is the lowercase
 * hex HMAC-SHA256 of the raw body, keyed with the merchant's secret key as UTF-8 text.
 *
 * Synchronous on purpose (node:crypto on Node, a plain-JS HMAC elsewhere: WebCrypto is async), so tests can write `const { body, headers } = signWebhook(…)`;
 * awaiting the result works too. Objects are serialised compactly with `JSON.stringify`, which
 * writes numbers in their shortest form (`150.5`) like PagoEfectivo; pass a string to control every byte.
 *
 * @example
 * ```ts
 * const { body, headers } = signWebhook(
 *   { eventType: 'cip.paid', operationNumber: '987654', data: { cip: '2401557', currency: 'PEN', amount: 150.5 } },
 *   secretKey,
 * );
 * await handler(new Request(url, { method: 'POST', headers, body }));
 * ```
 */
export function signWebhook(body: string | object, secretKey: string): SignedWebhook {
  if (typeof secretKey !== 'string' || secretKey.length === 0) {
    throw new ValidationError('signWebhook needs the non-empty secretKey PagoEfectivo issued for the service.', [
      { path: 'secretKey', message: 'must be a non-empty string' },
    ]);
  }
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  if (typeof raw !== 'string') {
    throw new ValidationError('signWebhook needs a string or a JSON-serialisable object.', [
      { path: 'body', message: 'must be a string or an object' },
    ]);
  }
  const signature = hmacSha256HexSync(secretKey, raw);
  return { body: raw, headers: { 'content-type': 'application/json', 'pe-signature': signature } };
}
