/**
 * Portable hashing and HMAC (WebCrypto): used in browsers, edge workers, Deno and Bun.
 * The Node build replaces this file with `hmac.node.ts` (node:crypto, about 17x faster per awaited call).
 * Both implementations are pinned by the same vectors in `test/webhooks/hmac-seam.test.ts`.
 */

const encoder = new TextEncoder();

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

// Lookup tables instead of per-byte toString/parseInt: hex work is on every webhook's path.
const HEX_DIGITS = '0123456789abcdef';

function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let hex = '';
  for (const byte of bytes) hex += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!;
  return hex;
}

/** The value of one hex digit (either case), or -1. */
function nibble(charCode: number): number {
  if (charCode >= 48 && charCode <= 57) return charCode - 48; // 0-9
  const lower = charCode | 32; // folds A-F onto a-f without touching digits checked above
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    // A handful of secrets per process (rotation); cap the cache so it can never grow without bound.
    if (keyCache.size > 16) keyCache.clear();
    keyCache.set(secret, key);
    // A failed import must not stay cached: the next call retries instead of failing forever.
    key.catch(() => keyCache.delete(secret));
  }
  return key;
}

/** Lowercase hex SHA-256 of UTF-8 text or bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', toBytes(data) as BufferSource));
}

/** Lowercase hex HMAC-SHA256 of `message` keyed with the UTF-8 bytes of `secret`. */
export async function hmacSha256Hex(secret: string, message: string | Uint8Array): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret), toBytes(message) as BufferSource);
  return toHex(signature);
}

/**
 * Whether `signatureHex` (64 hex characters, any case) is the HMAC-SHA256 of `message` under one of
 * `secrets`. Returns the index of the first matching secret, or -1 (also for a malformed signature).
 * Comparison is constant-time (WebCrypto's verify); every secret is tried, so timing does not reveal
 * which one matched. The secrets are verified concurrently: WebCrypto work runs off the main thread.
 */
export async function hmacSha256Verify(
  secrets: readonly string[],
  message: string | Uint8Array,
  signatureHex: string,
): Promise<number> {
  const signature = hexToBytes(signatureHex);
  if (!signature) return -1;
  const bytes = toBytes(message) as BufferSource;
  const results = await Promise.all(
    secrets.map(async (secret) =>
      crypto.subtle.verify('HMAC', await hmacKey(secret), signature as BufferSource, bytes),
    ),
  );
  return results.indexOf(true);
}

/**
 * Synchronous HMAC verify, offered only where the platform has one: `null` here (WebCrypto is async
 * only), a function in the node:crypto seam (`hmac.node.ts`), which `verifyWebhook` uses there so that
 * one verification costs one promise rather than one per step.
 */
export const hmacSha256VerifySync:
  | ((secrets: readonly string[], message: string | Uint8Array, signatureHex: string) => number)
  | null = null;

/** Decode 64 hex characters (any case) to 32 bytes; `null` if malformed. */
export function hexToBytes(hex: string): Uint8Array | null {
  if (typeof hex !== 'string' || hex.length !== 64) return null;
  const bytes = new Uint8Array(32);
  for (let index = 0; index < 32; index++) {
    const high = nibble(hex.charCodeAt(index * 2));
    const low = nibble(hex.charCodeAt(index * 2 + 1));
    if (high < 0 || low < 0) return null;
    bytes[index] = (high << 4) | low;
  }
  return bytes;
}
