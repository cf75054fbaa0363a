import { ValidationError } from '../../errors.js';
import { type CashCode, CODE_STATUSES, type CodeStatus, type LifecycleEntry } from '../../model/code.js';
import type { ListCodesFilter } from '../contract.js';

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

function checkDate(value: unknown, operation: string, path: string): Date {
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
export function checkNextVersion(code: CashCode, expectedVersion: number): void {
  checkCode(code, 'updateCode');
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw invalid('updateCode', 'expectedVersion', 'must be a non-negative integer.');
  }
  if (code.version !== expectedVersion + 1) {
    throw invalid(
      'updateCode',
      'code.version',
      `must be expectedVersion + 1 (${expectedVersion + 1}), got ${code.version}.`,
    );
  }
}

/** Check a lifecycle entry before it is appended. */
export function checkEntry(entry: LifecycleEntry): void {
  if (typeof entry !== 'object' || entry === null) throw invalid('appendLog', 'entry', 'must be a LifecycleEntry.');
  checkKey(entry.subject, 'appendLog', 'entry.subject');
  checkDate(entry.at, 'appendLog', 'entry.at');
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
