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
import type { LifecycleEntry } from '../model/code.js';
import { checkEntry, checkKey } from './_memory/args.js';
import { createCodeTable } from './_memory/codes.js';
import { createKeyTable } from './_memory/keys.js';
import type { CashCodeStore } from './contract.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The clock (epoch milliseconds) behind TTLs, counter windows and sweeper leases.
   * Defaults to `Date.now`; tests inject a fake one to move time without sleeping.
   */
  now?: () => number;
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
}

/** A {@link CashCodeStore} kept in this process's memory. */
export interface MemoryStore extends CashCodeStore {
  /** Entry counts, for monitoring memory use. */
  stats(): MemoryStoreStats;
}

/**
 * Create an in-memory {@link CashCodeStore}.
 *
 * Each operation does its check and its write synchronously, in one tick, so concurrent calls in
 * this process are atomic. Records are deep-copied in and out. Expired keys read as absent and are
 * swept lazily, so dedupe keys never pile up.
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
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new ConfigurationError('memoryStore(): `now` must be a function returning ms.');
  const codes = createCodeTable(now);
  const keys = createKeyTable(now);
  const logs = new Map<string, LifecycleEntry[]>();
  let logEntries = 0;

  // The methods are async only so that bad input rejects instead of throwing; no method awaits
  // anything, so each one still runs to completion before another starts.
  return {
    name: 'memory',
    claimOrder: async (code, claimOptions) => codes.claimOrder(code, claimOptions),
    getCode: async (id) => codes.getCode(checkKey(id, 'getCode', 'id')),
    getCodeByCip: async (cip) => codes.getCodeByCip(checkKey(cip, 'getCodeByCip', 'cip')),
    getCodeByOrder: async (orderId) => codes.getCodeByOrder(checkKey(orderId, 'getCodeByOrder', 'orderId')),
    updateCode: async (code, expectedVersion) => codes.updateCode(code, expectedVersion),
    listCodes: async (filter) => codes.listCodes(filter),
    claimExpired: async (claimOptions) => codes.claimExpired(claimOptions),
    consumeOnce: async (key, ttlMs) => keys.consumeOnce(key, ttlMs),
    putValue: async (key, value, ttlMs) => keys.putValue(key, value, ttlMs),
    getValue: async (key) => keys.getValue(key),
    takeValue: async (key) => keys.takeValue(key),
    deleteKey: async (key) => keys.deleteKey(key),
    hit: async (key, limit, windowMs) => keys.hit(key, limit, windowMs),

    async appendLog(entry) {
      checkEntry(entry);
      const copy = structuredClone(entry);
      const log = logs.get(copy.subject);
      if (log === undefined) logs.set(copy.subject, [copy]);
      else log.push(copy);
      logEntries += 1;
    },

    async readLog(subject) {
      checkKey(subject, 'readLog', 'subject');
      return (logs.get(subject) ?? []).map((entry) => structuredClone(entry));
    },

    stats: () => ({ codes: codes.size, ...keys.sizes(), logSubjects: logs.size, logEntries }),
  };
}
