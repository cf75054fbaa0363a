/**
 * Signed voucher tokens: a compact, versioned binary encoding of a voucher's fields signed with
 * Ed25519, printed as base64url in the voucher's QR code and stored in the PDF's metadata. Anyone
 * holding the public key can tell a genuine voucher from a forged or altered one, offline.
 *
 * Keys are base64url strings: the public key is the raw 32-byte Ed25519 key, the secret key is the
 * 32-byte seed. This entry never loads pdf-lib, bwip-js or date-fns-tz.
 *
 * @module voucher/token
 */
import { ed25519PublicKey, ed25519Sign, ed25519Verify, randomBytes } from '../_crypto/ed25519.js';
import { VoucherError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import { decodeBase64url, encodeBase64url } from './_internal/base64url.js';
import { decodeClaims, encodeClaims, KID_PATTERN, TOKEN_VERSION, type TokenClaims } from './_internal/token-codec.js';
import { checkTokenInput } from './_internal/token-input.js';

/** The verified fields of a voucher token. Times are whole seconds (milliseconds are dropped). */
export type { TokenClaims as VoucherTokenClaims } from './_internal/token-codec.js';

/** A voucher signing key pair; store `secretKey` like any other secret and publish `publicKey`. */
export interface VoucherKeys {
  /** The key id written into every token, so verifiers can pick the key (rotation). */
  kid: string;
  /** base64url of the raw 32-byte Ed25519 public key (43 characters). */
  publicKey: string;
  /** base64url of the 32-byte Ed25519 seed (43 characters). Secret. */
  secretKey: string;
}

/** The fields of a code that a token signs. */
export type VoucherTokenInput = Pick<CashCode, 'cip' | 'orderId' | 'amountMinor' | 'currency' | 'expiresAt'>;

/** Options of {@link createVoucherToken}. */
export interface CreateVoucherTokenOptions {
  /** Key id of `secretKey` (1–32 of `A-Z a-z 0-9 . _ -`). */
  kid: string;
  /** Issue time written into the token (default: now). */
  issuedAt?: Date;
}

/**
 * Trusted public keys: one base64url key (accepted whatever kid the token names), a `{ kid: key }`
 * record, or a list of `{ kid, publicKey }` (several during a rotation).
 */
export type VoucherPublicKeys =
  | string
  | Readonly<Record<string, string>>
  | ReadonlyArray<{ readonly kid: string; readonly publicKey: string }>;

/** Options of {@link verifyVoucherToken}. */
export interface VerifyVoucherTokenOptions {
  /** The clock used to compute `expired` (default: now). */
  now?: Date;
}

/** A token whose signature verified. An expired voucher is still genuine: check `expired`. */
export interface VerifiedVoucherToken {
  valid: true;
  claims: TokenClaims;
  /** Whether `now` is at or after the voucher's expiry. */
  expired: boolean;
}

const SIGNING_CONTEXT = new TextEncoder().encode('pagoefectivo-kit/voucher-token\0');
const SIGNATURE_BYTES = 64;
const MAX_TOKEN_LENGTH = 512;

function keyBytes(key: unknown, what: string): Uint8Array {
  const bytes = typeof key === 'string' ? decodeBase64url(key.trim()) : null;
  if (bytes?.length !== 32) {
    throw new VoucherError('key_invalid', `The ${what} must be 43 base64url characters (32 bytes).`);
  }
  return bytes;
}

function signedMessage(payload: Uint8Array): Uint8Array {
  const message = new Uint8Array(SIGNING_CONTEXT.length + payload.length);
  message.set(SIGNING_CONTEXT);
  message.set(payload, SIGNING_CONTEXT.length);
  return message;
}

/**
 * Create a new random signing key pair.
 * @param options.kid the key id to use (default: 8 random base64url characters).
 * @throws {VoucherError} `key_invalid` for a kid outside 1–32 of `A-Z a-z 0-9 . _ -`.
 */
export function generateVoucherKeys(options: { kid?: string } = {}): VoucherKeys {
  const kid = options.kid ?? encodeBase64url(randomBytes(6));
  if (!KID_PATTERN.test(kid)) throw new VoucherError('key_invalid', 'A kid is 1–32 of A-Z a-z 0-9 . _ -.');
  const seed = randomBytes(32);
  return { kid, publicKey: encodeBase64url(ed25519PublicKey(seed)), secretKey: encodeBase64url(seed) };
}

/**
 * The public key (base64url) of a secret key, for configurations that keep only the secret.
 * @throws {VoucherError} `key_invalid` when the secret key is not 32 base64url-encoded bytes.
 */
export function voucherPublicKey(secretKey: string): string {
  return encodeBase64url(ed25519PublicKey(keyBytes(secretKey, 'secret key')));
}

/**
 * Sign a code's CIP, order id, amount, currency and expiry into a compact token (about 140
 * characters for a 10-character order id).
 * @throws {VoucherError} `voucher_not_payable` when the code has no CIP; `key_invalid` for a bad key or kid.
 * @throws {ValidationError} for a CIP, order id, amount, currency or date the format cannot carry.
 */
export async function createVoucherToken(
  code: VoucherTokenInput,
  secretKey: string,
  options: CreateVoucherTokenOptions,
): Promise<string> {
  const claims = checkTokenInput(code, options?.kid, options?.issuedAt ?? new Date());
  const seed = keyBytes(secretKey, 'secret key');
  const payload = encodeClaims(claims);
  const signature = await ed25519Sign(seed, signedMessage(payload));
  const token = new Uint8Array(payload.length + SIGNATURE_BYTES);
  token.set(payload);
  token.set(signature, payload.length);
  return encodeBase64url(token);
}

function split(token: string): { payload: Uint8Array; signature: Uint8Array; claims: TokenClaims } {
  const bytes = typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH ? decodeBase64url(token) : null;
  if (!bytes || bytes.length <= SIGNATURE_BYTES) {
    throw new VoucherError('token_malformed', 'The voucher token is not a well-formed base64url token.');
  }
  const payload = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  const claims = decodeClaims(payload);
  if (claims === 'version') {
    throw new VoucherError(
      'token_unsupported_version',
      'The voucher token uses a format version this SDK does not know.',
      {
        details: { version: payload[0] },
      },
    );
  }
  if (claims === 'malformed') throw new VoucherError('token_malformed', 'The voucher token’s fields are malformed.');
  return { payload, signature: bytes.subarray(bytes.length - SIGNATURE_BYTES), claims };
}

function trustedKey(publicKeys: VoucherPublicKeys, kid: string): string | undefined {
  if (typeof publicKeys === 'string') return publicKeys;
  if (Array.isArray(publicKeys)) return publicKeys.find((entry) => entry.kid === kid)?.publicKey;
  const record = publicKeys as Readonly<Record<string, string>>;
  return Object.hasOwn(record, kid) ? record[kid] : undefined;
}

/**
 * Verify a token's signature with the trusted key named by its kid and return its claims.
 * @throws {VoucherError} `token_malformed`, `token_unsupported_version`, `token_unknown_key`,
 * `token_signature_invalid`, or `key_invalid` when the trusted key itself is malformed.
 */
export async function verifyVoucherToken(
  token: string,
  publicKeys: VoucherPublicKeys,
  options: VerifyVoucherTokenOptions = {},
): Promise<VerifiedVoucherToken> {
  const { payload, signature, claims } = split(token);
  const publicKey = trustedKey(publicKeys, claims.kid);
  if (publicKey === undefined) {
    throw new VoucherError(
      'token_unknown_key',
      `The voucher token was signed with key "${claims.kid}", which is not trusted.`,
      {
        details: { kid: claims.kid },
      },
    );
  }
  const ok = await ed25519Verify(
    keyBytes(publicKey, `public key of kid "${claims.kid}"`),
    signedMessage(payload),
    signature,
  );
  if (!ok)
    throw new VoucherError(
      'token_signature_invalid',
      'The voucher token’s signature does not verify: it was altered or forged.',
    );
  const now = options.now ?? new Date();
  return { valid: true, claims, expired: now.getTime() >= claims.expiresAt.getTime() };
}

/**
 * Read a token's claims WITHOUT verifying its signature (support tooling, logs). Never trust the
 * result: use {@link verifyVoucherToken} for any decision.
 * @throws {VoucherError} `token_malformed` or `token_unsupported_version`.
 */
export function decodeVoucherTokenUnverified(token: string): TokenClaims {
  return split(token).claims;
}

export { TOKEN_VERSION as VOUCHER_TOKEN_VERSION };
