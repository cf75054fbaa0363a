/**
 * The PostgreSQL store: shared, durable state for several app instances, webhook workers and sweepers.
 *
 * It takes a `pg` Pool (or Client) that you create and own; the SDK never opens or closes connections
 * and imports nothing from `pg` at run time. Every write is one SQL statement, hence one transaction
 * and one commit, and never holds a connection across round trips: the order pointer is claimed with
 * `INSERT … ON CONFLICT DO NOTHING`, codes change by compare-and-set on their version, and writable
 * CTEs add the lifecycle entries and outbox events to the very statement that changes the code, so
 * they commit together or not at all. A commit re-executed after a lost reply is recognised by its
 * write id in the same statement. The sweeper and the event workers take work with
 * `FOR UPDATE SKIP LOCKED` plus a lease, and `UNIQUE` constraints keep one current code per order,
 * one code per CIP, one entry per entry id and one event per event id. `commitCodes` writes a sweep's
 * batch in one statement too, and every listing walks an index (see docs/storage-adapters.md).
 *
 * @module storage/postgres
 */
import type { CashCodeStore, LogPage, PurgeOptions } from '../contract.js';
import { createPgCommitBatch } from './_internal/postgres/batch.js';
import { createPgCodeTable } from './_internal/postgres/codes.js';
import { createPgKeyTable } from './_internal/postgres/keys.js';
import { createPgListing } from './_internal/postgres/listing.js';
import { type PgClient, type PgQuery, type PgTransaction, pgConnection } from './_internal/postgres/query.js';
import { createPgRecords } from './_internal/postgres/records.js';
import {
  isUndefinedTable,
  migrationScript,
  readSchemaVersion,
  SCHEMA_VERSION,
  schemaError,
} from './_internal/postgres/schema.js';
import { checkPrefix, guard, guardedStore } from './_internal/shared.js';

export type { PgClient } from './_internal/postgres/query.js';

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /**
   * Prefix of every table the store creates (`<prefix>codes`, `<prefix>orders`, `<prefix>keys`,
   * `<prefix>counters`, `<prefix>log`, `<prefix>events`, `<prefix>schema_migrations`): lowercase
   * letters, digits and underscores, starting with a letter or underscore, at most 40 characters.
   * Default `pagoefectivo_`.
   * To use another schema, set the role's or the pool's `search_path`.
   */
  tablePrefix?: string;
  /**
   * Create or upgrade the tables on first use instead of failing with a `StorageError` that asks for
   * `migrate()`. Convenient for development; in production, run `migrate()` at deploy time with a role
   * allowed to run DDL and keep the app's role to data access. Default `false`.
   */
  autoMigrate?: boolean;
}

/** A {@link CashCodeStore} kept in PostgreSQL, plus its maintenance operations. */
export interface PostgresStore extends CashCodeStore {
  /** The validated table prefix. */
  readonly tablePrefix: string;
  /**
   * Create the tables, or upgrade them to this release's schema version. Idempotent, and safe to run
   * from several processes at once (an advisory lock serialises them; each step is one transaction).
   */
  migrate(): Promise<void>;
  /**
   * Delete expired dedupe markers, values and counters (they already read as absent) and return how
   * many rows went: every one without options, at most `limit` (oldest first) with them. The sweeper
   * calls it in bounded batches; call it again while it returns `limit`.
   */
  purgeExpired(options?: PurgeOptions): Promise<number>;
  commitCodes: NonNullable<CashCodeStore['commitCodes']>;
  readLogPage: NonNullable<CashCodeStore['readLogPage']>;
  listStaleReservations: NonNullable<CashCodeStore['listStaleReservations']>;
}

/** The table prefix used when none is given. */
export const DEFAULT_TABLE_PREFIX = 'pagoefectivo_';

/** The schema version this release reads and writes (recorded in `<prefix>schema_migrations`). */
export const POSTGRES_SCHEMA_VERSION: number = SCHEMA_VERSION;

/**
 * Create a {@link CashCodeStore} backed by PostgreSQL 11 or later.
 *
 * Operations do not create tables by themselves: call `await store.migrate()` once (at deploy time or
 * on start-up), or pass `{ autoMigrate: true }`. Before that, every operation rejects with a
 * `StorageError` whose message says so. Attach an `error` listener to your Pool, as `pg` requires:
 * a connection lost in the middle of an operation rejects that operation with a `StorageError`, and
 * nothing is half-written because every write is a single statement; re-running it is safe.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createCashCodes } from 'pagoefectivo-kit';
 * import { postgresStore } from 'pagoefectivo-kit/storage/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = postgresStore(pool);
 * await store.migrate();
 * const codes = createCashCodes({ client, store });
 * ```
 */
export function postgresStore(client: PgClient, options: PostgresStoreOptions = {}): PostgresStore {
  const prefix = checkPrefix(
    'postgresStore',
    'tablePrefix',
    options.tablePrefix,
    DEFAULT_TABLE_PREFIX,
    /^[a-z_][a-z0-9_]{0,39}$/,
    'must be lowercase letters, digits and underscores, start with a letter or underscore, at most 40 characters',
  );
  const { query: raw, transaction: rawTransaction } = pgConnection(client);
  let ready: Promise<void> | null = null;

  async function migrate(): Promise<void> {
    await raw(migrationScript(prefix));
    ready = Promise.resolve();
  }

  async function check(): Promise<void> {
    const found = await readSchemaVersion(raw, prefix);
    if (found === null || found < SCHEMA_VERSION) throw schemaError(prefix, found);
  }

  // Every statement waits for the one-time schema check (or migration); a failed check is retried by
  // the next operation, so running migrate() later heals a store created too early.
  const schemaChecked = async <T>(task: () => Promise<T>): Promise<T> => {
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
  const query: PgQuery = (text, values) => schemaChecked(() => raw(text, values));
  const transaction: PgTransaction = (work) => schemaChecked(() => rawTransaction(work));
  const codes = createPgCodeTable(query, prefix);
  const keys = createPgKeyTable(query, prefix);
  const records = createPgRecords(query, prefix);
  const listing = createPgListing(query, prefix);
  const batch = createPgCommitBatch(query, transaction, prefix);
  const op = <T>(operation: string, task: () => Promise<T>): Promise<T> => guard('postgres', operation, task);

  return {
    ...guardedStore('postgres', { ...codes, listCodes: listing.listCodes }, { ...keys, ...records }),
    tablePrefix: prefix,
    migrate: () => op('migrate', migrate),
    purgeExpired: (purgeOptions) => op('purgeExpired', () => keys.purgeExpired(purgeOptions)),
    commitCodes: (commits) => op('commitCodes', () => batch.commitCodes(commits)),
    readLogPage: (subject, pageOptions): Promise<LogPage> =>
      op('readLogPage', () => records.readLogPage(subject, pageOptions)),
    listStaleReservations: (staleOptions) =>
      op('listStaleReservations', () => listing.listStaleReservations(staleOptions)),
  };
}
