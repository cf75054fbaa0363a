import { ValidationError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import type { CashCodeStore } from '../storage/contract.js';
import { scanByEmail } from './_email-scan.js';

/** What a support lookup searches by. `transactionCode` is the code id (`CashCode.id`). */
export type LookupKind = 'cip' | 'orderId' | 'email' | 'transactionCode';

/** Every {@link LookupKind}. */
export const LOOKUP_KINDS: readonly LookupKind[] = ['cip', 'orderId', 'email', 'transactionCode'];

/** A support lookup: a value and, optionally, what it is (guessed from its shape when omitted). */
export interface LookupQuery {
  kind?: LookupKind;
  value: string;
}

/** Options of {@link lookupCodes}. */
export interface LookupOptions {
  /** At most this many codes (default 20, at most 100). */
  limit?: number;
  /**
   * An e-mail lookup reads at most this many code records (default 5000, at most 100000): no store has
   * an index by e-mail, so the lookup pages through recently updated codes (see docs/support-console.md).
   */
  scanLimit?: number;
  /** The clock the e-mail scan's recency windows are measured from (default: now). */
  now?: Date;
}

/** What {@link lookupCodes} found. */
export interface LookupResult {
  /** Matching codes, de-duplicated, newest (by `createdAt`) first. */
  codes: CashCode[];
  /** The kinds that matched at least one code. */
  matchedBy: LookupKind[];
  /** `true` when an e-mail lookup stopped at `scanLimit` before reading every candidate code. */
  truncated: boolean;
  /** How many code records an e-mail lookup read (0 for the other kinds). */
  scanned: number;
}

const MAX_VALUE_LENGTH = 254;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const DEFAULT_SCAN_LIMIT = 5000;
const MAX_SCAN_LIMIT = 100_000;
/** A code id, which is also the `transactionCode` sent to PagoEfectivo. */
const CODE_ID = /^[A-Za-z0-9_-]{1,36}$/;
/** The shape a bare value must have to be taken for a CIP number. */
const CIP_GUESS = /^\d{6,20}$/;
const CIP = /^\d{1,20}$/;
const ORDER_ID = /^[\x21-\x7e]{1,100}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function invalid(message: string, path = 'value'): ValidationError {
  return new ValidationError(message, [{ path, message }]);
}

function boundedInt(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(`${name} must be an integer from 1 to ${max}.`, name);
  }
  return value;
}

/** Normalise the query; bad input is refused before the store is touched. */
function readQuery(query: LookupQuery | string): { kind: LookupKind | undefined; value: string } {
  const given = typeof query === 'string' ? { value: query } : query;
  if (given === null || typeof given !== 'object' || typeof given.value !== 'string') {
    throw invalid('Look up a CIP, order id, e-mail or transaction code given as a string.');
  }
  if (given.kind !== undefined && !LOOKUP_KINDS.includes(given.kind)) {
    throw invalid(`kind must be one of ${LOOKUP_KINDS.join(', ')}.`, 'kind');
  }
  const value = given.value.trim();
  if (value === '') throw invalid('The lookup value is empty: paste a CIP, order id, e-mail or transaction code.');
  if (value.length > MAX_VALUE_LENGTH) {
    throw invalid(`The lookup value is longer than ${MAX_VALUE_LENGTH} characters; paste only the number or e-mail.`);
  }
  // Control characters never belong to an id or an address; they usually mean a bad paste.
  if (/\p{Cc}/u.test(value)) throw invalid('The lookup value contains control characters; paste it again.');
  return { kind: given.kind, value };
}

/** The kinds to try for a value, in order. */
function kindsFor(kind: LookupKind | undefined, value: string): LookupKind[] {
  if (kind !== undefined) return [kind];
  if (CIP_GUESS.test(value)) return ['cip', 'orderId'];
  if (value.includes('@')) return ['email'];
  return ['orderId', 'transactionCode'];
}

const SHAPES: Record<LookupKind, { pattern: RegExp; message: string }> = {
  cip: { pattern: CIP, message: 'A CIP number is 1–20 digits, e.g. 2401557.' },
  orderId: { pattern: ORDER_ID, message: 'An order id is 1–100 printable characters without spaces.' },
  transactionCode: {
    pattern: CODE_ID,
    message: 'A transaction code (code id) is 1–36 letters, digits, "-" or "_", e.g. pc_1jbq8c9rhX3f….',
  },
  email: { pattern: EMAIL, message: 'An e-mail address looks like name@example.com.' },
};

/** The kinds whose shape the value has; an explicit kind must fit, a guess must fit one of them. */
function fittingKinds(kind: LookupKind | undefined, value: string): LookupKind[] {
  const kinds = kindsFor(kind, value).filter((candidate) => SHAPES[candidate].pattern.test(value));
  if (kinds.length > 0) return kinds;
  const tried = kindsFor(kind, value);
  if (tried.length === 1) throw invalid(SHAPES[tried[0] as LookupKind].message);
  throw invalid(
    'This is neither a CIP, an order id, an e-mail nor a transaction code: ' +
      'paste it without spaces (order ids are 1–100 printable characters).',
  );
}

/**
 * The codes an order has had, newest first: its current code, then the codes it replaced (each code's
 * `reserved` entry names the code it replaced), so staff see why a buyer holds an older CIP.
 */
async function orderCodes(store: CashCodeStore, orderId: string, limit: number): Promise<CashCode[]> {
  const codes: CashCode[] = [];
  let code = await store.getCodeByOrder(orderId);
  while (code !== null && codes.length < limit && !codes.some((seen) => seen.id === code?.id)) {
    codes.push(code);
    const log = await store.readLog(code.id);
    const replaces = log.find((entry) => entry.type === 'reserved')?.data.replaces;
    code = typeof replaces === 'string' ? await store.getCode(replaces) : null;
  }
  return codes;
}

const newestFirst = (a: CashCode, b: CashCode): number =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Find the codes a support agent is asked about, by CIP, order id, buyer e-mail or transaction code
 * (the code id). Read-only.
 *
 * Without `kind`, the value's shape decides: 6–20 digits are looked up as a CIP and then as an order
 * id; a value with `@` as an e-mail; anything else as an order id and then as a transaction code.
 * An order id finds the order's current code and the codes it replaced.
 *
 * An e-mail lookup has no index to use: it pages through codes updated in the last day, week, month,
 * year and then all, and stops after reading `scanLimit` records (`truncated: true`).
 *
 * @throws {ValidationError} `validation_failed` for an empty, overlong or malformed value, an unknown
 * kind, or a limit out of range.
 */
export async function lookupCodes(
  store: CashCodeStore,
  query: LookupQuery | string,
  options: LookupOptions = {},
): Promise<LookupResult> {
  const { kind, value } = readQuery(query);
  const limit = boundedInt(options.limit, 'limit', DEFAULT_LIMIT, MAX_LIMIT);
  const scanLimit = boundedInt(options.scanLimit, 'scanLimit', DEFAULT_SCAN_LIMIT, MAX_SCAN_LIMIT);
  const kinds = fittingKinds(kind, value);
  const found = new Map<string, CashCode>();
  const matchedBy: LookupKind[] = [];
  let truncated = false;
  let scanned = 0;
  for (const candidate of kinds) {
    let codes: CashCode[] = [];
    if (candidate === 'cip') {
      const code = await store.getCodeByCip(value);
      codes = code === null ? [] : [code];
    } else if (candidate === 'orderId') {
      codes = await orderCodes(store, value, limit);
    } else if (candidate === 'transactionCode') {
      const code = await store.getCode(value);
      codes = code === null ? [] : [code];
    } else {
      const scan = await scanByEmail(store, value, { limit, scanLimit, now: options.now ?? new Date() });
      codes = scan.codes;
      truncated = scan.truncated;
      scanned = scan.scanned;
    }
    if (codes.length > 0) matchedBy.push(candidate);
    for (const code of codes) if (!found.has(code.id)) found.set(code.id, code);
  }
  return { codes: [...found.values()].sort(newestFirst).slice(0, limit), matchedBy, truncated, scanned };
}
