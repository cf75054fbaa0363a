import { hmacSha256Verify } from '../../_crypto/hmac.js';
import { ConfigurationError, isPagoEfectivoKitError, WebhookVerificationError } from '../../errors.js';
import { type HeadersLike, rawBody } from '../../webhooks/_internal/inputs.js';
import { type DlocalPayment, parseDlocalPayment } from './payment.js';
import { signatureFromHeader, signedMessage } from './signature.js';

/** Options of {@link verifyDlocalNotification}. */
export interface VerifyDlocalNotificationOptions {
  /** The raw request body (string or bytes), exactly as received: never re-serialised JSON. */
  body: string | Uint8Array;
  /** The request headers (`Headers`, or a Node/Express headers object). */
  headers: HeadersLike;
  /** The merchant's `X-Login`: part of the signed message. */
  login: string;
  /** The merchant's secret key (the same that signs requests), or several while rotating. */
  secretKey: string | readonly string[];
}

/** One header, case-insensitively, from `Headers` or a plain object. */
export function headerOf(headers: HeadersLike | undefined, name: string): string | null {
  if (headers === undefined || headers === null) return null;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as Headers).get(name);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
  }
  return null;
}

function secretsOf(secretKey: unknown): string[] {
  const list = typeof secretKey === 'string' ? [secretKey] : Array.isArray(secretKey) ? secretKey : [];
  const secrets = list.map((entry: unknown) => (typeof entry === 'string' ? entry.trim() : ''));
  if (secrets.length === 0 || secrets.some((secret) => secret === '')) {
    throw new WebhookVerificationError(
      'secret_missing',
      'secretKey is missing or empty: pass your dLocal secret key (or an array of them while rotating).',
    );
  }
  return secrets;
}

/**
 * Verify a dLocal payment notification and read its payment object.
 *
 * The signature is dLocal's request signature computed over the notification: lowercase hex
 * HMAC-SHA256 with the secret key of `login + X-Date header + raw body`, sent as `Authorization:
 * V2-HMAC-SHA256, Signature: <hex>` (a bare `Signature` header is accepted too). The `X-Date` window is
 * UNKNOWN and dLocal retries for days, so the date is not judged here: an old, authentic notification is
 * a redelivery, and the handler dedupes it.
 *
 * @example
 * const payment = await verifyDlocalNotification({ body: await request.text(), headers: request.headers, login, secretKey });
 *
 * @throws {WebhookVerificationError} `secret_missing`, `signature_missing` (no `Authorization` or no
 * `X-Date`), `signature_malformed`, `signature_mismatch` (also for an `X-Login` header naming another
 * merchant), `body_not_raw`, `malformed_payload` (authentic, but not a payment object).
 * @throws {ConfigurationError} when `login` is missing.
 */
export async function verifyDlocalNotification(options: VerifyDlocalNotificationOptions): Promise<DlocalPayment> {
  const secrets = secretsOf(options?.secretKey);
  if (typeof options.login !== 'string' || options.login.trim() === '') {
    throw new ConfigurationError('verifyDlocalNotification: login (your X-Login) is required.', {
      details: { option: 'login' },
    });
  }
  const login = options.login.trim();
  const body = rawBody(options.body);
  const header = headerOf(options.headers, 'authorization') ?? headerOf(options.headers, 'signature');
  if (header === null || header.trim() === '') {
    throw new WebhookVerificationError(
      'signature_missing',
      'The Authorization header of the dLocal notification is missing.',
    );
  }
  const xDate = headerOf(options.headers, 'x-date')?.trim() ?? '';
  if (xDate === '') {
    throw new WebhookVerificationError(
      'signature_missing',
      'The X-Date header (part of the signed message) is missing.',
    );
  }
  const signature = signatureFromHeader(header);
  if (signature === null) {
    throw new WebhookVerificationError(
      'signature_malformed',
      'The Authorization header is not "V2-HMAC-SHA256, Signature: <64 hex digits>".',
    );
  }
  const sentLogin = headerOf(options.headers, 'x-login')?.trim();
  if (sentLogin !== undefined && sentLogin !== '' && sentLogin !== login) {
    throw new WebhookVerificationError('signature_mismatch', 'The notification names another X-Login.');
  }
  const matched = await hmacSha256Verify(secrets, signedMessage(login, xDate, body), signature);
  if (matched < 0) {
    throw new WebhookVerificationError(
      'signature_mismatch',
      'The dLocal signature does not match X-Login + X-Date + the raw body: check login and secretKey, and that the body was not re-serialised.',
    );
  }
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return parseDlocalPayment(text);
  } catch (error) {
    const issues = isPagoEfectivoKitError(error) && 'issues' in error ? error.issues : [];
    throw new WebhookVerificationError('malformed_payload', 'The signed body is not a dLocal payment object.', {
      cause: error,
      details: { issues },
    });
  }
}
