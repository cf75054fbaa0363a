// The SQL of the PostgreSQL store, one statement per operation. Each statement is atomic on its own
// (PostgreSQL wraps a single statement in a transaction), so the adapter never holds a connection
// across round trips and works the same over a Pool or a single Client.
//
// Code writes take their values as $1 id, $2 order_id, $3 status, $4 version, $5 cip, $6 expires_at,
// $7 updated_at, $8 data (the serialised code). Time-to-live arithmetic uses the database clock
// (`statement_timestamp()`), so every app instance shares one clock.

import { reserveUntil } from './schema.js';

const RESERVE_UNTIL = reserveUntil('$3::text', '$8::jsonb');
const CODE_VALUES = `$1::text, $2::text, $3::text, $4::integer, $5::text, $6::timestamptz, $7::timestamptz, $8::jsonb,
        ${RESERVE_UNTIL}`;
const CODE_COLUMNS = 'id, order_id, status, version, cip, expires_at, updated_at, data, reserve_until';
const TTL = (param: string): string => `statement_timestamp() + ${param}::float8 * interval '1 millisecond'`;

/**
 * The writable CTEs that append lifecycle entries and add outbox events in the statement that changes
 * the code, so both commit with the change or not at all. `source` is the CTE of the change: one row
 * when it landed, none when it did not (then nothing is inserted). Entries and events come as JSON
 * arrays (`entries`, `events` are parameter numbers) in the caller's order; ids already stored are
 * skipped, which makes a re-executed statement write nothing more. Events of one code share a stream
 * (`code:<id>`); an event without a code is a stream of its own (`event:<id>`). `order` prefixes the
 * ordering (a batch orders by commit first).
 */
export function recordInserts(p: string, source: string, entries: string, events: string, order = ''): string {
  const each = (param: string): string =>
    `FROM ${source}, jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY ${order}x.n`;
  return `
      entries AS (
        INSERT INTO ${p}log (subject, entry_id, entry)
        SELECT x.e->>'subject', x.e->>'id', x.e ${each(entries)}
        ON CONFLICT (subject, entry_id) DO NOTHING
      ),
      events AS (
        INSERT INTO ${p}events (id, code_id, stream, state, attempts, next_attempt_at, event)
        SELECT x.e->>'id', x.e->>'codeId',
          CASE WHEN x.e->>'codeId' IS NULL THEN 'event:' || (x.e->>'id') ELSE 'code:' || (x.e->>'codeId') END,
          'pending', 0, (x.e->>'at')::timestamptz, x.e ${each(events)}
        ON CONFLICT (id) DO NOTHING
      )`;
}

/** The sweeper's lease columns after a write to `status`: a code that leaves `pending` drops its lease. */
export const keepLeaseIfPending = (status: string): string => `
        sweep_lease_until = CASE WHEN ${status} = 'pending' THEN sweep_lease_until END,
        sweep_lease_owner = CASE WHEN ${status} = 'pending' THEN sweep_lease_owner END`;
const KEEP_LEASE_IF_PENDING = keepLeaseIfPending('$3::text');

/** The statements of the code operations for tables named `<p>…`. */
export function codeStatements(
  p: string,
): Record<
  'claimFree' | 'claimReplacing' | 'byId' | 'byCip' | 'byOrder' | 'update' | 'commit' | 'versionOf' | 'claimExpired',
  string
> {
  return {
    // The order pointer is the claim: an INSERT that conflicts waits for the winner and inserts nothing,
    // and the code row, its entries ($9) and events ($10) are only written when the pointer was. A
    // duplicate id or CIP fails the statement, which undoes the pointer too. One statement, one commit.
    // A lost claim also answers the order's current code (`current`), as the statement's snapshot has
    // it, so `issue` needs no read of its own; a winner that committed after the snapshot is read after.
    claimFree: `
      WITH pointer AS (
        INSERT INTO ${p}orders (order_id, code_id) VALUES ($2, $1)
        ON CONFLICT (order_id) DO NOTHING
        RETURNING code_id
      ),
      code AS (
        INSERT INTO ${p}codes (${CODE_COLUMNS}) SELECT ${CODE_VALUES} FROM pointer RETURNING id
      ),${recordInserts(p, 'code', '$9', '$10')}
      SELECT id, NULL AS current FROM code
      UNION ALL
      SELECT NULL, c.data::text FROM ${p}orders o JOIN ${p}codes c ON c.id = o.code_id
      WHERE o.order_id = $2 AND NOT EXISTS (SELECT 1 FROM pointer)`,
    // Compare-and-set on the pointer: it moves only if it still names $9 and that code is at version
    // $10. Concurrent movers queue on the pointer row and re-check it after the winner commits.
    claimReplacing: `
      WITH moved AS (
        UPDATE ${p}orders SET code_id = $1
        WHERE order_id = $2 AND code_id = $9::text
          AND EXISTS (SELECT 1 FROM ${p}codes WHERE id = $9::text AND version = $10::bigint)
        RETURNING code_id
      ),
      code AS (
        INSERT INTO ${p}codes (${CODE_COLUMNS}) SELECT ${CODE_VALUES} FROM moved RETURNING id
      ),${recordInserts(p, 'code', '$11', '$12')}
      SELECT id FROM code`,
    byId: `SELECT data::text AS data FROM ${p}codes WHERE id = $1`,
    byCip: `SELECT data::text AS data FROM ${p}codes WHERE cip = $1`,
    byOrder: `
      SELECT c.data::text AS data, c.version FROM ${p}orders o JOIN ${p}codes c ON c.id = o.code_id
      WHERE o.order_id = $1`,
    // Compare-and-set on the version; the order never changes and a set CIP never changes or clears.
    // A plain update forgets the last write id: only commitCode writes are recognised on re-execution.
    update: `
      UPDATE ${p}codes
      SET status = $3, version = $4, cip = $5, expires_at = $6, updated_at = $7, data = $8::jsonb,
        write_id = NULL, reserve_until = ${RESERVE_UNTIL},${KEEP_LEASE_IF_PENDING}
      WHERE id = $1 AND version = $9::bigint AND order_id = $2 AND (cip IS NULL OR cip = $5)
      RETURNING id`,
    // The atomic commit: the compare-and-set ($9 expected version, $10 write id), its entries ($11)
    // and events ($12) in one statement, hence one transaction. `replay` reads the code as it was
    // before the statement: at the new version with this write id, the commit had landed already.
    commit: `
      WITH replay AS (
        SELECT 1 FROM ${p}codes WHERE id = $1 AND version = $4 AND write_id = $10::text
      ),
      upd AS (
        UPDATE ${p}codes
        SET status = $3, version = $4, cip = $5, expires_at = $6, updated_at = $7, data = $8::jsonb,
          write_id = $10::text, reserve_until = ${RESERVE_UNTIL},${KEEP_LEASE_IF_PENDING}
        WHERE id = $1 AND version = $9::bigint AND order_id = $2 AND (cip IS NULL OR cip = $5)
        RETURNING id
      ),${recordInserts(p, 'upd', '$11', '$12')}
      SELECT EXISTS (SELECT 1 FROM upd) AS updated, EXISTS (SELECT 1 FROM replay) AS replayed`,
    versionOf: `SELECT version, order_id, cip, write_id FROM ${p}codes WHERE id = $1`,
    // What owner $4 still holds comes first (a re-executed claim gets it back), then due codes no one
    // holds; each branch walks its own partial index. Rows another sweeper is locking right now are
    // skipped, and the lease written here hides the taken rows until it lapses on the database clock.
    claimExpired: `
      WITH held AS (
        SELECT id, 0 AS rank, expires_at FROM ${p}codes
        WHERE status = 'pending' AND $4::text IS NOT NULL AND sweep_lease_owner = $4::text
          AND sweep_lease_until > statement_timestamp()
        ORDER BY expires_at, id
        LIMIT $2::bigint
        FOR UPDATE SKIP LOCKED
      ),
      due AS (
        SELECT id, 1 AS rank, expires_at FROM ${p}codes
        WHERE status = 'pending' AND expires_at <= $1::timestamptz
          AND (sweep_lease_until IS NULL OR sweep_lease_until <= statement_timestamp())
        ORDER BY expires_at, id
        LIMIT $2::bigint
        FOR UPDATE SKIP LOCKED
      ),
      pick AS (
        SELECT id FROM (SELECT * FROM held UNION ALL SELECT * FROM due) AS u
        ORDER BY rank, expires_at, id
        LIMIT $2::bigint
      )
      UPDATE ${p}codes c SET sweep_lease_until = ${TTL('$3')}, sweep_lease_owner = $4::text
      FROM pick WHERE c.id = pick.id
      RETURNING c.data::text AS data`,
  };
}

/** The statements of the key and counter operations for tables named `<p>…`. */
export function keyStatements(
  p: string,
): Record<
  'consumeOnce' | 'putValue' | 'getValue' | 'takeValue' | 'takeValueAs' | 'deleteKey' | 'hit' | 'purge' | 'purgeBatch',
  string
> {
  return {
    // Inserts a marker, or revives an expired one; a live marker makes the statement return nothing,
    // unless it is owner $3's own: then the marker is left as it is and the row comes back ("you got
    // it", again). The conflict is judged on the latest committed row, so this holds even when the
    // first execution commits while the re-execution waits for it.
    consumeOnce: `
      INSERT INTO ${p}keys AS k (kind, key, value, expires_at, owner)
      VALUES ('once', $1, NULL, ${TTL('$2')}, $3::text)
      ON CONFLICT (kind, key) DO UPDATE SET
        expires_at = CASE WHEN k.expires_at <= statement_timestamp() THEN EXCLUDED.expires_at ELSE k.expires_at END,
        owner = CASE WHEN k.expires_at <= statement_timestamp() THEN EXCLUDED.owner ELSE k.owner END
      WHERE k.expires_at <= statement_timestamp() OR k.owner = $3::text
      RETURNING 1 AS won`,
    putValue: `
      INSERT INTO ${p}keys (kind, key, value, expires_at, owner) VALUES ('value', $1, $2, ${TTL('$3')}, NULL)
      ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, owner = NULL`,
    // A value row with an owner is a tombstone: taken by that owner, kept until its former expiry.
    getValue: `
      SELECT value FROM ${p}keys
      WHERE kind = 'value' AND key = $1 AND owner IS NULL AND expires_at > statement_timestamp()`,
    takeValue: `
      DELETE FROM ${p}keys WHERE kind = 'value' AND key = $1 AND owner IS NULL
      RETURNING value, expires_at > statement_timestamp() AS live`,
    // An owner's take turns the value into its tombstone; the same owner's re-execution finds it again.
    takeValueAs: `
      UPDATE ${p}keys SET owner = $2::text
      WHERE kind = 'value' AND key = $1 AND (owner IS NULL OR owner = $2::text)
        AND expires_at > statement_timestamp()
      RETURNING value`,
    deleteKey: `
      WITH gone AS (DELETE FROM ${p}keys WHERE kind IN ('once', 'value') AND key = $1)
      DELETE FROM ${p}counters WHERE key = $1`,
    // One upsert decides and counts: a lapsed window restarts at 1, a full one stays as it is.
    // `counted` records whether this very hit was counted, which RETURNING cannot tell otherwise.
    // `hit_id` is the last hit's id ($4): its re-execution in the same window changes nothing, and
    // since no later hit changed the row, the row is still the first answer.
    hit: `
      INSERT INTO ${p}counters AS c (key, count, reset_at, counted, hit_id)
      VALUES ($1, 1, ${TTL('$3')}, true, $4::text)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN c.reset_at <= statement_timestamp() THEN 1
                     WHEN c.hit_id = $4::text THEN c.count
                     WHEN c.count < $2::bigint THEN c.count + 1 ELSE c.count END,
        reset_at = CASE WHEN c.reset_at <= statement_timestamp() THEN EXCLUDED.reset_at ELSE c.reset_at END,
        counted = CASE WHEN c.reset_at <= statement_timestamp() THEN true
                       WHEN c.hit_id = $4::text THEN c.counted
                       ELSE c.count < $2::bigint END,
        hit_id = EXCLUDED.hit_id
      RETURNING count, reset_at, counted`,
    purge: `
      WITH k AS (DELETE FROM ${p}keys WHERE expires_at <= statement_timestamp() RETURNING 1),
           c AS (DELETE FROM ${p}counters WHERE reset_at <= statement_timestamp() RETURNING 1)
      SELECT ((SELECT count(*) FROM k) + (SELECT count(*) FROM c))::integer AS purged`,
    // At most $1 rows, oldest expiry first: the expiry indexes pick them, a TID scan deletes them.
    // Expired keys go first, counters get what is left of the budget. Rows another purger is deleting
    // are skipped, and the expiry is checked again on the row as it is now (a marker revived meanwhile
    // moved to a new ctid anyway), so a live row is never deleted.
    purgeBatch: `
      WITH k AS (
        DELETE FROM ${p}keys WHERE ctid = ANY (ARRAY(
          SELECT ctid FROM ${p}keys WHERE expires_at <= statement_timestamp()
          ORDER BY expires_at LIMIT $1::integer FOR UPDATE SKIP LOCKED))
          AND expires_at <= statement_timestamp()
        RETURNING 1
      ),
      c AS (
        DELETE FROM ${p}counters WHERE ctid = ANY (ARRAY(
          SELECT ctid FROM ${p}counters WHERE reset_at <= statement_timestamp()
          ORDER BY reset_at LIMIT greatest($1::integer - (SELECT count(*) FROM k), 0) FOR UPDATE SKIP LOCKED))
          AND reset_at <= statement_timestamp()
        RETURNING 1
      )
      SELECT ((SELECT count(*) FROM k) + (SELECT count(*) FROM c))::integer AS purged`,
  };
}
