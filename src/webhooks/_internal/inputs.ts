/**
 * Checks of what a caller hands to `verifyWebhook`: the secret(s), the raw body and the signature.
 * Each failure is a typed error whose message says how to fix it; no message ever contains a secret.
 */
import { WebhookVerificationError } from '../../errors.js';

/** Header PagoEfectivo puts its signature in (header names are case-insensitive). */
export const SIGNATURE_HEADER = 'pe-signature';

/** Headers as a web `Headers` object or a Node-style record (`req.headers`). */
export type HeadersLike = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

/**
 * The secrets to try, trimmed (a secret pasted into an env file often carries a trailing newline).
 * @throws {WebhookVerificationError} `secret_missing` for no secret, an empty array or a blank entry.
 */
export function normalizeSecrets(secretKey: unknown): string[] {
  const fix =
    'pass your PagoEfectivo secretKey (the one used for /v1/authorizations), or an array of them while rotating';
  if (typeof secretKey === 'string') {
    const secret = secretKey.trim();
    if (secret !== '') return [secret];
    throw new WebhookVerificationError('secret_missing', `secretKey is empty: ${fix}.`);
  }
  if (!Array.isArray(secretKey) || secretKey.length === 0) {
    throw new WebhookVerificationError('secret_missing', `secretKey is missing: ${fix}.`);
  }
  return secretKey.map((entry: unknown, index) => {
    const secret = typeof entry === 'string' ? entry.trim() : '';
    if (secret === '') {
      throw new WebhookVerificationError('secret_missing', `secretKey[${index}] is empty or not a string: ${fix}.`, {
        details: { index },
      });
    }
    return secret;
  });
}

const RAW_BODY_HELP =
  'Pass the raw request body as a string or Uint8Array, read before any JSON parser: ' +
  "Express: express.raw({ type: 'application/json' }) on this route, then req.body (a Buffer); " +
  "Fastify: addContentTypeParser('application/json', { parseAs: 'string' }, …) or the fastify-raw-body plugin's " +
  'request.rawBody; Next.js route handlers: await request.text(); Hono: await c.req.text(); ' +
  'web Request: await request.text().';

function describe(body: unknown): string {
  if (body === undefined || body === null) return `the body is ${body}`;
  if (Array.isArray(body)) return 'the body is an array (already parsed JSON?)';
  if (typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (record.type === 'Buffer' && Array.isArray(record.data)) return 'the body is a JSON-serialised Buffer';
    return 'the body is an object (already parsed JSON?)';
  }
  return `the body is a ${typeof body}`;
}

/**
 * The body as the string or bytes that were signed.
 * @throws {WebhookVerificationError} `body_not_raw` for anything else, saying how to get the raw body.
 */
export function rawBody(body: unknown): string | Uint8Array {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new WebhookVerificationError('body_not_raw', `Cannot verify the webhook: ${describe(body)}. ${RAW_BODY_HELP}`);
}

function headerValue(headers: HeadersLike): unknown {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(SIGNATURE_HEADER);
  const record = headers as Record<string, unknown>;
  if (record[SIGNATURE_HEADER] !== undefined) return record[SIGNATURE_HEADER];
  for (const name of Object.keys(record)) if (name.toLowerCase() === SIGNATURE_HEADER) return record[name];
  return undefined;
}

/** Whether every character is a hex digit (a plain loop: this runs on every notification). */
function isHex(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const digit = code >= 48 && code <= 57; // 0-9
    const letter = (code >= 65 && code <= 70) || (code >= 97 && code <= 102); // A-F, a-f
    if (!digit && !letter) return false;
  }
  return true;
}

/**
 * The signature, trimmed, from `signature` or else from the `PE-Signature` header.
 * @throws {WebhookVerificationError} `signature_missing` or `signature_malformed`.
 */
export function signatureOf(signature: unknown, headers: HeadersLike | undefined): string {
  let value = signature ?? (headers ? headerValue(headers) : undefined);
  if (Array.isArray(value) && value.length === 1) value = value[0];
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new WebhookVerificationError(
      'signature_missing',
      'The PE-Signature header is missing or empty. PagoEfectivo signs every notification, so this request ' +
        'did not come from PagoEfectivo, or a proxy dropped the header.',
    );
  }
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.length !== 64 || !isHex(text)) {
    const shape =
      typeof value === 'string' ? `${text.length} characters` : `a ${Array.isArray(value) ? 'list' : typeof value}`;
    throw new WebhookVerificationError(
      'signature_malformed',
      `The PE-Signature header must be 64 hexadecimal characters (HMAC-SHA256), got ${shape}. ` +
        'Pass the header value exactly as received.',
      { details: { length: text.length } },
    );
  }
  return text;
}
