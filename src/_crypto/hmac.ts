/**
 * Portable hashing and HMAC (WebCrypto): used in browsers, edge workers, Deno and Bun.
 * The Node build replaces this file with `hmac.node.ts` (node:crypto, about 17x faster per awaited call).
 * Both implementations are pinned by the same vectors in `test/_crypto/hmac.test.ts`.
 */

const encoder = new TextEncoder();

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
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
 * `secrets`. Returns the index of the matching secret, or -1. Comparison is constant-time
 * (WebCrypto's verify); every secret is tried so timing does not reveal which one matched.
 */
export async function hmacSha256Verify(
  secrets: readonly string[],
  message: string | Uint8Array,
  signatureHex: string,
): Promise<number> {
  const signature = hexToBytes(signatureHex);
  if (!signature) return -1;
  const bytes = toBytes(message) as BufferSource;
  let match = -1;
  for (let index = 0; index < secrets.length; index++) {
    const ok = await crypto.subtle.verify(
      'HMAC',
      await hmacKey(secrets[index] as string),
      signature as BufferSource,
      bytes,
    );
    if (ok && match === -1) match = index;
  }
  return match;
}

/** Decode 64 hex characters (any case) to 32 bytes; `null` if malformed. */
export function hexToBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let index = 0; index < 32; index++) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}
