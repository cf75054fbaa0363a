/**
 * The in-memory store: every {@link CashCodeStore} operation for a single process.
 *
 * Use it for tests, demos and single-instance deployments that accept losing state on restart.
 * Several processes must share a durable store instead (`pagoefectivo-kit/storage/postgres` or
 * `/storage/redis`).
 *
 * @module storage/memory
 */

import { ConfigurationError } from '../errors.js';
import {
  checkDate,
  checkEntry,
  checkEventState,
  checkKey,
  checkPositiveInt,
  checkPurge,
  checkRecordBatch,
} from './_memory/args.js';
import { epochClock, type StoreClock } from './_memory/clock.js';

export type { StoreClock } from './_memory/clock.js';

import { createCodeTable } from './_memory/codes.js';
import { createKeyTable } from './_memory/keys.js';
import { createRecords } from './_memory/records.js';
import type { CashCodeStore } from './contract.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The clock behind TTLs, counter windows and sweeper leases: `() => Date` like every other clock of
   * the SDK (an epoch-milliseconds `() => number` is still accepted). Defaults to the wall clock;
   * tests inject a fake one to move time without sleeping.
   */
  now?: StoreClock;
  /**
   * How long codes that wait for nothing any more (`paid`, `expired`, `cancelled`, `failed`,
   * `refund_required`) are kept after their last update, in ms. {@link MemoryStore.prune} then
   * removes them with their lifecycle logs and delivered events. Unset: codes are kept until the
   * process ends (about 3.5 kB each, see docs/storage.md).
   */
  retainFinalMs?: number;
}

/** What one {@link MemoryStore.prune} removed. */
export interface MemoryPruneResult {
  codes: number;
  logEntries: number;
  /** Delivered outbox events of the pruned codes (pending and dead events are never pruned). */
  events: number;
}

/** How many entries a {@link MemoryStore} holds, expired ones not yet swept included. */
export interface MemoryStoreStats {
  codes: number;
  /** `consumeOnce` markers. */
  markers: number;
  /** `putValue` values. */
  values: number;
  /** `hit` counters. */
  counters: number;
  /** Subjects with a lifecycle log. */
  logSubjects: number;
  /** Lifecycle entries over every subject. */
  logEntries: number;
  /** Outbox events, in every delivery state. */
  events: number;
}

/** A {@link CashCodeStore} kept in this process's memory. */
export interface MemoryStore extends CashCodeStore {
  /** Entry counts, for monitoring memory use. */
  stats(): MemoryStoreStats;
  /** One page of a log; always present on the memory store. */
  readLogPage: NonNullable<CashCodeStore['readLogPage']>;
  listStaleReservations: NonNullable<CashCodeStore['listStaleReservations']>;
  purgeExpired: NonNullable<CashCodeStore['purgeExpired']>;
  commitCodes: NonNullable<CashCodeStore['commitCodes']>;
  /**
   * Remove codes in a final status whose last update is older than `retainFinalMs`, with their logs
   * and delivered events, at most `limit` (default: all) per call. An order whose current code is
   * pruned is forgotten: it can be claimed again, like an order the store never saw. Throws a
   * `ConfigurationError` when the store was created without `retainFinalMs`.
   */
  prune(options?: { limit?: number }): MemoryPruneResult;
}

/**
 * Create an in-memory {@link CashCodeStore}.
 *
 * Each operation does its checks and its writes synchronously, in one tick, so concurrent calls in
 * this process are atomic, and a claim or commit writes its code, entries and events in that same
 * tick. Records are deep-copied in and out. Expired keys read as absent and are swept lazily, so dedupe
 * keys never pile up.
 *
 * @example
 * ```ts
 * import { createCashCodes } from 'pagoefectivo-kit';
 * import { memoryStore } from 'pagoefectivo-kit/storage/memory';
 *
 * const codes = createCashCodes({ client, store: memoryStore() });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const now = epochClock(options.now, 'memoryStore');
  const retainFinalMs = options.retainFinalMs;
  if (retainFinalMs !== undefined && (!Number.isSafeInteger(retainFinalMs) || retainFinalMs < 1)) {
    throw new ConfigurationError(
      `memoryStore(): retainFinalMs must be a positive integer of milliseconds, got ${String(retainFinalMs)}.`,
      { details: { option: 'retainFinalMs' } },
    );
  }
  const records = createRecords('memory');
  const codes = createCodeTable(now, records);
  const keys = createKeyTable(now);

  // The methods are async only so that bad input rejects instead of throwing; no method awaits
  // anything, so each one still runs to completion before another starts.
  return {
    name: 'memory',
    claimOrder: async (code, claimOptions) => codes.claimOrder(code, claimOptions),
    getCode: async (id) => codes.getCode(checkKey(id, 'getCode', 'id')),
    getCodeByCip: async (cip) => codes.getCodeByCip(checkKey(cip, 'getCodeByCip', 'cip')),
    getCodeByOrder: async (orderId) => codes.getCodeByOrder(checkKey(orderId, 'getCodeByOrder', 'orderId')),
    updateCode: async (code, expectedVersion) => codes.updateCode(code, expectedVersion),
    commitCode: async (commit) => codes.commitCode(commit),
    commitCodes: async (commits) => codes.commitCodes(commits),
    listCodes: async (filter) => codes.listCodes(filter),
    claimExpired: async (claimOptions) => codes.claimExpired(claimOptions),
    listStaleReservations: async (staleOptions) => codes.listStaleReservations(staleOptions),
    purgeExpired: async (purgeOptions) => keys.purgeExpired(checkPurge(purgeOptions)),
    consumeOnce: async (key, ttlMs, owner) => keys.consumeOnce(key, ttlMs, owner),
    putValue: async (key, value, ttlMs) => keys.putValue(key, value, ttlMs),
    getValue: async (key) => keys.getValue(key),
    takeValue: async (key, owner) => keys.takeValue(key, owner),
    deleteKey: async (key) => keys.deleteKey(key),
    hit: async (key, limit, windowMs, hitId) => keys.hit(key, limit, windowMs, hitId),

    async appendLog(entry) {
      checkEntry(entry);
      records.write({ entries: [entry], events: [] });
    },
    async appendRecords(batch) {
      records.write(checkRecordBatch(batch));
    },
    async readLog(subject) {
      return records.readLog(checkKey(subject, 'readLog', 'subject'));
    },
    readLogPage: async (subject, pageOptions) => records.readLogPage(subject, pageOptions),
    claimEvents: async (claimOptions) => records.claimEvents(claimOptions),
    settleEvent: async (settleOptions) => records.settleEvent(settleOptions),
    listEvents: async (filter) => records.listEvents(filter),
    countEvents: async (state) => records.countEvents(checkEventState(state, 'countEvents')),
    async redriveEvent(id, nextAttemptAt) {
      checkKey(id, 'redriveEvent', 'id');
      return records.redriveEvent(id, checkDate(nextAttemptAt, 'redriveEvent', 'nextAttemptAt'));
    },

    prune(pruneOptions = {}) {
      if (retainFinalMs === undefined) {
        throw new ConfigurationError('memoryStore().prune(): create the store with { retainFinalMs } to prune codes.', {
          details: { option: 'retainFinalMs' },
        });
      }
      const limit =
        pruneOptions.limit === undefined
          ? Number.POSITIVE_INFINITY
          : checkPositiveInt(pruneOptions.limit, 'prune', 'limit');
      return codes.prune(now() - retainFinalMs, limit);
    },

    stats: () => {
      const { logSubjects, logEntries, events } = records.sizes();
      return { codes: codes.size, ...keys.sizes(), logSubjects, logEntries, events };
    },
  };
}
