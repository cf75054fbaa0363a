import { StorageError } from '../../../../errors.js';
import type { PgQuery } from './query.js';

// The schema of the PostgreSQL store and its migrations. Table names are `<tablePrefix><name>`; the
// prefix is a validated identifier, so it is safe to splice into SQL text.

/**
 * The `reserve_until` of a code row, from its status and its stored document: the lease of a
 * `reserving` code (`-infinity` when it has none), `NULL` for every other status.
 */
export const reserveUntil = (status: string, data: string): string =>
  `CASE WHEN ${status} = 'reserving' THEN COALESCE((${data}->>'leaseUntil')::timestamptz, '-infinity') END`;

interface Migration {
  version: number;
  /** Statements creating or changing the schema, run inside a PL/pgSQL block. */
  statements(prefix: string): string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: (p) => `
      CREATE TABLE ${p}codes (
        id text COLLATE "C" NOT NULL,
        order_id text NOT NULL,
        status text NOT NULL,
        version integer NOT NULL,
        cip text,
        expires_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        sweep_lease_until timestamptz,
        data jsonb NOT NULL,
        CONSTRAINT ${p}codes_pkey PRIMARY KEY (id),
        CONSTRAINT ${p}codes_cip_key UNIQUE (cip),
        CONSTRAINT ${p}codes_status_check
          CHECK (status IN ('reserving', 'pending', 'paid', 'expired', 'cancelled', 'failed')),
        CONSTRAINT ${p}codes_version_check CHECK (version >= 0)
      );
      CREATE INDEX ${p}codes_due_idx ON ${p}codes (expires_at, id) WHERE status = 'pending';
      CREATE INDEX ${p}codes_updated_idx ON ${p}codes (updated_at);
      CREATE INDEX ${p}codes_status_idx ON ${p}codes (status, id);
      CREATE TABLE ${p}orders (
        order_id text NOT NULL,
        code_id text COLLATE "C" NOT NULL,
        CONSTRAINT ${p}orders_pkey PRIMARY KEY (order_id),
        CONSTRAINT ${p}orders_code_key UNIQUE (code_id),
        CONSTRAINT ${p}orders_code_fkey FOREIGN KEY (code_id) REFERENCES ${p}codes (id)
          DEFERRABLE INITIALLY DEFERRED
      );
      CREATE TABLE ${p}keys (
        kind text NOT NULL,
        key text NOT NULL,
        value text,
        expires_at timestamptz NOT NULL,
        CONSTRAINT ${p}keys_pkey PRIMARY KEY (kind, key),
        CONSTRAINT ${p}keys_kind_check CHECK (kind IN ('once', 'value'))
      );
      CREATE INDEX ${p}keys_expiry_idx ON ${p}keys (expires_at);
      CREATE TABLE ${p}counters (
        key text NOT NULL,
        count integer NOT NULL,
        reset_at timestamptz NOT NULL,
        counted boolean NOT NULL,
        CONSTRAINT ${p}counters_pkey PRIMARY KEY (key)
      );
      CREATE INDEX ${p}counters_reset_idx ON ${p}counters (reset_at);
      CREATE TABLE ${p}log (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        subject text NOT NULL,
        entry jsonb NOT NULL,
        CONSTRAINT ${p}log_pkey PRIMARY KEY (seq)
      );
      CREATE INDEX ${p}log_subject_idx ON ${p}log (subject, seq);`,
  },
  {
    // 0.2: the atomic commit and the event outbox. Only new columns, a wider status check and new
    // tables, so a 0.1 database upgrades in place (no rewrite of existing rows).
    version: 2,
    statements: (p) => `
      ALTER TABLE ${p}codes DROP CONSTRAINT ${p}codes_status_check;
      ALTER TABLE ${p}codes ADD CONSTRAINT ${p}codes_status_check CHECK (status IN (
        'reserving', 'pending', 'paid', 'expired', 'cancelled', 'failed', 'review', 'refund_required'));
      ALTER TABLE ${p}codes ADD COLUMN write_id text, ADD COLUMN sweep_lease_owner text;
      CREATE INDEX ${p}codes_held_idx ON ${p}codes (sweep_lease_owner, expires_at, id)
        WHERE status = 'pending' AND sweep_lease_owner IS NOT NULL;
      ALTER TABLE ${p}log ADD COLUMN entry_id text;
      CREATE UNIQUE INDEX ${p}log_entry_key ON ${p}log (subject, entry_id);
      ALTER TABLE ${p}keys ADD COLUMN owner text;
      ALTER TABLE ${p}counters ADD COLUMN hit_id text;
      CREATE TABLE ${p}events (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        id text COLLATE "C" NOT NULL,
        code_id text COLLATE "C",
        stream text COLLATE "C" NOT NULL,
        state text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_owner text,
        lease_until timestamptz,
        last_error text,
        event jsonb NOT NULL,
        CONSTRAINT ${p}events_pkey PRIMARY KEY (seq),
        CONSTRAINT ${p}events_id_key UNIQUE (id),
        CONSTRAINT ${p}events_state_check CHECK (state IN ('pending', 'delivered', 'dead'))
      );
      CREATE INDEX ${p}events_due_idx ON ${p}events (next_attempt_at, seq) WHERE state = 'pending';
      CREATE INDEX ${p}events_stream_idx ON ${p}events (stream, seq) WHERE state = 'pending';
      CREATE INDEX ${p}events_state_idx ON ${p}events (state, seq);
      CREATE INDEX ${p}events_code_idx ON ${p}events (code_id, seq);`,
  },
  {
    // 0.3 (issue #12): stale reservations come from an index, not from a listing of every code. Every
    // code write keeps a reserving code's lease in `reserve_until` (`-infinity` for none, so "no lease"
    // sorts as the stalest; NULL for every other status). Only the few rows reserving now are filled in
    // here; rows that 0.2 processes write during a rolling deploy keep NULL and are read from the
    // document instead (see `listStaleReservations`). The listing shapes walk `codes_pkey` and
    // `codes_status_idx`, and log pages `log_subject_idx`, which earlier versions already have.
    version: 3,
    statements: (p) => `
      ALTER TABLE ${p}codes ADD COLUMN reserve_until timestamptz;
      UPDATE ${p}codes SET reserve_until = ${reserveUntil('status', 'data')} WHERE status = 'reserving';
      CREATE INDEX ${p}codes_stale_idx ON ${p}codes (reserve_until, id) WHERE status = 'reserving';`,
  },
];

/** The schema version this release of the adapter reads and writes. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * One SQL script that brings the schema to {@link SCHEMA_VERSION}. PostgreSQL runs a multi-statement
 * simple query as one transaction, so the advisory lock taken first is held until every step commits:
 * processes migrating at once queue up, and the later ones find nothing left to do. `target` stops at
 * an older version (tests build a 0.1 database).
 */
export function migrationScript(prefix: string, target: number = SCHEMA_VERSION): string {
  const steps = MIGRATIONS.filter((migration) => migration.version <= target).map(
    (migration) => `
    DO $migrate$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM ${prefix}schema_migrations WHERE version = ${migration.version}) THEN
        ${migration.statements(prefix)}
        INSERT INTO ${prefix}schema_migrations (version) VALUES (${migration.version});
      END IF;
    END $migrate$;`,
  );
  return [
    `SELECT pg_advisory_xact_lock(hashtextextended('pagoefectivo-kit:migrate:${prefix}', 0));`,
    `CREATE TABLE IF NOT EXISTS ${prefix}schema_migrations (
      version integer PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    );`,
    ...steps,
  ].join('\n');
}

/** The StorageError raised when the store's tables are missing or older than this release needs. */
export function schemaError(prefix: string, found: number | null, cause?: unknown): StorageError {
  const state = found === null ? 'do not exist yet' : `are at schema version ${found}`;
  return new StorageError(
    `[postgres] The tables "${prefix}*" ${state}; this version of pagoefectivo-kit needs schema version ` +
      `${SCHEMA_VERSION}. Run \`await store.migrate()\` once at deploy time (it is idempotent and safe to run ` +
      'from several processes at once), or create the store with `{ autoMigrate: true }`.',
    { cause, details: { reason: 'schema_outdated', tablePrefix: prefix, found, required: SCHEMA_VERSION } },
  );
}

/** Whether `error` is PostgreSQL's "relation does not exist". */
export function isUndefinedTable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '42P01';
}

/** The schema version recorded in the database, or `null` when the store was never migrated. */
export async function readSchemaVersion(query: PgQuery, prefix: string): Promise<number | null> {
  try {
    const rows = await query(`SELECT max(version) AS version FROM ${prefix}schema_migrations`);
    const version = rows[0]?.version;
    return typeof version === 'number' ? version : null;
  } catch (error) {
    if (isUndefinedTable(error)) return null;
    throw error;
  }
}
