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

// Reused buffers of the synchronous verify: nothing can interleave with it.
let expectedScratch: Buffer | undefined;
let actualScratch: Buffer | undefined;
let messageScratch: Buffer | undefined;

/** The key block of a secret XOR ipad / opad (RFC 2104), made once per secret. */
interface Pads {
  inner: Buffer;
  /** 96 bytes: the opad block, then room for the inner digest (the whole outer hash input). */
  outer: Buffer;
}

// A handful of secrets per process (rotation); the cache is capped so it can never grow without bound.
const padCache = new Map<string, Pads>();
const keyCache = new Map<string, NodeCrypto.KeyObject>();

function padsOf(secret: string): Pads {
  let pads = padCache.get(secret);
  if (pads === undefined) {
    let key: Uint8Array = Buffer.from(secret, 'utf8');
    if (key.length > 64) key = nodeCrypto().createHash('sha256').update(key).digest();
    pads = { inner: Buffer.alloc(64), outer: Buffer.alloc(96) };
    for (let index = 0; index < 64; index++) {
      const byte = key[index] ?? 0;
      pads.inner[index] = byte ^ 0x36;
      pads.outer[index] = byte ^ 0x5c;
    }
    if (padCache.size > 16) padCache.clear();
    padCache.set(secret, pads);
  }
  return pads;
}

/** The secret as a KeyObject, made once: createHmac then skips re-encoding the string on every call. */
function secretKey(secret: string): NodeCrypto.KeyObject {
  let key = keyCache.get(secret);
  if (key === undefined) {
    key = nodeCrypto().createSecretKey(Buffer.from(secret, 'utf8'));
    if (keyCache.size > 16) keyCache.clear();
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * Bodies up to this many UTF-8 bytes (worst case: 3 per UTF-16 unit) are hashed from a reused buffer;
 * larger ones go through `createHmac`, so that the process never keeps a large buffer alive.
 */
const SCRATCH_LIMIT = 64 * 1024;

/**
 * `64 + n` bytes of the reused message buffer holding [room for the ipad block | message], or -1 when
 * the message is too large for it. Strings are encoded to UTF-8 once here, whatever the number of
 * secrets, exactly as `createHmac().update(string)` encodes them (lone surrogates become U+FFFD).
 */
function writeMessage(message: string | Uint8Array): number {
  const worst = typeof message === 'string' ? message.length * 3 : message.length;
  if (worst > SCRATCH_LIMIT) return -1;
  if (messageScratch === undefined || messageScratch.length < 64 + worst) {
    messageScratch = Buffer.allocUnsafe(64 + Math.max(worst, 4096));
  }
  if (typeof message === 'string') return 64 + messageScratch.write(message, 64, 'utf8');
  messageScratch.set(message, 64);
  return 64 + message.length;
}

/**
 * The synchronous core of {@link hmacSha256Verify}, for callers that verify under one async boundary of
 * their own (`verifyWebhook` on Node): same result, no promise per call. Only this seam has it; the
 * portable seam exports `null` (WebCrypto is async only).
 *
 * The HMAC is two one-shot `crypto.hash` calls over precomputed pads (RFC 2104) and reused buffers,
 * rather than a `createHmac` object and two new Buffers per call: on Node 20 that halves the cost of
 * the HMAC of a 1 KB body (about 3 µs instead of 6 on this project's bench machine). Where
 * `crypto.hash` is missing (runtimes that emulate node:crypto), and for large bodies, it falls back to
 * `createHmac`; the result is the same, pinned by the seam's vectors.
 */
export function hmacSha256VerifySync(
  secrets: readonly string[],
  message: string | Uint8Array,
  signatureHex: string,
): number {
  if (typeof signatureHex !== 'string' || signatureHex.length !== 64) return -1;
  expectedScratch ??= Buffer.alloc(32);
  const expected = expectedScratch;
  // Buffer's hex decoder stops at the first invalid pair, so fewer than 32 bytes means a non-hex character.
  if (expected.write(signatureHex, 'hex') !== 32) return -1;
  const crypto = nodeCrypto();
  const { hash, timingSafeEqual } = crypto;
  const length = typeof hash === 'function' && secrets.length > 0 ? writeMessage(message) : -1;
  let match = -1;
  for (let index = 0; index < secrets.length; index++) {
    const secret = secrets[index] as string;
    let actual: Buffer;
    if (length >= 0) {
      const { inner, outer } = padsOf(secret);
      const scratch = messageScratch as Buffer;
      inner.copy(scratch, 0);
      // Digests travel as 32-character 'binary' (latin1) strings, one char per byte, lossless, into reused
      // buffers: a new Buffer per digest cost more than the SHA-256 of the body itself.
      outer.write(hash('sha256', scratch.subarray(0, length), 'binary'), 64, 'binary');
      actualScratch ??= Buffer.alloc(32);
      actualScratch.write(hash('sha256', outer, 'binary'), 0, 'binary');
      actual = actualScratch;
    } else {
      // update() takes the string as is (UTF-8, encoded natively): no TextEncoder copy.
      actual = crypto.createHmac('sha256', secretKey(secret)).update(message).digest();
    }
    // Every secret is tried and compared in constant time, so timing does not reveal which one matched.
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
