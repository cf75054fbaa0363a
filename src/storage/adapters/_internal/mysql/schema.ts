import type { PoolConnection } from 'mysql2/promise';
import { StorageError } from '../../../../errors.js';
import type { CashCode } from '../../../../model/code.js';
import { deserializeCode } from '../../../contract.js';
import type { MysqlPool, MysqlQuery } from './query.js';
import { errno } from './query.js';

// The schema of the MySQL / MariaDB store and its migrations. Table names are `<tablePrefix><name>`;
// the prefix is a validated identifier, so it is safe to splice into SQL text.
//
// Ids, keys and subjects are VARCHAR(255) in utf8mb4_bin, so uniqueness and ordering are by code point
// (like PostgreSQL's "C" collation and the memory store), never case- or accent-insensitive. Instants
// are BIGINT epoch milliseconds and amounts live in the document only as integers, so neither the
// session time_zone nor a DATETIME's rounding can touch them. Documents are LONGTEXT holding JSON: the
// text written is the text read back, on MySQL 8 (whose JSON type reorders keys) and MariaDB alike.

/** The one connection a migration runs on (it holds the migration lock). */
type MigrationConnection = Pick<PoolConnection, 'query'>;

interface Migration {
  version: number;
  /** DDL statements; each is idempotent (`IF NOT EXISTS`), since MySQL commits DDL one statement at a time. */
  statements(prefix: string): string[];
  /** Steps that need a look at the database first (MySQL has no `ADD COLUMN IF NOT EXISTS`); idempotent. */
  upgrade?(connection: MigrationConnection, prefix: string): Promise<void>;
}

const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';
const ID = 'VARCHAR(255) COLLATE utf8mb4_bin';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: (p) => [
      `CREATE TABLE IF NOT EXISTS ${p}codes (
        id ${ID} NOT NULL,
        order_id ${ID} NOT NULL,
        status VARCHAR(16) NOT NULL,
        version INT NOT NULL,
        cip ${ID} NULL,
        expires_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        sweep_lease_until BIGINT NULL,
        sweep_lease_owner ${ID} NULL,
        write_id ${ID} NULL,
        data LONGTEXT NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY codes_cip_key (cip),
        KEY codes_due_idx (status, expires_at, id),
        KEY codes_held_idx (sweep_lease_owner, status, expires_at, id),
        KEY codes_updated_idx (updated_at),
        CONSTRAINT ${p}codes_status_check CHECK (status IN (
          'reserving', 'pending', 'paid', 'expired', 'cancelled', 'failed', 'review', 'refund_required')),
        CONSTRAINT ${p}codes_version_check CHECK (version >= 0)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS ${p}orders (
        order_id ${ID} NOT NULL,
        code_id ${ID} NOT NULL,
        PRIMARY KEY (order_id),
        UNIQUE KEY orders_code_key (code_id)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS ${p}keys (
        kind VARCHAR(8) NOT NULL,
        \`key\` ${ID} NOT NULL,
        value LONGTEXT NULL,
        expires_at BIGINT NOT NULL,
        owner ${ID} NULL,
        PRIMARY KEY (kind, \`key\`),
        KEY keys_expiry_idx (expires_at)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS ${p}counters (
        \`key\` ${ID} NOT NULL,
        \`count\` INT NOT NULL,
        reset_at BIGINT NOT NULL,
        counted TINYINT(1) NOT NULL,
        hit_id ${ID} NULL,
        PRIMARY KEY (\`key\`),
        KEY counters_reset_idx (reset_at)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS ${p}log (
        seq BIGINT NOT NULL AUTO_INCREMENT,
        subject ${ID} NOT NULL,
        entry_id ${ID} NULL,
        entry LONGTEXT NOT NULL,
        PRIMARY KEY (seq),
        UNIQUE KEY log_entry_key (subject, entry_id),
        KEY log_subject_idx (subject, seq)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS ${p}events (
        seq BIGINT NOT NULL AUTO_INCREMENT,
        id ${ID} NOT NULL,
        code_id ${ID} NULL,
        stream VARCHAR(270) COLLATE utf8mb4_bin NOT NULL,
        state VARCHAR(10) NOT NULL,
        attempts INT NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        lease_owner ${ID} NULL,
        lease_until BIGINT NULL,
        last_error TEXT NULL,
        event LONGTEXT NOT NULL,
        PRIMARY KEY (seq),
        UNIQUE KEY events_id_key (id),
        KEY events_state_idx (state, seq),
        KEY events_stream_idx (stream, state, seq),
        KEY events_code_idx (code_id, seq),
        CONSTRAINT ${p}events_state_check CHECK (state IN ('pending', 'delivered', 'dead'))
      ) ${TABLE}`,
    ],
  },
  {
    // 0.3: listings, sweeps and log pages that cost what they return at any size. `reserve_until` is
    // the lease end of a `reserving` code (0 when it has none, NULL in any other status), so stale
    // reservations are one index range in lease order; (status, id) and (status, updated_at) serve
    // the status listings. One ALTER adds the column and the indexes together (atomic DDL), so it has
    // happened exactly when the column exists; the backfill after it is idempotent.
    version: 2,
    statements: () => [],
    async upgrade(connection, p) {
      const [columns] = await connection.query(
        `SELECT 1 FROM information_schema.columns
         WHERE table_schema = DATABASE() AND table_name = ? AND column_name = 'reserve_until'`,
        [`${p}codes`],
      );
      if ((columns as unknown[]).length === 0) {
        await connection.query(
          `ALTER TABLE ${p}codes ADD COLUMN reserve_until BIGINT NULL AFTER updated_at,
             ADD KEY codes_reserve_idx (reserve_until, id),
             ADD KEY codes_status_idx (status, id),
             ADD KEY codes_status_updated_idx (status, updated_at, id)`,
        );
      }
      const [rows] = await connection.query(`SELECT id, data FROM ${p}codes WHERE status = 'reserving'`);
      for (const row of rows as { id: string; data: string }[]) {
        await connection.query(`UPDATE ${p}codes SET reserve_until = ? WHERE id = ?`, [
          reserveUntil(deserializeCode(String(row.data))),
          row.id,
        ]);
      }
    },
  },
];

/**
 * The `reserve_until` column of a code: its lease end while `reserving` (0 when it has none, so it
 * counts as stale), `NULL` in every other status, which keeps it out of the stale-reservation range.
 */
export function reserveUntil(code: CashCode): number | null {
  if (code.status !== 'reserving') return null;
  const lease = code.leaseUntil;
  return lease instanceof Date && !Number.isNaN(lease.getTime()) ? lease.getTime() : 0;
}

/** The schema version this release of the adapter reads and writes. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Seconds a migrate() waits for another process's migration before it gives up. */
const LOCK_TIMEOUT_S = 60;

/**
 * Bring the schema to {@link SCHEMA_VERSION} (or `target`): on one connection, under a named lock
 * (`GET_LOCK`, per database and prefix) so that processes migrating at once run one after another and
 * the later ones find nothing left to do. MySQL commits each DDL statement on its own, so every step is
 * idempotent and its version is recorded last: a migration cut short is finished by the next one.
 */
export async function migrate(pool: MysqlPool, prefix: string, target: number = SCHEMA_VERSION): Promise<void> {
  const connection = await pool.getConnection();
  const lock = `CONCAT('pek-migrate-', LEFT(SHA2(CONCAT(DATABASE(), '.', ?), 256), 40))`;
  let locked = false;
  try {
    const [rows] = await connection.query(`SELECT GET_LOCK(${lock}, ?) AS got`, [prefix, LOCK_TIMEOUT_S]);
    locked = Number((rows as { got: unknown }[])[0]?.got) === 1;
    if (!locked) throw new Error(`another migrate() held the lock for ${LOCK_TIMEOUT_S} s`);
    await connection.query(
      `CREATE TABLE IF NOT EXISTS ${prefix}schema_migrations (
        version INT NOT NULL PRIMARY KEY,
        applied_at BIGINT NOT NULL
      ) ${TABLE}`,
    );
    const [done] = await connection.query(`SELECT version FROM ${prefix}schema_migrations`);
    const applied = new Set((done as { version: unknown }[]).map((row) => Number(row.version)));
    for (const migration of MIGRATIONS) {
      if (migration.version > target || applied.has(migration.version)) continue;
      for (const statement of migration.statements(prefix)) await connection.query(statement);
      await migration.upgrade?.(connection, prefix);
      await connection.query(`INSERT INTO ${prefix}schema_migrations (version, applied_at) VALUES (?, ?)`, [
        migration.version,
        Date.now(),
      ]);
    }
  } finally {
    if (locked) await connection.query(`SELECT RELEASE_LOCK(${lock}) AS released`, [prefix]).catch(() => undefined);
    connection.release();
  }
}

/** The StorageError raised when the store's tables are missing or older than this release needs. */
export function schemaError(prefix: string, found: number | null, cause?: unknown): StorageError {
  const state = found === null ? 'do not exist yet' : `are at schema version ${found}`;
  return new StorageError(
    `[mysql] The tables "${prefix}*" ${state}; this version of pagoefectivo-kit needs schema version ` +
      `${SCHEMA_VERSION}. Run \`await store.migrate()\` once at deploy time (it is idempotent and safe to run ` +
      'from several processes at once), or create the store with `{ autoMigrate: true }`.',
    { cause, details: { reason: 'schema_outdated', tablePrefix: prefix, found, required: SCHEMA_VERSION } },
  );
}

/** Whether `error` is MySQL's "table doesn't exist" (1146). */
export function isUndefinedTable(error: unknown): boolean {
  return errno(error) === 1146;
}

/** The schema version recorded in the database, or `null` when the store was never migrated. */
export async function readSchemaVersion(query: MysqlQuery, prefix: string): Promise<number | null> {
  try {
    const rows = await query(`SELECT MAX(version) AS version FROM ${prefix}schema_migrations`);
    const version = rows[0]?.version;
    return version === null || version === undefined ? null : Number(version);
  } catch (error) {
    if (isUndefinedTable(error)) return null;
    throw error;
  }
}
