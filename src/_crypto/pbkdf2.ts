/**
 * PBKDF2-HMAC-SHA256 and constant-time comparison (WebCrypto), for hashing short secrets such as
 * share-link passcodes. WebCrypto runs natively on every target (Node's runs on its thread pool),
 * so there is no Node twin.
 */

const encoder = new TextEncoder();

/**
 * Derive `bytes` bytes from `secret` with PBKDF2-HMAC-SHA256.
 * @throws {RangeError} for fewer than 1 000 iterations.
 */
export async function pbkdf2Sha256(
  secret: string,
  salt: Uint8Array,
  iterations: number,
  bytes = 32,
): Promise<Uint8Array> {
  if (!Number.isSafeInteger(iterations) || iterations < 1000)
    throw new RangeError('PBKDF2 needs at least 1000 iterations');
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

/** Whether two byte strings are equal, in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0;
}
