/**
 * The MySQL / MariaDB store: shared, durable state for several app instances, webhook workers and
 * sweepers, in the database a WooCommerce, Magento or PrestaShop shop already runs.
 *
 * It takes a `mysql2/promise` Pool that you create and own; the SDK never opens or closes the pool
 * and imports nothing from `mysql2` at run time. MySQL has no writable CTEs and no `UPDATE …
 * RETURNING`, so every write that decides on stored state is one InnoDB transaction on one pooled
 * connection, at READ COMMITTED (no gap locks between concurrent inserts): the order's pointer row and
 * the code's row are locked with `SELECT … FOR UPDATE`, the code changes by compare-and-set on its
 * version, and its lifecycle entries and outbox events are inserted before the one `COMMIT`, so they
 * commit together or not at all. A commit re-executed after a lost reply is recognised by its write id.
 * The sweeper and the event workers take work with `FOR UPDATE SKIP LOCKED` plus a lease, and unique
 * keys hold one current code per order, one code per CIP, one entry per entry id and one event per
 * event id. Deadlocks and lock wait timeouts re-run the transaction (nothing of it was committed).
 *
 * @module storage/mysql
 */
import type { CashCodeStore, PurgeOptions } from '../contract.js';
import { createMysqlCodeTable } from './_internal/mysql/codes.js';
import { createMysqlKeyTable } from './_internal/mysql/keys.js';
import { type MysqlAccess, type MysqlPool, mysqlAccess } from './_internal/mysql/query.js';
import { createMysqlRecords } from './_internal/mysql/records.js';
import {
  isUndefinedTable,
  migrate as migrateSchema,
  readSchemaVersion,
  SCHEMA_VERSION,
  schemaError,
} from './_internal/mysql/schema.js';
import { checkPrefix, guard, guardedStore } from './_internal/shared.js';

export type { MysqlPool } from './_internal/mysql/query.js';

/** Options of {@link mysqlStore}. */
export interface MysqlStoreOptions {
  /**
   * Prefix of every table the store creates (`<prefix>codes`, `<prefix>orders`, `<prefix>keys`,
   * `<prefix>counters`, `<prefix>log`, `<prefix>events`, `<prefix>schema_migrations`): lowercase
   * letters, digits and underscores, starting with a letter or underscore, at most 40 characters.
   * Default `pagoefectivo_`. The tables live in the pool's current database.
   */
  tablePrefix?: string;
  /**
   * Create or upgrade the tables on first use instead of failing with a `StorageError` that asks for
   * `migrate()`. Convenient for development; in production, run `migrate()` at deploy time with a user
   * allowed to run DDL and keep the app's user to data access. Default `false`.
   */
  autoMigrate?: boolean;
}

/** A {@link CashCodeStore} kept in MySQL or MariaDB, plus its maintenance operations. */
export interface MysqlStore extends CashCodeStore {
  /** The validated table prefix. */
  readonly tablePrefix: string;
  /**
   * Create the tables, or upgrade them to this release's schema version. Idempotent, and safe to run
   * from several processes at once (a named lock, `GET_LOCK`, serialises them; every step is
   * idempotent because MySQL commits DDL statement by statement).
   */
  migrate(): Promise<void>;
  /**
   * Delete expired dedupe markers, values and counters (they already read as absent) and return how
   * many rows went. Run it now and then, for example after each sweeper pass.
   */
  purgeExpired(options?: PurgeOptions): Promise<number>;
}

/** The table prefix used when none is given. */
export const DEFAULT_TABLE_PREFIX = 'pagoefectivo_';

/** The schema version this release reads and writes (recorded in `<prefix>schema_migrations`). */
export const MYSQL_SCHEMA_VERSION: number = SCHEMA_VERSION;

/**
 * Create a {@link CashCodeStore} backed by MySQL 8.0 or later, or MariaDB 10.6 or later (InnoDB).
 *
 * Operations do not create tables by themselves: call `await store.migrate()` once (at deploy time or
 * on start-up), or pass `{ autoMigrate: true }`. Before that, every operation rejects with a
 * `StorageError` whose message says so. A connection lost in the middle of a transaction rejects that
 * operation with a `StorageError`; the server rolls the transaction back, so nothing is half-written,
 * and re-running the operation is safe. Ids, keys and subjects are at most 255 characters.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { createCashCodes } from 'pagoefectivo-kit';
 * import { mysqlStore } from 'pagoefectivo-kit/storage/mysql';
 *
 * const pool = mysql.createPool({ uri: process.env.DATABASE_URL, connectionLimit: 10 });
 * const store = mysqlStore(pool);
 * await store.migrate();
 * const codes = createCashCodes({ client, store });
 * ```
 */
export function mysqlStore(pool: MysqlPool, options: MysqlStoreOptions = {}): MysqlStore {
  const prefix = checkPrefix(
    'mysqlStore',
    'tablePrefix',
    options.tablePrefix,
    DEFAULT_TABLE_PREFIX,
    /^[a-z_][a-z0-9_]{0,39}$/,
    'must be lowercase letters, digits and underscores, start with a letter or underscore, at most 40 characters',
  );
  const raw = mysqlAccess(pool);
  let ready: Promise<void> | null = null;

  async function migrate(): Promise<void> {
    await migrateSchema(pool, prefix);
    ready = Promise.resolve();
  }

  async function check(): Promise<void> {
    const found = await readSchemaVersion(raw.query, prefix);
    if (found === null || found < SCHEMA_VERSION) throw schemaError(prefix, found);
  }

  // Every statement and transaction waits for the one-time schema check (or migration); a failed
  // check is retried by the next operation, so running migrate() later heals a store created too early.
  const whenReady = async <T>(task: () => Promise<T>): Promise<T> => {
    ready ??= (options.autoMigrate === true ? migrate() : check()).catch((error: unknown) => {
      ready = null;
      throw error;
    });
    await ready;
    try {
      return await task();
    } catch (error) {
      throw isUndefinedTable(error) ? schemaError(prefix, null, error) : error;
    }
  };
  const db: MysqlAccess = {
    query: (text, values) => whenReady(() => raw.query(text, values)),
    exec: (text, values) => whenReady(() => raw.exec(text, values)),
    transact: (work) => whenReady(() => raw.transact(work)),
  };
  const codes = createMysqlCodeTable(db, prefix);
  const keys = createMysqlKeyTable(db, prefix);
  const records = createMysqlRecords(db, prefix);
  const op = <T>(operation: string, task: () => Promise<T>): Promise<T> => guard('mysql', operation, task);

  return {
    ...guardedStore('mysql', codes, { ...keys, ...records }),
    tablePrefix: prefix,
    migrate: () => op('migrate', migrate),
    purgeExpired: (purgeOptions) => op('purgeExpired', () => keys.purgeExpired(purgeOptions)),
  };
}
