/** Generates the id of a new payment code. Ids must be unique, URL-safe and at most 36 characters. */
export type IdGenerator = () => string;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/**
 * The creation millisecond as 9 base-32 digits (`0-9a-v`, 45 bits: until the year 3084). The fixed
 * width makes byte order the numeric order, and the kit's stores compare ids as bytes (PostgreSQL
 * `COLLATE "C"`, MariaDB `utf8mb4_bin`, SQLite `BINARY`, Redis). Root-like locale collations
 * (`C.UTF-8`, `en-x-icu`, `utf8mb4_unicode_ci`, `general_ci`) agree; a language collation with
 * contractions (Danish `aa`, Czech `ch`, traditional Spanish `ll`) does not, and only costs the order.
 */
const TIME_DIGITS = 9;
const TIME_ALPHABET = '0123456789abcdefghijklmnopqrstuv';
const MAX_TIME = 32 ** TIME_DIGITS - 1;
const RANDOM_CHARS = 13;
const POOL_BYTES = RANDOM_CHARS * 256;

// Random bytes are drawn in batches: one getRandomValues call costs tens of microseconds on Node
// (more than the rest of an id), and ids are not secrets, so holding a batch in memory is harmless.
let pool: Uint8Array | null = null;
let offset = POOL_BYTES;

function randomBytes(): Uint8Array {
  if (pool === null || offset + RANDOM_CHARS > POOL_BYTES) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  offset += RANDOM_CHARS;
  return pool.subarray(offset - RANDOM_CHARS, offset);
}

function timeDigits(at: number): string {
  // A clock that is not a finite number (a broken test clock) only costs the order: use the wall clock.
  let rest = Math.min(Math.max(Math.floor(Number.isFinite(at) ? at : Date.now()), 0), MAX_TIME);
  let digits = '';
  for (let i = 0; i < TIME_DIGITS; i++) {
    digits = TIME_ALPHABET[rest % 32] + digits;
    rest = Math.floor(rest / 32);
  }
  return digits;
}

/**
 * The default code id: `pc_`, the creation millisecond (9 characters) and 13 URL-safe random characters
 * (78 bits from the platform's `crypto.getRandomValues`), 25 characters in all. The id doubles as
 * PagoEfectivo's `transactionCode` (1–36 letters, digits, `-`, `_`), which is how a payment
 * notification names the code that asked for it.
 *
 * Ids sort by creation time (within a millisecond, at random). Codes expire in about the order they were
 * created, so a sweep, its lifecycle entries and its events touch each id index near its end instead of
 * at random pages all over it: with fully random ids a SQLite drain cost 1.3–1.6x as much per code at
 * 100k stored codes as at 10k, with these 1.0–1.1x (and a third less at both sizes). The price is that
 * an id shows when it was created, which the voucher shows anyway. Ids are not secrets: nothing is
 * authorised by knowing one.
 *
 * @param options `at`: the creation time (a Date or epoch ms; default the wall clock, and a time that is
 *   not a finite number falls back to it). Only the order uses it.
 */
export function createCodeId(options: { at?: number | Date } = {}): string {
  // An options object, not a bare number: `[…].map(createCodeId)` must not read each index as a time.
  const at = typeof options === 'object' && options !== null ? options.at : undefined;
  const bytes = randomBytes();
  let id = `pc_${timeDigits(at instanceof Date ? at.getTime() : (at ?? Date.now()))}`;
  // 256 is a multiple of 64, so masking to 6 bits keeps every character equally likely.
  for (const byte of bytes) id += ALPHABET[byte & 63];
  return id;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,36}$/;

/** Whether `id` can be a code id (and therefore a PagoEfectivo `transactionCode`). */
export function isValidCodeId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}
