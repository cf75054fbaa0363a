import type { CashCode, CodeStatus, LifecycleEntry } from '../model/code.js';
import type { CodeEvent, EventDeliveryState, OutboxEvent } from '../model/events.js';

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
  /** Lifecycle entries written in the same atomic step as the claim (none if the claim loses). */
  entries?: readonly LifecycleEntry[];
  /** Outbox events written in the same atomic step as the claim (none if the claim loses). */
  events?: readonly CodeEvent[];
}

/**
 * One atomic change of a code (see {@link CashCodeStore.commitCode}): the compare-and-set, its
 * lifecycle entries and its outbox events, written together or not at all.
 */
export interface CodeCommit {
  /** The code as it must be stored; `code.version` is `expectedVersion + 1`. */
  code: CashCode;
  expectedVersion: number;
  /**
   * Unique id of this write (the service uses a random one per attempt). The store keeps the id of
   * the last write of each code, so re-executing the same commit after a lost reply answers `true`.
   */
  writeId: string;
  /** Entries appended with the change; an entry whose `id` the subject already has is not appended again. */
  entries: readonly LifecycleEntry[];
  /** Events added to the outbox with the change; an event whose `id` is already stored is not added again. */
  events: readonly CodeEvent[];
}

/** Entries and events recorded together, with no change of a code (see {@link CashCodeStore.appendRecords}). */
export interface RecordBatch {
  entries: readonly LifecycleEntry[];
  events: readonly CodeEvent[];
}

/** Options of {@link CashCodeStore.claimEvents}. */
export interface ClaimEventsOptions {
  /** At most this many events. */
  limit: number;
  /** How long the taken events stay invisible to other workers. */
  leaseMs: number;
  /** Who takes them; a re-executed claim by the same owner gets its live leases again. */
  owner: string;
  /** The caller's clock: events whose `nextAttemptAt` is after it are not due. */
  now: Date;
}

/** What a delivery attempt came to (see {@link CashCodeStore.settleEvent}). */
export type EventSettlement =
  | { delivered: true }
  | {
      delivered: false;
      /** Secret-free error message of the attempt. */
      error: string;
      /** When the event is due again. */
      nextAttemptAt: Date;
      /** Move the event to the dead-letter state (no more automatic attempts). */
      dead: boolean;
    };

/** Options of {@link CashCodeStore.settleEvent}. */
export interface SettleEventOptions {
  id: string;
  /** The owner that claimed the event. */
  owner: string;
  /** `attempts` of the event as {@link CashCodeStore.claimEvents} returned it. */
  attempt: number;
  outcome: EventSettlement;
}

/** Filter of {@link CashCodeStore.listEvents}. */
export interface ListEventsFilter {
  /** Only events in this delivery state (all if omitted). */
  state?: EventDeliveryState;
  /** Only events about this code. */
  codeId?: string;
  /** Page size (default 100, at most 1000). */
  limit?: number;
  /** Opaque cursor returned by the previous page. */
  cursor?: string | null;
}

/** A page of {@link CashCodeStore.listEvents}, in outbox order (the order the events were written). */
export interface EventPage {
  events: OutboxEvent[];
  nextCursor: string | null;
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
  /**
   * Who takes them. A re-executed claim by the same owner (a lost reply) gets the codes it still
   * holds again, before new ones. Without an owner, a re-executed claim finds its codes leased.
   */
  owner?: string;
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

/** Options of {@link CashCodeStore.listStaleReservations}. */
export interface StaleReservationsOptions {
  /** Reservations whose lease ended at or before this instant (or that have no lease) are stale. */
  now: Date;
  /** At most this many codes (1–1000). */
  limit: number;
}

/** Options of {@link CashCodeStore.purgeExpired}. */
export interface PurgeOptions {
  /** Delete at most this many expired keys in this call (1–100000); call again while it returns `limit`. */
  limit?: number;
}

/** Options of {@link CashCodeStore.readLogPage} (and `CashCodes.history` with paging). */
export interface LogPageOptions {
  /** Page size (1–1000). */
  limit: number;
  /**
   * Opaque cursor from the previous page's `nextCursor`: this page holds the entries written before
   * it. Omitted or `null`: the newest `limit` entries.
   */
  before?: string | null;
}

/** A page of a lifecycle log (see {@link CashCodeStore.readLogPage}). */
export interface LogPage {
  /** Entries of this page, oldest first. */
  entries: LifecycleEntry[];
  /** Pass as `before` for the page of older entries; `null` when this page reaches the first entry. */
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
 * **Atomic commits.** A code's new state, its lifecycle entries and its outbox events are written by one
 * operation ({@link claimOrder}, {@link commitCode}) or not at all: one transaction, one script, one
 * synchronous step. **Re-execution.** Every mutating operation may be executed twice with the same
 * arguments (a client re-sends after a lost reply, a caller retries an ambiguous failure) and answers
 * what the first execution answered, writing nothing more.
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

  /**
   * Compare-and-set a code together with its lifecycle entries and outbox events, atomically.
   * Stores `commit.code` only if the stored version equals `commit.expectedVersion`, and then appends
   * the entries and adds the events in the same step. Returns `false` (writing nothing) on a version
   * mismatch or an unknown id, and `true` when the write landed now or when the same commit
   * (`writeId`) is the code's last write already (a re-execution).
   *
   * Rejects, writing nothing, like {@link updateCode} for a wrong version, order or CIP change.
   */
  commitCode(commit: CodeCommit): Promise<boolean>;

  /**
   * Optional: several independent {@link commitCode}s in one round trip (PostgreSQL: one transaction),
   * so a sweep writes each batch with one commit. Each commit is judged on its own exactly as
   * `commitCode` judges it (a version mismatch answers `false` for that one and writes nothing of it;
   * the others still land); answers in the order given. Safe to re-execute. Rejects, writing nothing
   * of the batch, when a commit is malformed or the backend fails; the caller then retries them one by one.
   */
  commitCodes?(commits: readonly CodeCommit[]): Promise<boolean[]>;

  /**
   * Append lifecycle entries and add outbox events together, atomically, with no change of a code
   * (refused payments, notes). Entries and events whose ids are already stored are skipped, so a
   * re-execution writes nothing more.
   */
  appendRecords(batch: RecordBatch): Promise<void>;

  /**
   * Lease up to `limit` due outbox events to `owner` for `leaseMs`: `pending`, `nextAttemptAt <= now`,
   * not leased to another owner, and the oldest undelivered event of their code (events of one code
   * are handed out in outbox order; a dead event does not hold back the ones after it). Two concurrent
   * callers never get the same event while its lease lasts. Returned oldest first.
   */
  claimEvents(options: ClaimEventsOptions): Promise<OutboxEvent[]>;

  /**
   * Record a delivery attempt of an event claimed by `owner`: delivered, or failed (attempts + 1,
   * the error, the next attempt, possibly dead). Returns `false`, changing nothing, when the event is
   * no longer leased to `owner` at `attempt` (another worker took it over); `true` when it was
   * recorded now or already (a re-execution).
   */
  settleEvent(options: SettleEventOptions): Promise<boolean>;

  /** Page through outbox events in outbox order, optionally by state and code. */
  listEvents(filter?: ListEventsFilter): Promise<EventPage>;

  /** How many outbox events are in `state` (from an index, not a scan of every event). */
  countEvents(state: EventDeliveryState): Promise<number>;

  /**
   * Put a `dead` event back to `pending` with its attempts reset, due at `nextAttemptAt`.
   * Returns `false` when the event is unknown or not dead (a re-execution answers `false` too, having
   * changed nothing more).
   */
  redriveEvent(id: string, nextAttemptAt: Date): Promise<boolean>;

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
  // `updateCode` is `commitCode` without entries and events; the service uses `commitCode` only.

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
   * Used for webhook deduplication and one-time tokens. With `owner`, a re-execution by the same
   * owner while the marker lives answers `true` again ("you got it"); other owners get `false`.
   */
  consumeOnce(key: string, ttlMs: number, owner?: string): Promise<boolean>;

  /** Store a value under `key` for `ttlMs`, replacing any previous value. */
  putValue(key: string, value: string, ttlMs: number): Promise<void>;

  /** The live value under `key`, or `null` if absent or expired. */
  getValue(key: string): Promise<string | null>;

  /**
   * Atomically read and delete `key`: exactly one concurrent caller gets the value. With `owner`, a
   * re-execution by the same owner within the value's former lifetime gets the value again.
   */
  takeValue(key: string, owner?: string): Promise<string | null>;

  /** Delete `key` (value, consumeOnce marker or hit counter); no error if absent. */
  deleteKey(key: string): Promise<void>;

  /**
   * A fixed-window counter: count one hit on `key` if the count is below `limit`. The window starts at
   * the first hit and lasts `windowMs` (the TTL is set only at creation). Concurrent hits never push
   * the count above `limit`. With `hitId`, a re-execution of the same hit (the last one counted or
   * refused on this key) answers the first answer and is not counted again.
   */
  hit(key: string, limit: number, windowMs: number, hitId?: string): Promise<HitResult>;

  /**
   * Append one entry to the lifecycle log of `entry.subject`. Entries are never changed or removed.
   * `entry.data` must hold JSON values only (durable stores keep it as JSON text). An entry whose `id`
   * the subject already has is not appended again.
   */
  appendLog(entry: LifecycleEntry): Promise<void>;

  /** The lifecycle log of a subject (a code id or `cip:<number>`), oldest first. */
  readLog(subject: string): Promise<LifecycleEntry[]>;

  /**
   * Optional (every built-in store has it): one page of a subject's lifecycle log, newest page first,
   * entries oldest first within the page, read from an index so its cost grows with `limit`, not with
   * the log. Rejects with a `ValidationError` on a limit outside 1–1000 or a cursor this store did not
   * return for this subject. Without it, `CashCodes.history` pages over {@link readLog}.
   */
  readLogPage?(subject: string, options: LogPageOptions): Promise<LogPage>;

  /**
   * Optional (every built-in store has it): up to `limit` codes in status `reserving` whose lease ended
   * at or before `now` (or that have none), oldest lease first, from an index (never a scan of every
   * code). The sweeper releases them; without it, it pages `listCodes({ statuses: ['reserving'] })`.
   */
  listStaleReservations?(options: StaleReservationsOptions): Promise<CashCode[]>;

  /**
   * Optional: delete expired keys (`consumeOnce` markers, values, hit counters), at most
   * `options.limit` in one call, and answer how many were deleted. Safe to run from several workers at
   * once and to re-execute. The sweeper calls it with its `purgeLimit` so key storage stays bounded.
   */
  purgeExpired?(options?: PurgeOptions): Promise<number>;
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
  const review = raw.review as Record<string, unknown> | null | undefined;
  if (review && typeof review.at === 'string') review.at = new Date(review.at);
  if (review && typeof review.decidedAt === 'string') review.decidedAt = new Date(review.decidedAt);
  return raw as unknown as CashCode;
}

/** Serialise an outbox event to JSON text with its instant as an ISO string. */
export function serializeEvent(event: CodeEvent): string {
  return JSON.stringify(event);
}

/** Parse an event written by {@link serializeEvent}. */
export function deserializeEvent(text: string): CodeEvent {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (typeof raw.at === 'string') raw.at = new Date(raw.at);
  return raw as unknown as CodeEvent;
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
