/**
 * Node implementation of the hashing/HMAC seam (node:crypto). Same exports and behaviour as `hmac.ts`;
 * both are pinned by the same vectors in `test/webhooks/hmac-seam.test.ts`.
 *
 * Every function is synchronous work wrapped in an already-resolved promise: node:crypto's HMAC of a
 * 1 KB body takes a few microseconds, far less than a round trip to a worker thread would. The verify
 * is also exported without the promise (`hmacSha256VerifySync`), for `verifyWebhook`'s single async step.
 */
import type * as NodeCrypto from 'node:crypto';

let loaded: typeof NodeCrypto | undefined;

/**
 * node:crypto, loaded on first use rather than at import: importing a light entry such as
 * `pagoefectivo-kit/webhooks` then does not pay its ~6 ms start-up (measured on Node 20).
 * `process.getBuiltinModule` is synchronous (Node ≥ 20.16), so the hot path stays free of promises.
 */
function nodeCrypto(): typeof NodeCrypto {
  loaded ??= process.getBuiltinModule('node:crypto');
  return loaded;
}

/** Lowercase hex SHA-256 of UTF-8 text or bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}

/** Lowercase hex HMAC-SHA256 of `message` keyed with the UTF-8 bytes of `secret`. */
export async function hmacSha256Hex(secret: string, message: string | Uint8Array): Promise<string> {
  return nodeCrypto().createHmac('sha256', secret).update(message).digest('hex');
}

let scratch: Buffer | undefined;
const keyCache = new Map<string, NodeCrypto.KeyObject>();

/** The secret as a KeyObject, made once: createHmac then skips re-encoding the string on every call. */
function secretKey(secret: string): NodeCrypto.KeyObject {
  let key = keyCache.get(secret);
  if (key === undefined) {
    key = nodeCrypto().createSecretKey(Buffer.from(secret, 'utf8'));
    // A handful of secrets per process (rotation); cap the cache so it can never grow without bound.
    if (keyCache.size > 16) keyCache.clear();
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * The synchronous core of {@link hmacSha256Verify}, for callers that verify under one async boundary of
 * their own (`verifyWebhook` on Node): same result, no promise per call. Only this seam has it; the
 * portable seam exports `null` (WebCrypto is async only).
 */
export function hmacSha256VerifySync(
  secrets: readonly string[],
  message: string | Uint8Array,
  signatureHex: string,
): number {
  if (typeof signatureHex !== 'string' || signatureHex.length !== 64) return -1;
  // Decode into a reused buffer: nothing can interleave with this synchronous function.
  scratch ??= Buffer.alloc(32);
  const expected = scratch;
  // Buffer's hex decoder stops at the first invalid pair, so fewer than 32 bytes means a non-hex character.
  if (expected.write(signatureHex, 'hex') !== 32) return -1;
  const { createHmac, timingSafeEqual } = nodeCrypto();
  let match = -1;
  for (let index = 0; index < secrets.length; index++) {
    // update() takes the string as is (UTF-8, encoded natively): no TextEncoder copy on the hot path.
    const actual = createHmac('sha256', secretKey(secrets[index] as string))
      .update(message)
      .digest();
    if (timingSafeEqual(actual, expected) && match === -1) match = index;
  }
  return match;
}

/**
 * Whether `signatureHex` (64 hex characters, any case) is the HMAC-SHA256 of `message` under one of
 * `secrets`: the index of the first matching secret, or -1 (also for a malformed signature).
 * Constant-time comparison (`timingSafeEqual`); every secret is tried so timing does not reveal which
 * one matched.
 */
export async function hmacSha256Verify(
  secrets: readonly string[],
  message: string | Uint8Array,
  signatureHex: string,
): Promise<number> {
  return hmacSha256VerifySync(secrets, message, signatureHex);
}

/** Decode 64 hex characters (any case) to 32 bytes; `null` if malformed. */
export function hexToBytes(hex: string): Uint8Array | null {
  if (typeof hex !== 'string' || hex.length !== 64) return null;
  // Buffer's hex decoder stops at the first invalid pair, so a short result means a non-hex character.
  const bytes = Buffer.from(hex, 'hex');
  return bytes.length === 32 ? bytes : null;
}
