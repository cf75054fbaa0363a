/**
 * Route the backend calls of the SQL adapters through the conformance suite's fault controller, so it
 * can fail any call before it runs or after it ran with its reply lost.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { StoreFaults } from '../../../src/testing/conformance.js';

const STATEMENT_CALLS = new Set(['run', 'get', 'all', 'iterate']);
const TRANSACTION_MODES = ['deferred', 'immediate', 'exclusive'] as const;

type Transaction = ((...args: unknown[]) => unknown) & Record<(typeof TRANSACTION_MODES)[number], unknown>;

/**
 * A better-sqlite3 database whose statements run through `faults.intercept` (each `run`, `get`, `all`)
 * and whose transactions do as a whole too: a fault after a transaction is a commit whose reply was
 * lost, a fault after a statement inside it rolls the transaction back.
 */
export function faultySqlite(db: Database.Database, faults: StoreFaults): Database.Database {
  const statement = (target: Database.Statement): Database.Statement =>
    new Proxy(target, {
      get(stmt, key, receiver) {
        const value = Reflect.get(stmt, key, receiver) as unknown;
        if (typeof key !== 'string' || !STATEMENT_CALLS.has(key) || typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          faults.intercept(() => (value as (...a: unknown[]) => unknown).apply(stmt, args));
      },
    });
  const transaction = (real: Transaction): Transaction => {
    const wrapped = ((...args: unknown[]) => faults.intercept(() => real(...args))) as Transaction;
    for (const mode of TRANSACTION_MODES) {
      const run = real[mode] as (...args: unknown[]) => unknown;
      wrapped[mode] = (...args: unknown[]) => faults.intercept(() => run(...args));
    }
    return wrapped;
  };
  return new Proxy(db, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'prepare') {
        return (...args: Parameters<Database.Database['prepare']>) => statement(target.prepare(...args));
      }
      if (key === 'transaction') {
        return (fn: (...args: unknown[]) => unknown) => transaction(target.transaction(fn) as unknown as Transaction);
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A pg Pool whose `query` runs through `faults.intercept`; everything else is the pool itself. */
export function faultyPool(pool: pg.Pool, faults: StoreFaults): pg.Pool {
  return new Proxy(pool, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'query') {
        return (...args: unknown[]) =>
          faults.intercept(() => (target.query as (...a: unknown[]) => unknown).apply(target, args));
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
