import { ConfigurationError, StorageError, toStorageError, ValidationError } from '../../../errors.js';
import { checkCommit, checkPositiveInt } from '../../_memory/args.js';
import type { CashCodeStore, ClaimExpiredOptions, CodeCommit, RecordBatch } from '../../contract.js';

// Helpers shared by the SQLite, PostgreSQL and Redis adapters. Argument checks come from the memory
// store's `_memory/args.ts`, so every store rejects bad input with the same ValidationError.

/** Why a store refused a write that would break one of its invariants. */
export type ConflictReason = 'id_conflict' | 'cip_conflict' | 'cip_immutable';

/**
 * A {@link StorageError} for a write the store refused because it would break an invariant (an id or
 * CIP that belongs to another code, a CIP that would change). Nothing was written.
 */
export function conflictError(
  store: string,
  operation: string,
  reason: ConflictReason,
  details: Record<string, unknown>,
): StorageError {
  const what: Record<ConflictReason, string> = {
    id_conflict: `a code with id ${String(details.id)} already exists`,
    cip_conflict: `CIP ${String(details.cip)} already belongs to another code`,
    cip_immutable: `the CIP of code ${String(details.id)} is set and cannot change`,
  };
  return new StorageError(`[${store}] store.${operation}(): ${what[reason]}; nothing was written.`, {
    details: { operation, reason, ...details },
  });
}

/** The ValidationError of a replacing claim on an order that has no code (same as the memory store). */
export function replacingWithoutCode(): ValidationError {
  return new ValidationError('store.claimOrder(): options.replacing names a code the order does not have.', [
    { path: 'options.replacing', message: 'The order has no code; claim it without `replacing`.' },
  ]);
}

/** The ValidationError of an update that would move a code to another order. */
export function orderChange(storedOrderId: string): ValidationError {
  return new ValidationError('store.updateCode(): a code cannot move to another order.', [
    { path: 'code.orderId', message: `must stay ${storedOrderId}.` },
  ]);
}

/** Check the options of `claimExpired` and return them as numbers (epoch ms for `now`). */
export function checkClaimExpired(options: ClaimExpiredOptions): { cutoff: number; limit: number; leaseMs: number } {
  const limit = checkPositiveInt(options?.limit, 'claimExpired', 'limit');
  const leaseMs = checkPositiveInt(options.leaseMs, 'claimExpired', 'leaseMs');
  const now: unknown = options.now;
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new ValidationError('store.claimExpired(): now must be a valid Date.', [
      { path: 'now', message: 'must be a valid Date.' },
    ]);
  }
  return { cutoff: now.getTime(), limit, leaseMs };
}

/**
 * Check the argument of `commitCodes`: an array of commits, each checked like `commitCode`'s, before
 * anything is written (a malformed commit rejects the whole batch). Returns each commit's records.
 */
export function checkCommitBatch(commits: readonly CodeCommit[]): RecordBatch[] {
  if (!Array.isArray(commits)) {
    throw new ValidationError('store.commitCodes(): commits must be an array of CodeCommit.', [
      { path: 'commits', message: 'must be an array.' },
    ]);
  }
  return commits.map((commit) => checkCommit(commit));
}

/**
 * Run one store operation and turn any backend failure into a typed error: SDK errors pass through,
 * everything else becomes a `StorageError` naming the store and the operation.
 */
export async function guard<T>(store: string, operation: string, task: () => Promise<T> | T): Promise<T> {
  try {
    return await task();
  } catch (error) {
    throw toStorageError(error, `${store}.${operation}`);
  }
}

/**
 * Check a name prefix option (`tablePrefix`, `keyPrefix`) against `pattern`; return `fallback` when it
 * is omitted.
 */
export function checkPrefix(
  factory: string,
  option: string,
  value: unknown,
  fallback: string,
  pattern: RegExp,
  rule: string,
): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ConfigurationError(`${factory}(): \`${option}\` ${rule}, got ${JSON.stringify(value)}.`, {
      details: { option },
    });
  }
  return value;
}

/** `CashCodeStore` methods as an adapter implements them: sync (SQLite) or async (PostgreSQL, Redis). */
type Operations<K extends keyof CashCodeStore> = {
  [M in K]: CashCodeStore[M] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R | Promise<R> : never;
};

/** The order/code operations of the contract. */
export type CodeMethod =
  | 'claimOrder'
  | 'getCode'
  | 'getCodeByCip'
  | 'getCodeByOrder'
  | 'updateCode'
  | 'commitCode'
  | 'listCodes'
  | 'claimExpired';

/** The TTL key, counter and lifecycle-log operations of the contract. */
export type KeyMethod =
  | 'consumeOnce'
  | 'putValue'
  | 'getValue'
  | 'takeValue'
  | 'deleteKey'
  | 'hit'
  | 'appendLog'
  | 'readLog'
  | 'appendRecords'
  | 'claimEvents'
  | 'settleEvent'
  | 'listEvents'
  | 'countEvents'
  | 'redriveEvent';

/** An adapter's code table, sync or async. */
export type StoreCodeTable = Operations<CodeMethod>;

/** An adapter's key table, sync or async. */
export type StoreKeyTable = Operations<KeyMethod>;

/**
 * Assemble a {@link CashCodeStore} from an adapter's two tables, every method wrapped by {@link guard}
 * so that a backend failure always surfaces as a `StorageError` naming the store and the operation.
 */
export function guardedStore(name: string, codes: StoreCodeTable, keys: StoreKeyTable): CashCodeStore {
  const op = <T>(operation: string, task: () => T | Promise<T>): Promise<T> => guard(name, operation, task);
  return {
    name,
    claimOrder: (code, claimOptions) => op('claimOrder', () => codes.claimOrder(code, claimOptions)),
    getCode: (id) => op('getCode', () => codes.getCode(id)),
    getCodeByCip: (cip) => op('getCodeByCip', () => codes.getCodeByCip(cip)),
    getCodeByOrder: (orderId) => op('getCodeByOrder', () => codes.getCodeByOrder(orderId)),
    updateCode: (code, expectedVersion) => op('updateCode', () => codes.updateCode(code, expectedVersion)),
    commitCode: (commit) => op('commitCode', () => codes.commitCode(commit)),
    listCodes: (filter) => op('listCodes', () => codes.listCodes(filter)),
    claimExpired: (claimOptions) => op('claimExpired', () => codes.claimExpired(claimOptions)),
    consumeOnce: (key, ttlMs, owner) => op('consumeOnce', () => keys.consumeOnce(key, ttlMs, owner)),
    putValue: (key, value, ttlMs) => op('putValue', () => keys.putValue(key, value, ttlMs)),
    getValue: (key) => op('getValue', () => keys.getValue(key)),
    takeValue: (key, owner) => op('takeValue', () => keys.takeValue(key, owner)),
    deleteKey: (key) => op('deleteKey', () => keys.deleteKey(key)),
    hit: (key, limit, windowMs, hitId) => op('hit', () => keys.hit(key, limit, windowMs, hitId)),
    appendLog: (entry) => op('appendLog', () => keys.appendLog(entry)),
    readLog: (subject) => op('readLog', () => keys.readLog(subject)),
    appendRecords: (batch) => op('appendRecords', () => keys.appendRecords(batch)),
    claimEvents: (claimOptions) => op('claimEvents', () => keys.claimEvents(claimOptions)),
    settleEvent: (settleOptions) => op('settleEvent', () => keys.settleEvent(settleOptions)),
    listEvents: (filter) => op('listEvents', () => keys.listEvents(filter)),
    countEvents: (state) => op('countEvents', () => keys.countEvents(state)),
    redriveEvent: (id, nextAttemptAt) => op('redriveEvent', () => keys.redriveEvent(id, nextAttemptAt)),
  };
}
