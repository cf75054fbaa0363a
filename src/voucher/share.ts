/**
 * Voucher share links: a random link token plus a short numeric passcode let a buyer (or whoever
 * they forward it to) open their voucher without an account.
 *
 * - Token: 16 random bytes, base64url (22 characters, 128 bits): unguessable; stored only as its
 *   SHA-256, so a leaked store does not reveal working links.
 * - Passcode: 8 random digits by default (≈26.6 bits; 6 digits ≈ 19.9 bits), stored only as a salted
 *   PBKDF2-HMAC-SHA256 hash with 600 000 iterations (OWASP's 2023 figure for SHA-256).
 * - Guessing: each attempt is counted with the store's atomic `hit` counter BEFORE the passcode is
 *   checked, so concurrent guesses can never exceed `maxAttempts` (5); then the link is locked
 *   until it expires, even for the right passcode. A successful open resets the counter. With 5
 *   tries and 8 digits, a guesser's odds are 1 in 20 million per link.
 *
 * @module voucher/share
 */
import { constantTimeEqual, pbkdf2Sha256 } from '../_crypto/pbkdf2.js';
import { ConfigurationError, VoucherError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import type { Currency } from '../money/index.js';
import type { CashCodeStore } from '../storage/contract.js';
import { decodeBase64url, encodeBase64url } from './_internal/base64url.js';
import { assertPayable } from './_internal/payable.js';
import { parseShareRecord, SHARE_TOKEN_PATTERN, type ShareRecord, shareKeys } from './_internal/share-record.js';

/** PBKDF2 iterations used for new links. */
export const SHARE_PASSCODE_ITERATIONS = 600_000;
/** How long an expired link's record is kept so that opening it says "expired", not "invalid". */
export const SHARE_EXPIRED_RETENTION_MS: number = 24 * 60 * 60 * 1000;

/** Options of {@link createVoucherShareLink}. */
export interface CreateShareLinkOptions {
  store: CashCodeStore;
  /** How long the link works, in milliseconds (1 minute to 90 days). */
  ttlMs: number;
  now?: Date;
  /** Passcode length in digits, 6–10 (default 8). */
  passcodeDigits?: number;
  /** PBKDF2 iterations (default {@link SHARE_PASSCODE_ITERATIONS}; at least 100 000). */
  iterations?: number;
}

/** A new share link. Send `token` in the URL and `passcode` through another channel. */
export interface VoucherShareLink {
  token: string;
  passcode: string;
  expiresAt: Date;
}

/** Options of {@link openVoucherShareLink}. */
export interface OpenShareLinkOptions {
  store: CashCodeStore;
  now?: Date;
  /** Wrong passcodes allowed before the link locks (default 5). */
  maxAttempts?: number;
}

/** What an opened link gives access to: load the code by `codeId` and render its voucher. */
export interface OpenedVoucherShareLink {
  codeId: string;
  cip: string;
  orderId: string;
  amountMinor: number;
  currency: Currency;
  codeExpiresAt: Date;
  linkExpiresAt: Date;
}

function randomDigits(count: number): string {
  let digits = '';
  while (digits.length < count) {
    // Rejection sampling: 4 294 000 000 is the largest multiple of 10^6 below 2^32, so no bias.
    const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
    if (value < 4_294_000_000) digits += String(value % 1_000_000).padStart(6, '0');
  }
  return digits.slice(0, count);
}

function integerOption(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`${name} must be an integer from ${min} to ${max}.`, { details: { option: name } });
  }
  return value;
}

/**
 * Create a share link for a pending code's voucher.
 * @throws {VoucherError} `voucher_not_payable` for a code without a CIP or not pending.
 * @throws {ConfigurationError} `config_invalid` for a bad `ttlMs`, `passcodeDigits` or `iterations`.
 */
export async function createVoucherShareLink(
  code: Pick<CashCode, 'id' | 'cip' | 'orderId' | 'amountMinor' | 'currency' | 'expiresAt'> & {
    status?: CashCode['status'];
  },
  options: CreateShareLinkOptions,
): Promise<VoucherShareLink> {
  assertPayable(code);
  const ttlMs = integerOption(options.ttlMs, 'ttlMs', 60_000, 90 * 24 * 60 * 60 * 1000);
  const digits = integerOption(options.passcodeDigits ?? 8, 'passcodeDigits', 6, 10);
  const iterations = integerOption(options.iterations ?? SHARE_PASSCODE_ITERATIONS, 'iterations', 100_000, 10_000_000);
  const now = options.now ?? new Date();
  const token = encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
  const passcode = randomDigits(digits);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const record: ShareRecord = {
    v: 1,
    codeId: code.id,
    cip: code.cip,
    orderId: code.orderId,
    amountMinor: code.amountMinor,
    currency: code.currency,
    codeExpiresAt: code.expiresAt.toISOString(),
    expiresAt: now.getTime() + ttlMs,
    salt: encodeBase64url(salt),
    hash: encodeBase64url(await pbkdf2Sha256(passcode, salt, iterations)),
    iterations,
  };
  const keys = await shareKeys(token);
  await options.store.putValue(keys.record, JSON.stringify(record), ttlMs + SHARE_EXPIRED_RETENTION_MS);
  return { token, passcode, expiresAt: new Date(record.expiresAt) };
}

/**
 * Open a share link with its passcode.
 * @throws {VoucherError} `share_link_invalid` (unknown or malformed token), `share_link_expired`,
 * `share_link_locked` (too many wrong passcodes), `passcode_wrong` (`details.attemptsLeft`).
 */
export async function openVoucherShareLink(
  token: string,
  passcode: string,
  options: OpenShareLinkOptions,
): Promise<OpenedVoucherShareLink> {
  const maxAttempts = integerOption(options.maxAttempts ?? 5, 'maxAttempts', 1, 100);
  const invalid = (): VoucherError =>
    new VoucherError('share_link_invalid', 'This voucher link is unknown or malformed.');
  if (typeof token !== 'string' || !SHARE_TOKEN_PATTERN.test(token)) throw invalid();
  const keys = await shareKeys(token);
  const stored = await options.store.getValue(keys.record);
  const record = stored === null ? null : parseShareRecord(stored);
  if (!record) throw invalid();
  const now = (options.now ?? new Date()).getTime();
  if (now >= record.expiresAt)
    throw new VoucherError('share_link_expired', 'This voucher link has expired; ask for a new one.');
  const windowMs = record.expiresAt - now + SHARE_EXPIRED_RETENTION_MS;
  const attempt = await options.store.hit(keys.attempts, maxAttempts, windowMs);
  if (!attempt.allowed) {
    throw new VoucherError('share_link_locked', 'This voucher link is locked after too many wrong passcodes.', {
      details: { maxAttempts },
    });
  }
  const derived = await pbkdf2Sha256(
    typeof passcode === 'string' ? passcode : '',
    decodeBase64url(record.salt) as Uint8Array,
    record.iterations,
  );
  if (!constantTimeEqual(derived, decodeBase64url(record.hash) as Uint8Array)) {
    const attemptsLeft = maxAttempts - attempt.count;
    throw new VoucherError(
      'passcode_wrong',
      attemptsLeft > 0
        ? `The passcode is wrong; ${attemptsLeft} attempt(s) left.`
        : 'The passcode is wrong; the link is now locked.',
      { details: { attemptsLeft } },
    );
  }
  await options.store.deleteKey(keys.attempts);
  return {
    codeId: record.codeId,
    cip: record.cip,
    orderId: record.orderId,
    amountMinor: record.amountMinor,
    currency: record.currency,
    codeExpiresAt: new Date(record.codeExpiresAt),
    linkExpiresAt: new Date(record.expiresAt),
  };
}
