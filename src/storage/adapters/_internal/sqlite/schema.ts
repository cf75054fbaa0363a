import type BetterSqlite3 from 'better-sqlite3';

/** What `sqliteStore` accepts: a better-sqlite3 (v12) Database that you opened and own. */
export type SqliteDatabase = BetterSqlite3.Database;

// The schema of the SQLite store. Instants are epoch milliseconds in INTEGER columns; codes and log
// entries are kept whole as JSON text beside the columns that are searched. Tables are STRICT, so a
// wrongly typed value is refused instead of silently stored.

interface Migration {
  version: number;
  statements(prefix: string): string;
}

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
];

/** The schema version this release of the adapter reads and writes. */
export const SQLITE_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Create or upgrade the tables in one IMMEDIATE transaction: the write lock taken at BEGIN makes
 * processes that open the same file at once wait for each other (up to `busy_timeout`), and a failed
 * step rolls the whole upgrade back.
 */
export function migrateSqlite(db: SqliteDatabase, prefix: string, now: number): void {
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
      if (migration.version <= found) continue;
      db.exec(migration.statements(prefix));
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
