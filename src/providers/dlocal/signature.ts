import { hmacSha256Hex } from '../../_crypto/hmac.js';

/** The literal scheme text dLocal puts before the hex signature in `Authorization`. */
export const DLOCAL_SCHEME = 'V2-HMAC-SHA256';

const encoder = new TextEncoder();

/** Bytes of `login + xDate`, then the body's bytes: the signed message (no separator). */
export function signedMessage(login: string, xDate: string, body: string | Uint8Array): Uint8Array {
  const head = encoder.encode(login + xDate);
  const tail = typeof body === 'string' ? encoder.encode(body) : body;
  const message = new Uint8Array(head.length + tail.length);
  message.set(head, 0);
  message.set(tail, head.length);
  return message;
}

/**
 * dLocal's request and notification signature: lowercase hex HMAC-SHA256 keyed with the secret key over
 * `X-Login + X-Date + body` (the exact bytes sent; an empty body for GET). CONFIRMED by dLocal's
 * payins-security page (docs/providers.md cites the protocol notes).
 */
export function dlocalSignature(options: {
  login: string;
  xDate: string;
  body: string | Uint8Array;
  secretKey: string;
}): Promise<string> {
  return hmacSha256Hex(options.secretKey, signedMessage(options.login, options.xDate, options.body));
}

/** The `Authorization` value of a signed request: `V2-HMAC-SHA256, Signature: <hex>`. */
export const authorizationOf = (signature: string): string => `${DLOCAL_SCHEME}, Signature: ${signature}`;

/**
 * The hex signature inside an `Authorization` (or bare `Signature`) header value, tolerant of spacing
 * and case in the scheme text; `null` when the value has no 64-hex-digit signature.
 */
export function signatureFromHeader(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const tagged = /^(?:V2-HMAC-SHA256\s*,\s*)?Signature\s*[:=]\s*([0-9a-fA-F]{64})$/i.exec(text);
  if (tagged) return tagged[1] as string;
  return /^[0-9a-fA-F]{64}$/.test(text) ? text : null;
}
