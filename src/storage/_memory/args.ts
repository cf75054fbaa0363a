import { ValidationError } from '../../errors.js';
import { type CashCode, CODE_STATUSES, type CodeStatus, type LifecycleEntry } from '../../model/code.js';
import { CODE_EVENT_TYPES, type CodeEvent, type EventDeliveryState } from '../../model/events.js';
import type {
  ClaimEventsOptions,
  ClaimOptions,
  CodeCommit,
  ListCodesFilter,
  ListEventsFilter,
  LogPageOptions,
  PurgeOptions,
  RecordBatch,
  SettleEventOptions,
  StaleReservationsOptions,
} from '../contract.js';

// Argument checks shared by the operations of a store. They hold no state and know no backend, so any
// adapter can run them first and fail with the same typed error as the memory store.

/** Largest page of `listCodes`. */
export const MAX_PAGE_SIZE = 1000;
/** Page size of `listCodes` when none is given. */
export const DEFAULT_PAGE_SIZE = 100;

const CURSOR_PREFIX = 'id:';

function invalid(operation: string, path: string, message: string): ValidationError {
  return new ValidationError(`Invalid argument to store.${operation}(): ${path} ${message}`, [{ path, message }]);
}

/** Reject anything but a non-empty string key. */
export function checkKey(key: unknown, operation: string, path = 'key'): string {
  if (typeof key !== 'string' || key.length === 0) throw invalid(operation, path, 'must be a non-empty string.');
  return key;
}

/** Reject anything but a positive safe integer (TTLs, windows, leases and limits). */
export function checkPositiveInt(value: unknown, operation: string, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(operation, path, `must be a positive integer, got ${String(value)}.`);
  }
  return value;
}

/** Reject anything but a valid Date. */
export function checkDate(value: unknown, operation: string, path: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw invalid(operation, path, 'must be a valid Date.');
  return value;
}

/** Check the fields a store relies on: ids, version, status, CIP and the indexed dates. */
export function checkCode(code: CashCode, operation: string): void {
  if (typeof code !== 'object' || code === null) throw invalid(operation, 'code', 'must be a CashCode object.');
  checkKey(code.id, operation, 'code.id');
  checkKey(code.orderId, operation, 'code.orderId');
  if (!Number.isSafeInteger(code.version) || code.version < 0) {
    throw invalid(operation, 'code.version', 'must be a non-negative integer.');
  }
  if (!CODE_STATUSES.includes(code.status)) {
    throw invalid(operation, 'code.status', `must be one of ${CODE_STATUSES.join(', ')}.`);
  }
  if (code.cip !== null && (typeof code.cip !== 'string' || code.cip.length === 0)) {
    throw invalid(operation, 'code.cip', 'must be a non-empty string or null.');
  }
  checkDate(code.expiresAt, operation, 'code.expiresAt');
  checkDate(code.updatedAt, operation, 'code.updatedAt');
}

/** `updateCode` stores the next version only: `code.version` must be `expectedVersion + 1`. */
export function checkNextVersion(code: CashCode, expectedVersion: number, operation = 'updateCode'): void {
  checkCode(code, operation);
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw invalid(operation, 'expectedVersion', 'must be a non-negative integer.');
  }
  if (code.version !== expectedVersion + 1) {
    throw invalid(
      operation,
      'code.version',
      `must be expectedVersion + 1 (${expectedVersion + 1}), got ${code.version}.`,
    );
  }
}

/** Check a lifecycle entry before it is appended. */
export function checkEntry(entry: LifecycleEntry, operation = 'appendLog', path = 'entry'): void {
  if (typeof entry !== 'object' || entry === null) throw invalid(operation, path, 'must be a LifecycleEntry.');
  checkKey(entry.subject, operation, `${path}.subject`);
  checkDate(entry.at, operation, `${path}.at`);
  if (entry.id !== undefined) checkKey(entry.id, operation, `${path}.id`);
}

/** Check an outbox event before it is stored. */
export function checkEvent(event: CodeEvent, operation: string, path = 'event'): void {
  if (typeof event !== 'object' || event === null) throw invalid(operation, path, 'must be a CodeEvent.');
  checkKey(event.id, operation, `${path}.id`);
  if (!CODE_EVENT_TYPES.includes(event.type)) {
    throw invalid(operation, `${path}.type`, `must be one of ${CODE_EVENT_TYPES.join(', ')}.`);
  }
  if (event.codeId !== null) checkKey(event.codeId, operation, `${path}.codeId`);
  checkDate(event.at, operation, `${path}.at`);
  if (typeof event.data !== 'object' || event.data === null) {
    throw invalid(operation, `${path}.data`, 'must be an object of JSON values.');
  }
}

/** Check the entries and events of a write; `undefined` lists are empty. */
export function checkRecords(
  entries: readonly LifecycleEntry[] | undefined,
  events: readonly CodeEvent[] | undefined,
  operation: string,
): RecordBatch {
  if (entries !== undefined && !Array.isArray(entries)) throw invalid(operation, 'entries', 'must be an array.');
  if (events !== undefined && !Array.isArray(events)) throw invalid(operation, 'events', 'must be an array.');
  const batch: RecordBatch = { entries: entries ?? [], events: events ?? [] };
  for (const [index, entry] of batch.entries.entries()) checkEntry(entry, operation, `entries[${index}]`);
  for (const [index, event] of batch.events.entries()) checkEvent(event, operation, `events[${index}]`);
  return batch;
}

/** Check the argument of `appendRecords`. */
export function checkRecordBatch(batch: RecordBatch): RecordBatch {
  if (typeof batch !== 'object' || batch === null)
    throw invalid('appendRecords', 'batch', 'must be { entries, events }.');
  return checkRecords(batch.entries, batch.events, 'appendRecords');
}

/** Check the records a claim carries. */
export function checkClaimRecords(options: ClaimOptions): RecordBatch {
  return checkRecords(options.entries, options.events, 'claimOrder');
}

/** Check a {@link CodeCommit}: the next version of a code, a write id, its entries and events. */
export function checkCommit(commit: CodeCommit): RecordBatch {
  if (typeof commit !== 'object' || commit === null) throw invalid('commitCode', 'commit', 'must be a CodeCommit.');
  checkNextVersion(commit.code, commit.expectedVersion, 'commitCode');
  checkKey(commit.writeId, 'commitCode', 'writeId');
  return checkRecords(commit.entries, commit.events, 'commitCode');
}

/** Check the options of `claimEvents`. */
export function checkClaimEvents(options: ClaimEventsOptions): ClaimEventsOptions {
  if (typeof options !== 'object' || options === null) throw invalid('claimEvents', 'options', 'must be an object.');
  checkPositiveInt(options.limit, 'claimEvents', 'limit');
  if (options.limit > MAX_PAGE_SIZE) {
    throw invalid('claimEvents', 'limit', `must be at most ${MAX_PAGE_SIZE}, got ${options.limit}.`);
  }
  checkPositiveInt(options.leaseMs, 'claimEvents', 'leaseMs');
  checkKey(options.owner, 'claimEvents', 'owner');
  checkDate(options.now, 'claimEvents', 'now');
  return options;
}

/** Check the options of `settleEvent`. */
export function checkSettleEvent(options: SettleEventOptions): SettleEventOptions {
  if (typeof options !== 'object' || options === null) throw invalid('settleEvent', 'options', 'must be an object.');
  checkKey(options.id, 'settleEvent', 'id');
  checkKey(options.owner, 'settleEvent', 'owner');
  if (!Number.isSafeInteger(options.attempt) || options.attempt < 0) {
    throw invalid('settleEvent', 'attempt', 'must be a non-negative integer.');
  }
  const outcome = options.outcome;
  if (typeof outcome !== 'object' || outcome === null || typeof outcome.delivered !== 'boolean') {
    throw invalid('settleEvent', 'outcome', 'must be { delivered: true } or a failure.');
  }
  if (!outcome.delivered) {
    if (typeof outcome.error !== 'string') throw invalid('settleEvent', 'outcome.error', 'must be a string.');
    checkDate(outcome.nextAttemptAt, 'settleEvent', 'outcome.nextAttemptAt');
    if (typeof outcome.dead !== 'boolean') throw invalid('settleEvent', 'outcome.dead', 'must be a boolean.');
  }
  return options;
}

const EVENT_STATES: readonly EventDeliveryState[] = ['pending', 'delivered', 'dead'];

/** Check a delivery state argument. */
export function checkEventState(state: unknown, operation: string, path = 'state'): EventDeliveryState {
  if (!EVENT_STATES.includes(state as EventDeliveryState)) {
    throw invalid(operation, path, `must be one of ${EVENT_STATES.join(', ')}.`);
  }
  return state as EventDeliveryState;
}

/** A `listEvents` filter with defaults applied and every field checked. */
export interface ResolvedEventFilter {
  state: EventDeliveryState | null;
  codeId: string | null;
  limit: number;
  /** Resume after this outbox sequence number (exclusive), or `null` from the first event. */
  afterSeq: number | null;
}

const EVENT_CURSOR_PREFIX = 'seq:';
const EVENT_CURSOR = /^seq:(0|[1-9][0-9]{0,15})$/;

/** The cursor that resumes an event listing after outbox sequence `seq`. */
export function encodeEventCursor(seq: number): string {
  return `${EVENT_CURSOR_PREFIX}${seq}`;
}

/** Validate a `listEvents` filter: limit 1–1000 (default 100), a known state, a cursor from this store. */
export function resolveEventFilter(filter: ListEventsFilter = {}): ResolvedEventFilter {
  const limit = filter.limit === undefined ? DEFAULT_PAGE_SIZE : checkPositiveInt(filter.limit, 'listEvents', 'limit');
  if (limit > MAX_PAGE_SIZE) throw invalid('listEvents', 'limit', `must be at most ${MAX_PAGE_SIZE}, got ${limit}.`);
  const state = filter.state === undefined ? null : checkEventState(filter.state, 'listEvents');
  const codeId = filter.codeId === undefined ? null : checkKey(filter.codeId, 'listEvents', 'codeId');
  let afterSeq: number | null = null;
  if (filter.cursor !== undefined && filter.cursor !== null) {
    const cursor = filter.cursor;
    // Exactly what encodeEventCursor writes: `seq:` and a plain decimal (no sign, space, hex or exponent).
    const seq = typeof cursor === 'string' && EVENT_CURSOR.test(cursor) ? Number(cursor.slice(4)) : NaN;
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw invalid('listEvents', 'cursor', 'is not a cursor returned by this store; pass the previous nextCursor.');
    }
    afterSeq = seq;
  }
  return { state, codeId, limit, afterSeq };
}

/** The cursor that resumes a listing after the code `id`. */
export function encodeCursor(id: string): string {
  return `${CURSOR_PREFIX}${id}`;
}

/** A `listCodes` filter with defaults applied and every field checked. */
export interface ResolvedListFilter {
  statuses: ReadonlySet<CodeStatus> | null;
  /** Epoch ms, or `null` for no lower bound. */
  updatedSince: number | null;
  limit: number;
  /** Resume after this id (exclusive), or `null` to start at the first code. */
  afterId: string | null;
}

/** Validate a `listCodes` filter: limit 1–1000 (default 100), known statuses, a cursor from this store. */
export function resolveListFilter(filter: ListCodesFilter = {}): ResolvedListFilter {
  const limit = filter.limit === undefined ? DEFAULT_PAGE_SIZE : checkPositiveInt(filter.limit, 'listCodes', 'limit');
  if (limit > MAX_PAGE_SIZE) throw invalid('listCodes', 'limit', `must be at most ${MAX_PAGE_SIZE}, got ${limit}.`);
  let statuses: ReadonlySet<CodeStatus> | null = null;
  if (filter.statuses !== undefined) {
    if (!Array.isArray(filter.statuses) || filter.statuses.length === 0) {
      throw invalid('listCodes', 'statuses', 'must be a non-empty array (omit it to list every status).');
    }
    for (const status of filter.statuses) {
      if (!CODE_STATUSES.includes(status)) {
        throw invalid('listCodes', 'statuses', `contains unknown status ${JSON.stringify(status)}.`);
      }
    }
    statuses = new Set(filter.statuses);
  }
  const since =
    filter.updatedSince === undefined ? null : checkDate(filter.updatedSince, 'listCodes', 'updatedSince').getTime();
  let afterId: string | null = null;
  if (filter.cursor !== undefined && filter.cursor !== null) {
    const cursor = filter.cursor;
    if (typeof cursor !== 'string' || !cursor.startsWith(CURSOR_PREFIX) || cursor.length === CURSOR_PREFIX.length) {
      throw invalid('listCodes', 'cursor', 'is not a cursor returned by this store; pass the previous nextCursor.');
    }
    afterId = cursor.slice(CURSOR_PREFIX.length);
  }
  return { statuses, updatedSince: since, limit, afterId };
}

/** Validate `listStaleReservations` options: a valid `now`, a limit of 1–1000. Returns epoch ms and the limit. */
export function checkStaleReservations(options: StaleReservationsOptions): { cutoff: number; limit: number } {
  const limit = checkPositiveInt(options?.limit, 'listStaleReservations', 'limit');
  if (limit > MAX_PAGE_SIZE) {
    throw invalid('listStaleReservations', 'limit', `must be at most ${MAX_PAGE_SIZE}, got ${limit}.`);
  }
  const cutoff = checkDate(options.now, 'listStaleReservations', 'now').getTime();
  return { cutoff, limit };
}

/** Most keys one `purgeExpired` call deletes. */
export const MAX_PURGE_BATCH = 100_000;

/** Validate `purgeExpired` options: `null` when no limit was given, else 1–100000. */
export function checkPurge(options: PurgeOptions | undefined): number | null {
  if (options === undefined || options.limit === undefined) return null;
  const limit = checkPositiveInt(options.limit, 'purgeExpired', 'limit');
  if (limit > MAX_PURGE_BATCH)
    throw invalid('purgeExpired', 'limit', `must be at most ${MAX_PURGE_BATCH}, got ${limit}.`);
  return limit;
}

const LOG_CURSOR_PREFIX = 'log1.';

/**
 * The cursor of a log page: the page before it ends just before `position` (a store's own ordering
 * number of the entry). It names the store and the subject, so a cursor from another store or another
 * subject is refused instead of silently paging the wrong log.
 */
export function encodeLogCursor(store: string, subject: string, position: number): string {
  // No Buffer or btoa: the memory store runs in workerd, browsers and Deno too.
  return `${LOG_CURSOR_PREFIX}${encodeURIComponent(JSON.stringify([store, subject, position]))}`;
}

/** Validate `readLogPage` arguments; `before` is the decoded position or `null` for the newest page. */
export function checkLogPage(
  store: string,
  subject: string,
  options: LogPageOptions,
): { subject: string; limit: number; before: number | null } {
  checkKey(subject, 'readLogPage', 'subject');
  const limit = checkPositiveInt(options?.limit, 'readLogPage', 'limit');
  if (limit > MAX_PAGE_SIZE) throw invalid('readLogPage', 'limit', `must be at most ${MAX_PAGE_SIZE}, got ${limit}.`);
  const cursor: unknown = options.before;
  if (cursor === undefined || cursor === null) return { subject, limit, before: null };
  const refused = () =>
    invalid(
      'readLogPage',
      'before',
      'is not a cursor this store returned for this subject; pass the previous nextCursor.',
    );
  if (typeof cursor !== 'string' || !cursor.startsWith(LOG_CURSOR_PREFIX)) throw refused();
  let decoded: unknown;
  try {
    decoded = JSON.parse(decodeURIComponent(cursor.slice(LOG_CURSOR_PREFIX.length)));
  } catch {
    throw refused();
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 3 ||
    decoded[0] !== store ||
    decoded[1] !== subject ||
    typeof decoded[2] !== 'number' ||
    !Number.isSafeInteger(decoded[2])
  ) {
    throw refused();
  }
  return { subject, limit, before: decoded[2] };
}
