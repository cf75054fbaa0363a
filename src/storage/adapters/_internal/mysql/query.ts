import type { Pool, PoolConnection } from 'mysql2/promise';
import { ConfigurationError } from '../../../../errors.js';

/** What `mysqlStore` accepts: a `mysql2/promise` Pool (the store checks a connection out per transaction). */
export type MysqlPool = Pool;

/** A row as the adapter reads it. */
export type MysqlRow = Record<string, unknown>;

/** What a write statement reports. */
export interface MysqlWrite {
  affectedRows: number;
}

/** Run one SQL statement and return its rows (a SELECT) or its write report (anything else). */
export type MysqlQuery = (text: string, values?: readonly unknown[]) => Promise<MysqlRow[]>;

/** Run one write statement and return how many rows it changed. */
export type MysqlExec = (text: string, values?: readonly unknown[]) => Promise<MysqlWrite>;

/** The statements of one transaction, on one checked-out connection. */
export interface MysqlTx {
  query: MysqlQuery;
  exec: MysqlExec;
}

/** Run `work` in one READ COMMITTED transaction, re-running it after a deadlock or a lock wait timeout. */
export type MysqlTransact = <T>(work: (tx: MysqlTx) => Promise<T>) => Promise<T>;

/** The adapter's access to the database: single statements on the pool, and whole transactions. */
export interface MysqlAccess {
  query: MysqlQuery;
  exec: MysqlExec;
  transact: MysqlTransact;
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<[unknown, unknown]>;
}

/** Ask the transaction to run again from the start (a concurrent insert won a race for a key). */
export class RetryTransaction extends Error {
  override readonly name = 'RetryTransaction';
}

const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;
/** Attempts of one transaction before its deadlock or lock timeout is reported. */
const ATTEMPTS = 6;

/** The MySQL error number of `error`, or `null`. */
export function errno(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const value = (error as { errno?: unknown }).errno;
  return typeof value === 'number' ? value : null;
}

/** The name of the unique key a duplicate-entry error (1062) names, or `null` for any other error. */
export function duplicateKey(error: unknown): string | null {
  if (errno(error) !== 1062) return null;
  const message = (error as { sqlMessage?: unknown; message?: unknown }).sqlMessage ?? (error as Error).message;
  // MySQL 8 names the key as `table.key`, MariaDB as `key`.
  const match = /for key '(?:[^']*\.)?([^'.]+)'/.exec(String(message));
  return match?.[1] ?? null;
}

const rowsOf = (result: unknown): MysqlRow[] => (Array.isArray(result) ? (result as MysqlRow[]) : []);
const writeOf = (result: unknown): MysqlWrite => ({
  affectedRows: Number((result as { affectedRows?: unknown } | null)?.affectedRows ?? 0),
});

function statements(target: Queryable): MysqlTx {
  const run = async (text: string, values?: readonly unknown[]): Promise<unknown> => {
    const [result] = values === undefined ? await target.query(text) : await target.query(text, [...values]);
    return result;
  };
  return {
    query: async (text, values) => rowsOf(await run(text, values)),
    exec: async (text, values) => writeOf(await run(text, values)),
  };
}

/** Connection-level error numbers: killed (MariaDB 1927, MySQL 3169), gone away (2006), lost (2013). */
const KILLED = new Set([1927, 3169, 2006, 2013]);

/** Whether the connection itself failed (it must be destroyed, not rolled back and reused). */
function broken(error: unknown): boolean {
  const fields = (error ?? {}) as { fatal?: unknown; code?: unknown };
  const code = errno(error);
  if (fields.fatal === true || (code !== null && KILLED.has(code))) return true;
  return typeof fields.code === 'string' && /^(PROTOCOL_|ECONN|EPIPE|ETIMEDOUT)/.test(fields.code);
}

/** Roll back, giving up after 5 s (a connection that does not answer is destroyed instead). */
async function rollback(tx: MysqlTx): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 5_000);
  });
  try {
    return await Promise.race([
      tx.exec('ROLLBACK').then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Adapt the user's mysql2/promise pool. Single statements run on the pool (autocommit); a transaction
 * checks out one connection, runs `SET TRANSACTION ISOLATION LEVEL READ COMMITTED`, `START
 * TRANSACTION`, its statements and `COMMIT`, and always gives the connection back: rolled back and
 * released after an error, destroyed when the connection itself broke. Deadlocks and lock wait
 * timeouts re-run the whole transaction (nothing of it was committed) a few times.
 */
export function mysqlAccess(pool: MysqlPool): MysqlAccess {
  const candidate = pool as Partial<Pool> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.query !== 'function' ||
    typeof candidate.getConnection !== 'function'
  ) {
    throw new ConfigurationError(
      "mysqlStore(): pass a mysql2/promise Pool you created, e.g. `mysqlStore(mysql.createPool(url))` with `import mysql from 'mysql2/promise'`.",
    );
  }
  const direct = statements(pool as unknown as Queryable);

  async function once<T>(work: (tx: MysqlTx) => Promise<T>): Promise<T> {
    const connection: PoolConnection = await pool.getConnection();
    const tx = statements(connection as unknown as Queryable);
    try {
      await tx.exec('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await tx.exec('START TRANSACTION');
      const result = await work(tx);
      await tx.exec('COMMIT');
      connection.release();
      return result;
    } catch (error) {
      // A broken or killed connection cannot roll back (the server already did): drop it from the pool.
      if (!broken(error) && (await rollback(tx))) connection.release();
      else connection.destroy();
      throw error;
    }
  }

  async function transact<T>(work: (tx: MysqlTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once(work);
      } catch (error) {
        const code = errno(error);
        const retry = error instanceof RetryTransaction || code === DEADLOCK || code === LOCK_WAIT_TIMEOUT;
        if (!retry || attempt >= ATTEMPTS) {
          if (error instanceof RetryTransaction) throw new Error('a concurrent write kept winning; try again');
          throw error;
        }
        await pause(Math.random() * 5 * attempt);
      }
    }
  }

  return { ...direct, transact };
}
