import type BetterSqlite3 from 'better-sqlite3';
import type { CashCode } from '../../../../model/code.js';
import { deserializeCode } from '../../../contract.js';

/** What `sqliteStore` accepts: a better-sqlite3 (v12) Database that you opened and own. */
export type SqliteDatabase = BetterSqlite3.Database;

// The schema of the SQLite store. Instants are epoch milliseconds in INTEGER columns; codes, log
// entries and outbox events are kept whole as JSON text beside the columns that are searched. Tables are STRICT, so a
// wrongly typed value is refused instead of silently stored.

interface Migration {
  version: number;
  statements(prefix: string): string;
  /** Fill new columns from the rows already stored, inside the migration's transaction. */
  backfill?(db: SqliteDatabase, prefix: string): void;
}

// Migrations are append-only: a released version's statements never change, so every database that
// recorded it has exactly that schema (statuses are spelled out, not derived from the model).
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: (p) => `
      CREATE TABLE ${p}codes (
        id TEXT NOT NULL PRIMARY KEY,
        order_id TEXT NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('reserving', 'pending', 'paid', 'expired', 'cancelled', 'failed')),
        version INTEGER NOT NULL CHECK (version >= 0),
        cip TEXT UNIQUE,
        expires_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        sweep_lease_until INTEGER,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ${p}codes_due_idx ON ${p}codes (expires_at, id) WHERE status = 'pending';
      CREATE INDEX ${p}codes_updated_idx ON ${p}codes (updated_at);
      CREATE INDEX ${p}codes_status_idx ON ${p}codes (status, id);
      CREATE TABLE ${p}orders (
        order_id TEXT NOT NULL PRIMARY KEY,
        code_id TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE TABLE ${p}keys (
        kind TEXT NOT NULL CHECK (kind IN ('once', 'value')),
        key TEXT NOT NULL,
        value TEXT,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (kind, key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX ${p}keys_expiry_idx ON ${p}keys (expires_at);
      CREATE TABLE ${p}counters (
        key TEXT NOT NULL PRIMARY KEY,
        count INTEGER NOT NULL,
        reset_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX ${p}counters_reset_idx ON ${p}counters (reset_at);
      CREATE TABLE ${p}log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        subject TEXT NOT NULL,
        entry TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ${p}log_subject_idx ON ${p}log (subject, seq);`,
  },
  {
    // 0.2: the atomic commit and the event outbox. SQLite cannot change a CHECK constraint in place,
    // so the codes table is rebuilt (rows copied as they are); everything else only gains columns,
    // which keeps a 0.1 file readable by this release after one upgrade.
    version: 2,
    statements: (p) => `
      CREATE TABLE ${p}codes_v2 (
        id TEXT NOT NULL PRIMARY KEY,
        order_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN (
          'reserving', 'pending', 'paid', 'expired', 'cancelled', 'failed', 'review', 'refund_required')),
        version INTEGER NOT NULL CHECK (version >= 0),
        cip TEXT UNIQUE,
        expires_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        sweep_lease_until INTEGER,
        sweep_lease_owner TEXT,
        write_id TEXT,
        data TEXT NOT NULL
      ) STRICT;
      INSERT INTO ${p}codes_v2 (id, order_id, status, version, cip, expires_at, updated_at, sweep_lease_until, data)
        SELECT id, order_id, status, version, cip, expires_at, updated_at, sweep_lease_until, data FROM ${p}codes;
      DROP TABLE ${p}codes;
      ALTER TABLE ${p}codes_v2 RENAME TO ${p}codes;
      CREATE INDEX ${p}codes_due_idx ON ${p}codes (expires_at, id) WHERE status = 'pending';
      CREATE INDEX ${p}codes_held_idx ON ${p}codes (sweep_lease_owner, expires_at, id)
        WHERE status = 'pending' AND sweep_lease_owner IS NOT NULL;
      CREATE INDEX ${p}codes_updated_idx ON ${p}codes (updated_at);
      CREATE INDEX ${p}codes_status_idx ON ${p}codes (status, id);
      ALTER TABLE ${p}log ADD COLUMN entry_id TEXT;
      CREATE UNIQUE INDEX ${p}log_entry_idx ON ${p}log (subject, entry_id);
      ALTER TABLE ${p}keys ADD COLUMN owner TEXT;
      ALTER TABLE ${p}counters ADD COLUMN counted INTEGER;
      ALTER TABLE ${p}counters ADD COLUMN hit_id TEXT;
      CREATE TABLE ${p}events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        code_id TEXT,
        stream TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        last_error TEXT,
        event TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ${p}events_due_idx ON ${p}events (next_attempt_at, seq) WHERE state = 'pending';
      CREATE INDEX ${p}events_stream_idx ON ${p}events (stream, seq) WHERE state = 'pending';
      CREATE INDEX ${p}events_state_idx ON ${p}events (state, seq);
      CREATE INDEX ${p}events_code_idx ON ${p}events (code_id, seq);`,
  },
  {
    // 0.3: listings, sweeps and log pages that cost what they return at any size. `reserve_until` is
    // the lease end of a `reserving` code (0 when it has none, NULL in any other status), so stale
    // reservations come from a partial index in lease order; (status, updated_at) serves a status
    // listing bounded by update time. Only new columns and indexes: rows stay where they are.
    version: 3,
    statements: (p) => `
      ALTER TABLE ${p}codes ADD COLUMN reserve_until INTEGER;
      CREATE INDEX ${p}codes_reserve_idx ON ${p}codes (reserve_until, id) WHERE status = 'reserving';
      CREATE INDEX ${p}codes_status_updated_idx ON ${p}codes (status, updated_at);`,
    backfill(db, p) {
      const rows = db.prepare(`SELECT id, data FROM ${p}codes WHERE status = 'reserving'`).all() as {
        id: string;
        data: string;
      }[];
      const set = db.prepare(`UPDATE ${p}codes SET reserve_until = ? WHERE id = ?`);
      for (const row of rows) set.run(reserveUntil(deserializeCode(row.data)), row.id);
    },
  },
];

/**
 * The `reserve_until` column of a code: its lease end while `reserving` (0 when it has none, so it
 * counts as stale), `NULL` in every other status, which keeps it out of the stale-reservation index.
 */
export function reserveUntil(code: CashCode): number | null {
  if (code.status !== 'reserving') return null;
  const lease = code.leaseUntil;
  return lease instanceof Date && !Number.isNaN(lease.getTime()) ? lease.getTime() : 0;
}

/** The schema version this release of the adapter reads and writes. */
export const SQLITE_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Create or upgrade the tables in one IMMEDIATE transaction: the write lock taken at BEGIN makes
 * processes that open the same file at once wait for each other (up to `busy_timeout`), and a failed
 * step rolls the whole upgrade back. `target` stops at an older version (tests build a 0.1 file).
 */
export function migrateSqlite(
  db: SqliteDatabase,
  prefix: string,
  now: number,
  target: number = SQLITE_SCHEMA_VERSION,
): void {
  const upgrade = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${prefix}schema_migrations (
      version INTEGER NOT NULL PRIMARY KEY,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const row = db.prepare(`SELECT max(version) AS version FROM ${prefix}schema_migrations`).get() as {
      version: number | null;
    };
    const found = row.version ?? 0;
    const record = db.prepare(`INSERT INTO ${prefix}schema_migrations (version, applied_at) VALUES (?, ?)`);
    for (const migration of MIGRATIONS) {
      if (migration.version <= found || migration.version > target) continue;
      db.exec(migration.statements(prefix));
      migration.backfill?.(db, prefix);
      record.run(migration.version, now);
    }
  });
  upgrade.immediate();
}

/** Options that set the connection's pragmas. */
export interface SqlitePragmas {
  wal: boolean;
  busyTimeoutMs: number;
}

/**
 * Set `busy_timeout` (how long a write waits for another connection's lock) and, for a file database,
 * `journal_mode = WAL` (readers never block the writer). WAL does not apply to `:memory:` databases.
 */
export function applyPragmas(db: SqliteDatabase, pragmas: SqlitePragmas): void {
  db.pragma(`busy_timeout = ${pragmas.busyTimeoutMs}`);
  if (pragmas.wal && !db.memory && !db.readonly) db.pragma('journal_mode = WAL');
}
