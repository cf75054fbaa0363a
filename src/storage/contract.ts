import type { CashCode, CodeStatus, LifecycleEntry } from '../model/code.js';

/**
 * The result of {@link CashCodeStore.claimOrder}.
 * `claimed: false` carries the code that currently occupies the order.
 */
export type ClaimResult = { claimed: true; code: CashCode } | { claimed: false; current: CashCode };

/** Options of {@link CashCodeStore.claimOrder}. */
export interface ClaimOptions {
  /**
   * Replace the order's current code, but only if it is still exactly this id at this version
   * (compare-and-set on the order). Without it, the claim succeeds only if the order has no code.
   */
  replacing?: { id: string; version: number };
}

/** Result of {@link CashCodeStore.hit}. */
export interface HitResult {
  /** Whether this hit was counted (the count was below the limit). Refused hits are not counted. */
  allowed: boolean;
  /** The count after this hit; never above the limit. */
  count: number;
  /** When the window ends and the counter resets. */
  resetAt: Date;
}

/** Options of {@link CashCodeStore.claimExpired}. */
export interface ClaimExpiredOptions {
  /** Only codes with `expiresAt <= now` and status `pending`. */
  now: Date;
  /** At most this many codes. */
  limit: number;
  /** How long the taken codes stay invisible to other workers. */
  leaseMs: number;
}

/** Filter of {@link CashCodeStore.listCodes}. */
export interface ListCodesFilter {
  /** Only these statuses (all if omitted). */
  statuses?: readonly CodeStatus[];
  /** Only codes updated at or after this instant. */
  updatedSince?: Date;
  /** Page size (default 100, at most 1000). */
  limit?: number;
  /** Opaque cursor returned by the previous page. */
  cursor?: string | null;
}

/** A page of {@link CashCodeStore.listCodes}. */
export interface CodePage {
  codes: CashCode[];
  /** Cursor of the next page, `null` when this was the last one. */
  nextCursor: string | null;
}

/**
 * The storage contract of pagoefectivo-kit.
 *
 * Every safety-critical method is atomic in every adapter, implemented natively (SQL constraints and
 * transactions, Redis scripts), never as get-then-set. Every method rejects with a `StorageError`
 * (see `toStorageError`) when the backend fails, and never leaves a half-written change behind.
 * Records passed in and returned are plain values: stores must not keep references to them.
 * TTLs, windows, leases and limits are positive integers and keys are non-empty strings; anything else
 * rejects with a `ValidationError` before the backend is touched.
 *
 * Prove an implementation with `describeStoreConformance` from `pagoefectivo-kit/testing`.
 */
export interface CashCodeStore {
  /** A short name for errors and logs (`memory`, `sqlite`, `postgres`, `redis`). */
  readonly name: string;

  /**
   * Atomically make `code` the current code of `code.orderId` and insert it.
   * Succeeds only if the order has no code, or (with `replacing`) if its current code is still that
   * id at that version. Exactly one of any number of concurrent claims for one order wins.
   * The code's `cip`, when set, must be unique across the store.
   *
   * Rejects with a `StorageError` (and writes nothing) when the id or the CIP already belongs to another
   * code, and with a `ValidationError` when `replacing` is given but the order has no code.
   */
  claimOrder(code: CashCode, options?: ClaimOptions): Promise<ClaimResult>;

  /** A code by its id, or `null`. */
  getCode(id: string): Promise<CashCode | null>;

  /** The code holding a CIP number, or `null`. */
  getCodeByCip(cip: string): Promise<CashCode | null>;

  /** The order's current code (the last successful claim), or `null`. */
  getCodeByOrder(orderId: string): Promise<CashCode | null>;

  /**
   * Compare-and-set: store `code` only if the stored version equals `expectedVersion`.
   * `code.version` must be `expectedVersion + 1`. Returns `false` (and changes nothing) on a version
   * mismatch or an unknown id. Keeps the CIP index in step (a CIP may be set once, never reassigned).
   *
   * Rejects, changing nothing, with a `ValidationError` when `code.version` is not
   * `expectedVersion + 1` or `code.orderId` differs from the stored one, and with a `StorageError` when
   * the new CIP belongs to another code or the stored CIP would change or be cleared.
   */
  updateCode(code: CashCode, expectedVersion: number): Promise<boolean>;

  /**
   * Page through codes, ordered by id (code-unit order, like a binary collation), optionally filtered
   * by status and update time. Rejects with a `ValidationError` on a limit outside 1–1000, an empty or
   * unknown status list, or a cursor this store did not return.
   */
  listCodes(filter?: ListCodesFilter): Promise<CodePage>;

  /**
   * Take up to `limit` pending codes whose expiry is at or before `now` and that no other worker holds;
   * each taken code is hidden from other callers for `leaseMs`. Two concurrent callers never get the
   * same code while the lease lasts. Does not change the codes' versions.
   */
  claimExpired(options: ClaimExpiredOptions): Promise<CashCode[]>;

  /**
   * Set `key` only if absent (or expired), with a TTL. `true` for the one caller that set it.
   * Used for webhook deduplication and one-time tokens.
   */
  consumeOnce(key: string, ttlMs: number): Promise<boolean>;

  /** Store a value under `key` for `ttlMs`, replacing any previous value. */
  putValue(key: string, value: string, ttlMs: number): Promise<void>;

  /** The live value under `key`, or `null` if absent or expired. */
  getValue(key: string): Promise<string | null>;

  /** Atomically read and delete `key`: exactly one concurrent caller gets the value. */
  takeValue(key: string): Promise<string | null>;

  /** Delete `key` (value, consumeOnce marker or hit counter); no error if absent. */
  deleteKey(key: string): Promise<void>;

  /**
   * A fixed-window counter: count one hit on `key` if the count is below `limit`. The window starts at
   * the first hit and lasts `windowMs` (the TTL is set only at creation). Concurrent hits never push
   * the count above `limit`.
   */
  hit(key: string, limit: number, windowMs: number): Promise<HitResult>;

  /**
   * Append one entry to the lifecycle log of `entry.subject`. Entries are never changed or removed.
   * `entry.data` must hold JSON values only (durable stores keep it as JSON text).
   */
  appendLog(entry: LifecycleEntry): Promise<void>;

  /** The lifecycle log of a subject (a code id or `cip:<number>`), oldest first. */
  readLog(subject: string): Promise<LifecycleEntry[]>;
}

/** Copy a code so a store never shares mutable objects with its callers. */
export function cloneCode(code: CashCode): CashCode {
  return structuredClone(code);
}

/** Serialise a code to JSON text with dates as ISO strings (for adapters that store documents). */
export function serializeCode(code: CashCode): string {
  return JSON.stringify(code);
}

const CODE_DATE_FIELDS = ['expiresAt', 'createdAt', 'updatedAt', 'leaseUntil'] as const;

/** Parse a code written by {@link serializeCode}, reviving its dates. */
export function deserializeCode(text: string): CashCode {
  const raw = JSON.parse(text) as Record<string, unknown>;
  for (const field of CODE_DATE_FIELDS) {
    const value = raw[field];
    if (typeof value === 'string') raw[field] = new Date(value);
  }
  const fx = raw.fx as Record<string, unknown> | null;
  if (fx && typeof fx.quotedAt === 'string') fx.quotedAt = new Date(fx.quotedAt);
  const payment = raw.payment as Record<string, unknown> | null;
  if (payment && typeof payment.paidAt === 'string') payment.paidAt = new Date(payment.paidAt);
  return raw as unknown as CashCode;
}

/** Serialise a lifecycle entry to JSON text. */
export function serializeEntry(entry: LifecycleEntry): string {
  return JSON.stringify(entry);
}

/** Parse a lifecycle entry written by {@link serializeEntry}. */
export function deserializeEntry(text: string): LifecycleEntry {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (typeof raw.at === 'string') raw.at = new Date(raw.at);
  return raw as unknown as LifecycleEntry;
}
