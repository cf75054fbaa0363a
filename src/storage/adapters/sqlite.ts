/**
 * The SQLite store: durable state for one machine, in a file several processes may share.
 *
 * It takes a better-sqlite3 (v12) `Database` that you open and own (a file, or `:memory:` for tests);
 * the SDK imports nothing from better-sqlite3 at run time and never closes the database. better-sqlite3
 * is synchronous, and every write runs in one `BEGIN IMMEDIATE` transaction, which holds SQLite's
 * write lock from the first read to the commit: checks and writes are atomic across every connection
 * and process using the file, and a failure rolls everything back. A claim or commit writes the code,
 * its lifecycle entries and its outbox events in that one transaction.
 *
 * @module storage/sqlite
 */

import { ConfigurationError, toStorageError } from '../../errors.js';
import { epochClock, type StoreClock } from '../_memory/clock.js';

export type { StoreClock } from '../_memory/clock.js';

import type { CashCodeStore, PurgeOptions } from '../contract.js';
import { checkPrefix, guard, guardedStore } from './_internal/shared.js';
import { createSqliteCodeTable, type SqliteCodeTable } from './_internal/sqlite/codes.js';
import { createSqliteKeyTable, type SqliteKeyTable } from './_internal/sqlite/keys.js';
import { createSqliteRecords, type SqliteRecords } from './_internal/sqlite/records.js';
import { applyPragmas, migrateSqlite, SQLITE_SCHEMA_VERSION, type SqliteDatabase } from './_internal/sqlite/schema.js';

export type { SqliteDatabase } from './_internal/sqlite/schema.js';

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Prefix of every table the store creates (`<prefix>codes`, `<prefix>orders`, `<prefix>keys`,
   * `<prefix>counters`, `<prefix>log`, `<prefix>events`, `<prefix>schema_migrations`): lowercase
   * letters, digits and underscores, starting with a letter or underscore, at most 40 characters.
   * Default `pagoefectivo_`.
   */
  tablePrefix?: string;
  /**
   * Switch a file database to `journal_mode = WAL`, so readers never block the writer and several
   * processes share the file well. Not applicable to `:memory:` databases. Default `true`; pass
   * `false` to keep the journal mode you set yourself.
   */
  wal?: boolean;
  /** How long a write waits for another connection's lock before failing (`busy_timeout`). Default 5000. */
  busyTimeoutMs?: number;
  /**
   * The clock (`() => Date`, or epoch milliseconds) behind TTLs, counter windows and sweeper leases (event leases use
   * the `now` given to `claimEvents`). Defaults to
   * `Date.now`; tests inject a fake one. Processes sharing a file must share a clock, so keep the default
   * in production.
   */
  now?: StoreClock;
}

/** A {@link CashCodeStore} kept in SQLite, plus its maintenance operation. */
export interface SqliteStore extends CashCodeStore {
  /** The validated table prefix. */
  readonly tablePrefix: string;
  /**
   * Delete expired dedupe markers, values and counters (they already read as absent) and return how
   * many rows went. Run it now and then, for example after each sweeper pass.
   */
  purgeExpired(options?: PurgeOptions): Promise<number>;
}

/** The table prefix used when none is given. */
export const DEFAULT_TABLE_PREFIX = 'pagoefectivo_';

/** The schema version this release reads and writes (recorded in `<prefix>schema_migrations`). */
export const SQLITE_STORE_SCHEMA_VERSION: number = SQLITE_SCHEMA_VERSION;

/**
 * Create a {@link CashCodeStore} backed by a better-sqlite3 database.
 *
 * The factory sets `busy_timeout` and (for files) WAL mode on your connection, then creates or upgrades
 * its tables in one IMMEDIATE transaction (idempotent; processes opening the file at once wait for each
 * other). It throws a `StorageError` if the database cannot be prepared, for example when it is closed
 * or read-only and the tables are missing.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { sqliteStore } from 'pagoefectivo-kit/storage/sqlite';
 *
 * const store = sqliteStore(new Database('payments.db'));
 * ```
 */
export function sqliteStore(db: SqliteDatabase, options: SqliteStoreOptions = {}): SqliteStore {
  const prefix = checkPrefix(
    'sqliteStore',
    'tablePrefix',
    options.tablePrefix,
    DEFAULT_TABLE_PREFIX,
    /^[a-z_][a-z0-9_]{0,39}$/,
    'must be lowercase letters, digits and underscores, start with a letter or underscore, at most 40 characters',
  );
  const now = epochClock(options.now, 'sqliteStore');
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new ConfigurationError(
      `sqliteStore(): \`busyTimeoutMs\` must be a non-negative integer, got ${busyTimeoutMs}.`,
    );
  }
  if (typeof db !== 'object' || db === null || typeof (db as Partial<SqliteDatabase>).prepare !== 'function') {
    throw new ConfigurationError(
      'sqliteStore(): pass a better-sqlite3 Database, e.g. `sqliteStore(new Database(file))`.',
    );
  }
  let codes: SqliteCodeTable;
  let keys: SqliteKeyTable;
  let records: SqliteRecords;
  try {
    applyPragmas(db, { wal: options.wal !== false, busyTimeoutMs });
    if (!db.readonly) migrateSqlite(db, prefix, now());
    records = createSqliteRecords(db, prefix);
    codes = createSqliteCodeTable(db, prefix, now, records);
    keys = createSqliteKeyTable(db, prefix, now);
  } catch (error) {
    throw toStorageError(error, 'sqlite.open');
  }
  const op = <T>(operation: string, task: () => T): Promise<T> => guard('sqlite', operation, task);

  return {
    ...guardedStore('sqlite', codes, { ...keys, ...records }),
    tablePrefix: prefix,
    purgeExpired: (purgeOptions) => op('purgeExpired', () => keys.purgeExpired(purgeOptions)),
  };
}
