// The SQL of the PostgreSQL store, one statement per operation. Each statement is atomic on its own
// (PostgreSQL wraps a single statement in a transaction), so the adapter never holds a connection
// across round trips and works the same over a Pool or a single Client.
//
// Code writes take their values as $1 id, $2 order_id, $3 status, $4 version, $5 cip, $6 expires_at,
// $7 updated_at, $8 data (the serialised code). Time-to-live arithmetic uses the database clock
// (`statement_timestamp()`), so every app instance shares one clock.

const CODE_VALUES = '$1::text, $2::text, $3::text, $4::integer, $5::text, $6::timestamptz, $7::timestamptz, $8::jsonb';
const CODE_COLUMNS = 'id, order_id, status, version, cip, expires_at, updated_at, data';
const TTL = (param: string): string => `statement_timestamp() + ${param}::float8 * interval '1 millisecond'`;

/** The statements of the code operations for tables named `<p>…`. */
export function codeStatements(
  p: string,
): Record<
  'claimFree' | 'claimReplacing' | 'byId' | 'byCip' | 'byOrder' | 'update' | 'versionOf' | 'list' | 'claimExpired',
  string
> {
  return {
    // The order pointer is the claim: an INSERT that conflicts waits for the winner and inserts nothing,
    // and the code row is only written when the pointer was. A duplicate id or CIP fails the statement,
    // which undoes the pointer too.
    claimFree: `
      WITH pointer AS (
        INSERT INTO ${p}orders (order_id, code_id) VALUES ($2, $1)
        ON CONFLICT (order_id) DO NOTHING
        RETURNING code_id
      )
      INSERT INTO ${p}codes (${CODE_COLUMNS}) SELECT ${CODE_VALUES} FROM pointer RETURNING id`,
    // Compare-and-set on the pointer: it moves only if it still names $9 and that code is at version
    // $10. Concurrent movers queue on the pointer row and re-check it after the winner commits.
    claimReplacing: `
      WITH moved AS (
        UPDATE ${p}orders SET code_id = $1
        WHERE order_id = $2 AND code_id = $9::text
          AND EXISTS (SELECT 1 FROM ${p}codes WHERE id = $9::text AND version = $10::bigint)
        RETURNING code_id
      )
      INSERT INTO ${p}codes (${CODE_COLUMNS}) SELECT ${CODE_VALUES} FROM moved RETURNING id`,
    byId: `SELECT data::text AS data FROM ${p}codes WHERE id = $1`,
    byCip: `SELECT data::text AS data FROM ${p}codes WHERE cip = $1`,
    byOrder: `
      SELECT c.data::text AS data FROM ${p}orders o JOIN ${p}codes c ON c.id = o.code_id
      WHERE o.order_id = $1`,
    // Compare-and-set on the version; the order never changes and a set CIP never changes or clears.
    update: `
      UPDATE ${p}codes
      SET status = $3, version = $4, cip = $5, expires_at = $6, updated_at = $7, data = $8::jsonb
      WHERE id = $1 AND version = $9::bigint AND order_id = $2 AND (cip IS NULL OR cip = $5)
      RETURNING id`,
    versionOf: `SELECT version, order_id, cip FROM ${p}codes WHERE id = $1`,
    list: `
      SELECT data::text AS data FROM ${p}codes
      WHERE ($1::text IS NULL OR id > $1::text)
        AND ($2::text[] IS NULL OR status = ANY ($2::text[]))
        AND ($3::timestamptz IS NULL OR updated_at >= $3::timestamptz)
      ORDER BY id
      LIMIT $4::integer`,
    // Rows another sweeper is locking right now are skipped, and the lease written here hides the
    // taken rows from later callers until it lapses on the database clock.
    claimExpired: `
      WITH due AS (
        SELECT id FROM ${p}codes
        WHERE status = 'pending' AND expires_at <= $1::timestamptz
          AND (sweep_lease_until IS NULL OR sweep_lease_until <= statement_timestamp())
        ORDER BY expires_at, id
        LIMIT $2::bigint
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${p}codes c SET sweep_lease_until = ${TTL('$3')}
      FROM due WHERE c.id = due.id
      RETURNING c.data::text AS data`,
  };
}

/** The statements of the key, counter and log operations for tables named `<p>…`. */
export function keyStatements(
  p: string,
): Record<
  'consumeOnce' | 'putValue' | 'getValue' | 'takeValue' | 'deleteKey' | 'hit' | 'append' | 'read' | 'purge',
  string
> {
  return {
    // Inserts a marker, or revives an expired one; a live marker makes the statement return nothing.
    consumeOnce: `
      INSERT INTO ${p}keys AS k (kind, key, value, expires_at) VALUES ('once', $1, NULL, ${TTL('$2')})
      ON CONFLICT (kind, key) DO UPDATE SET expires_at = EXCLUDED.expires_at
      WHERE k.expires_at <= statement_timestamp()
      RETURNING 1 AS won`,
    putValue: `
      INSERT INTO ${p}keys (kind, key, value, expires_at) VALUES ('value', $1, $2, ${TTL('$3')})
      ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
    getValue: `
      SELECT value FROM ${p}keys
      WHERE kind = 'value' AND key = $1 AND expires_at > statement_timestamp()`,
    takeValue: `
      DELETE FROM ${p}keys WHERE kind = 'value' AND key = $1
      RETURNING value, expires_at > statement_timestamp() AS live`,
    deleteKey: `
      WITH gone AS (DELETE FROM ${p}keys WHERE kind IN ('once', 'value') AND key = $1)
      DELETE FROM ${p}counters WHERE key = $1`,
    // One upsert decides and counts: a lapsed window restarts at 1, a full one stays as it is.
    // `counted` records whether this very hit was counted, which RETURNING cannot tell otherwise.
    hit: `
      INSERT INTO ${p}counters AS c (key, count, reset_at, counted) VALUES ($1, 1, ${TTL('$3')}, true)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN c.reset_at <= statement_timestamp() THEN 1
                     WHEN c.count < $2::bigint THEN c.count + 1 ELSE c.count END,
        reset_at = CASE WHEN c.reset_at <= statement_timestamp() THEN EXCLUDED.reset_at ELSE c.reset_at END,
        counted = (c.reset_at <= statement_timestamp() OR c.count < $2::bigint)
      RETURNING count, reset_at, counted`,
    append: `INSERT INTO ${p}log (subject, entry) VALUES ($1, $2::jsonb)`,
    read: `SELECT entry::text AS entry FROM ${p}log WHERE subject = $1 ORDER BY seq`,
    purge: `
      WITH k AS (DELETE FROM ${p}keys WHERE expires_at <= statement_timestamp() RETURNING 1),
           c AS (DELETE FROM ${p}counters WHERE reset_at <= statement_timestamp() RETURNING 1)
      SELECT ((SELECT count(*) FROM k) + (SELECT count(*) FROM c))::integer AS purged`,
  };
}
