/**
 * Node implementation of the Ed25519 seam (node:crypto). Same exports and behaviour as `ed25519.ts`;
 * raw keys are imported through their fixed DER prefixes (PKCS#8 for the seed, SPKI for the public key).
 */
import type * as NodeCrypto from 'node:crypto';

type KeyObject = NodeCrypto.KeyObject;

let loaded: typeof NodeCrypto | undefined;

/**
 * node:crypto, loaded on first use rather than at import (as in `hmac.node.ts`): the voucher and token
 * entries then do not pay its start-up at a cold import. `process.getBuiltinModule` is synchronous
 * (Node ≥ 20.16).
 */
function nodeCrypto(): typeof NodeCrypto {
  loaded ??= process.getBuiltinModule('node:crypto');
  return loaded;
}

// Defined again rather than re-exported: importing `./ed25519.js` would load tweetnacl in the Node build.
/** Length in bytes of a seed, a public key, and a signature. */
export const ED25519_SEED_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** Cryptographically random bytes. */
export function randomBytes(length: number): Uint8Array {
  return nodeCrypto().randomFillSync(new Uint8Array(length));
}

// The fixed DER headers of a raw Ed25519 seed (PKCS#8) and public key (SPKI), as hex: decoded where
// used, so that importing this module does no work.
const PKCS8_PREFIX = '302e020100300506032b657004220420';
const SPKI_PREFIX = '302a300506032b6570032100';
const SPKI_PREFIX_BYTES = SPKI_PREFIX.length / 2;

// Parsing DER into a KeyObject costs more than a signature; keep a few (rotation) in bounded caches.
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject | null>();

function remember<T>(cache: Map<string, T>, id: string, value: T): T {
  if (cache.size >= 16) cache.clear();
  cache.set(id, value);
  return value;
}

function privateKeyOf(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  const id = Buffer.from(seed).toString('base64');
  const cached = privateKeys.get(id);
  if (cached) return cached;
  const der = Buffer.concat([Buffer.from(PKCS8_PREFIX, 'hex'), seed]);
  const key = nodeCrypto().createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return remember(privateKeys, id, key);
}

function publicKeyOf(raw: Uint8Array): KeyObject | null {
  const id = Buffer.from(raw).toString('base64');
  const cached = publicKeys.get(id);
  if (cached !== undefined) return cached;
  let key: KeyObject | null;
  try {
    const der = Buffer.concat([Buffer.from(SPKI_PREFIX, 'hex'), raw]);
    key = nodeCrypto().createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    key = null;
  }
  return remember(publicKeys, id, key);
}

/**
 * The 32-byte public key of a 32-byte seed.
 * @throws {RangeError} when the seed is not 32 bytes.
 */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  const spki = nodeCrypto().createPublicKey(privateKeyOf(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(SPKI_PREFIX_BYTES));
}

/**
 * The 64-byte detached signature of `message` under the key of `seed`.
 * @throws {RangeError} when the seed is not 32 bytes.
 */
export async function ed25519Sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(nodeCrypto().sign(null, message, privateKeyOf(seed)));
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
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const key = publicKeyOf(publicKey);
  if (!key) return false;
  try {
    return nodeCrypto().verify(null, message, key, signature);
  } catch {
    return false;
  }
}
