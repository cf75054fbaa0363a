/**
 * Node implementation of the hashing/HMAC seam (node:crypto). Same exports and behaviour as `hmac.ts`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export { hexToBytes } from './hmac.js';

/** Lowercase hex SHA-256 of UTF-8 text or bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return createHash('sha256').update(data).digest('hex');
}

/** Lowercase hex HMAC-SHA256 of `message` keyed with the UTF-8 bytes of `secret`. */
export async function hmacSha256Hex(secret: string, message: string | Uint8Array): Promise<string> {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/**
 * Whether `signatureHex` (64 hex characters, any case) is the HMAC-SHA256 of `message` under one of
 * `secrets`: the index of the matching secret, or -1. Constant-time comparison; every secret is tried.
 */
export async function hmacSha256Verify(
  secrets: readonly string[],
  message: string | Uint8Array,
  signatureHex: string,
): Promise<number> {
  if (signatureHex.length !== 64 || !/^[0-9a-fA-F]{64}$/.test(signatureHex)) return -1;
  const expected = Buffer.from(signatureHex, 'hex');
  let match = -1;
  for (let index = 0; index < secrets.length; index++) {
    const actual = createHmac('sha256', secrets[index] as string)
      .update(message)
      .digest();
    if (timingSafeEqual(actual, expected) && match === -1) match = index;
  }
  return match;
}
