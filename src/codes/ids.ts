/** Generates the id of a new payment code. Ids must be unique, URL-safe and at most 36 characters. */
export type IdGenerator = () => string;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ID_BYTES = 22;
const POOL_BYTES = ID_BYTES * 256;

// Random bytes are drawn in batches: one getRandomValues call costs tens of microseconds on Node
// (more than the rest of an id), and ids are not secrets, so holding a batch in memory is harmless.
let pool: Uint8Array | null = null;
let offset = POOL_BYTES;

function randomBytes(): Uint8Array {
  if (pool === null || offset + ID_BYTES > POOL_BYTES) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  offset += ID_BYTES;
  return pool.subarray(offset - ID_BYTES, offset);
}

/**
 * The default code id: `pc_` and 22 URL-safe random characters (132 bits from the platform's
 * `crypto.getRandomValues`), 25 characters in all. The id doubles as PagoEfectivo's `transactionCode`
 * (1–36 letters, digits, `-`, `_`), which is how a payment notification names the code that asked for it.
 */
export function createCodeId(): string {
  const bytes = randomBytes();
  let id = 'pc_';
  // 256 is a multiple of 64, so masking to 6 bits keeps every character equally likely.
  for (const byte of bytes) id += ALPHABET[byte & 63];
  return id;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,36}$/;

/** Whether `id` can be a code id (and therefore a PagoEfectivo `transactionCode`). */
export function isValidCodeId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}
