/**
 * Portable Ed25519 (tweetnacl, pure JavaScript): used in browsers, edge workers, Deno and Bun.
 * The Node build replaces this file with `ed25519.node.ts` (node:crypto, about 100x faster).
 * Ed25519 is deterministic, so both produce byte-identical signatures; `test/_crypto/ed25519.test.ts`
 * pins them with the same vectors and cross-verifies.
 *
 * Keys are raw bytes: a 32-byte seed (the secret key) and a 32-byte public key.
 */
import nacl from 'tweetnacl';

/** Length in bytes of a seed, a public key, and a signature. */
export const ED25519_SEED_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

// tweetnacl expands the seed into a 64-byte secret key (seed || public key) with a SHA-512 and a
// scalar multiplication (~5 ms). A small bounded cache keeps repeated signing with one key cheap.
const expanded = new Map<string, Uint8Array>();

function seedId(seed: Uint8Array): string {
  let id = '';
  for (const byte of seed) id += String.fromCharCode(byte);
  return id;
}

function secretKeyOf(seed: Uint8Array): Uint8Array {
  const id = seedId(seed);
  let secretKey = expanded.get(id);
  if (!secretKey) {
    secretKey = nacl.sign.keyPair.fromSeed(seed).secretKey;
    if (expanded.size >= 16) expanded.clear();
    expanded.set(id, secretKey);
  }
  return secretKey;
}

/** Cryptographically random bytes from the platform's WebCrypto. */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/**
 * The 32-byte public key of a 32-byte seed.
 * @throws {RangeError} when the seed is not 32 bytes.
 */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  if (seed.length !== ED25519_SEED_BYTES) throw new RangeError('an Ed25519 seed is 32 bytes');
  return secretKeyOf(seed).slice(32);
}

/**
 * The 64-byte detached signature of `message` under the key of `seed`.
 * @throws {RangeError} when the seed is not 32 bytes.
 */
export async function ed25519Sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  if (seed.length !== ED25519_SEED_BYTES) throw new RangeError('an Ed25519 seed is 32 bytes');
  return nacl.sign.detached(message, secretKeyOf(seed));
}

/**
 * Whether `signature` is a valid signature of `message` under `publicKey`. Returns `false` (never
 * throws) for a public key or signature of the wrong length or a key that is not a curve point.
 */
export async function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  return nacl.sign.detached.verify(message, signature, publicKey);
}
