import type { LifecycleEntry } from '../../../../model/code.js';
import type { CodeEvent } from '../../../../model/events.js';
import { serializeEntry, serializeEvent } from '../../../contract.js';
import type { MysqlTx } from './query.js';

// The SQL of the MySQL / MariaDB store. MySQL has no writable CTEs and no `UPDATE … RETURNING`, so an
// atomic write is one InnoDB transaction on one connection (see `mysqlAccess`): lock the rows it
// decides on (`SELECT … FOR UPDATE`, `SKIP LOCKED` for leases), decide, write, commit.
//
// Time-to-live arithmetic uses the database clock, so every app instance shares one clock, read as
// epoch milliseconds from UTC_TIMESTAMP (never from NOW(), which follows the session time_zone).

/** The database clock in epoch milliseconds, whatever the session's time_zone. */
export const NOW_MS = "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)";

/** `?, ?, …` for `count` values. */
export const marks = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

/** The stream of an event: events of one code are handed out in outbox order (`code:<id>`). */
export const streamOf = (event: CodeEvent): string =>
  event.codeId === null ? `event:${event.id}` : `code:${event.codeId}`;

/**
 * Append lifecycle entries and add outbox events inside the transaction `tx`, in the caller's order
 * (AUTO_INCREMENT numbers follow the rows of a multi-row INSERT). An entry id the subject already has,
 * or an event id already stored, is skipped (`ON DUPLICATE KEY UPDATE seq = seq` changes nothing), so a
 * re-executed write adds nothing more. Unlike `INSERT IGNORE`, any other error still fails the write.
 */
export async function insertRecords(
  tx: MysqlTx,
  p: string,
  entries: readonly LifecycleEntry[],
  events: readonly CodeEvent[],
): Promise<void> {
  if (entries.length > 0) {
    await tx.exec(
      `INSERT INTO ${p}log (subject, entry_id, entry) VALUES ${entries.map(() => '(?, ?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE seq = seq`,
      entries.flatMap((entry) => [entry.subject, entry.id ?? null, serializeEntry(entry)]),
    );
  }
  if (events.length > 0) {
    await tx.exec(
      `INSERT INTO ${p}events (id, code_id, stream, state, attempts, next_attempt_at, event)
       VALUES ${events.map(() => "(?, ?, ?, 'pending', 0, ?, ?)").join(', ')}
       ON DUPLICATE KEY UPDATE seq = seq`,
      events.flatMap((event) => [
        event.id,
        event.codeId,
        streamOf(event),
        new Date(event.at).getTime(),
        serializeEvent(event),
      ]),
    );
  }
}

const CODE_COLUMNS = 'id, order_id, status, version, cip, expires_at, updated_at, reserve_until, data';

/** The statements of the code operations for tables named `<p>…`. */
export function codeStatements(
  p: string,
): Record<
  | 'orderLock'
  | 'codeLock'
  | 'lockCodes'
  | 'insertOrder'
  | 'moveOrder'
  | 'insertCode'
  | 'update'
  | 'byId'
  | 'byCip'
  | 'byOrder'
  | 'held'
  | 'due'
  | 'lease',
  string
> {
  return {
    // The order's pointer row, locked: concurrent claims of one order queue here.
    orderLock: `SELECT code_id FROM ${p}orders WHERE order_id = ? FOR UPDATE`,
    codeLock: `SELECT version, order_id, cip, write_id FROM ${p}codes WHERE id = ? FOR UPDATE`,
    // The codes of a batch, locked in id order (the value is an array of ids).
    lockCodes: `SELECT id FROM ${p}codes WHERE id IN (?) ORDER BY id FOR UPDATE`,
    insertOrder: `INSERT INTO ${p}orders (order_id, code_id) VALUES (?, ?)`,
    moveOrder: `UPDATE ${p}orders SET code_id = ? WHERE order_id = ?`,
    insertCode: `INSERT INTO ${p}codes (${CODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    // A code that leaves `pending` drops its sweeper lease, like the memory store. Values: status,
    // version, cip, expires_at, updated_at, reserve_until, data, write_id, id.
    update: `
      UPDATE ${p}codes
      SET sweep_lease_until = IF(? = 'pending', sweep_lease_until, NULL),
        sweep_lease_owner = IF(? = 'pending', sweep_lease_owner, NULL),
        status = ?, version = ?, cip = ?, expires_at = ?, updated_at = ?, reserve_until = ?, data = ?, write_id = ?
      WHERE id = ?`,
    byId: `SELECT data FROM ${p}codes WHERE id = ?`,
    byCip: `SELECT data FROM ${p}codes WHERE cip = ?`,
    byOrder: `SELECT c.data FROM ${p}orders o JOIN ${p}codes c ON c.id = o.code_id WHERE o.order_id = ?`,
    // What the owner still holds comes first (a re-executed claim gets it back), then due codes no one
    // holds; each walks its own index in expiry order. Rows another sweeper is locking right now are
    // skipped, and the lease written after them hides the taken rows until it lapses (database clock).
    held: `
      SELECT id, expires_at, data FROM ${p}codes
      WHERE sweep_lease_owner = ? AND status = 'pending' AND sweep_lease_until > ${NOW_MS}
      ORDER BY expires_at, id
      LIMIT ?
      FOR UPDATE SKIP LOCKED`,
    due: `
      SELECT id, expires_at, data FROM ${p}codes
      WHERE status = 'pending' AND expires_at <= ?
        AND (sweep_lease_until IS NULL OR sweep_lease_until <= ${NOW_MS})
      ORDER BY expires_at, id
      LIMIT ?
      FOR UPDATE SKIP LOCKED`,
    lease: `UPDATE ${p}codes SET sweep_lease_until = ${NOW_MS} + ?, sweep_lease_owner = ? WHERE id IN (?)`,
  };
}

/** The statements of the key and counter operations for tables named `<p>…`. */
export function keyStatements(
  p: string,
): Record<
  | 'onceLock'
  | 'onceInsert'
  | 'onceRevive'
  | 'putValue'
  | 'getValue'
  | 'valueLock'
  | 'valueDelete'
  | 'valueTake'
  | 'deleteKeys'
  | 'deleteCounter'
  | 'counterLock'
  | 'counterInsert'
  | 'counterUpdate'
  | 'counterRead'
  | 'purgeKeys'
  | 'purgeCounters'
  | 'purgeSomeKeys'
  | 'purgeSomeCounters',
  string
> {
  return {
    onceLock: `SELECT owner, expires_at <= ${NOW_MS} AS expired FROM ${p}keys WHERE kind = 'once' AND \`key\` = ? FOR UPDATE`,
    onceInsert: `INSERT INTO ${p}keys (kind, \`key\`, value, expires_at, owner) VALUES ('once', ?, NULL, ${NOW_MS} + ?, ?)`,
    onceRevive: `UPDATE ${p}keys SET expires_at = ${NOW_MS} + ?, owner = ? WHERE kind = 'once' AND \`key\` = ?`,
    putValue: `
      INSERT INTO ${p}keys (kind, \`key\`, value, expires_at, owner) VALUES ('value', ?, ?, ${NOW_MS} + ?, NULL)
      ON DUPLICATE KEY UPDATE value = ?, expires_at = ${NOW_MS} + ?, owner = NULL`,
    // A value row with an owner is a tombstone: taken by that owner, kept until its former expiry.
    getValue: `
      SELECT value FROM ${p}keys
      WHERE kind = 'value' AND \`key\` = ? AND owner IS NULL AND expires_at > ${NOW_MS}`,
    valueLock: `
      SELECT value, owner, expires_at > ${NOW_MS} AS live FROM ${p}keys
      WHERE kind = 'value' AND \`key\` = ? FOR UPDATE`,
    valueDelete: `DELETE FROM ${p}keys WHERE kind = 'value' AND \`key\` = ?`,
    valueTake: `UPDATE ${p}keys SET owner = ? WHERE kind = 'value' AND \`key\` = ?`,
    deleteKeys: `DELETE FROM ${p}keys WHERE kind IN ('once', 'value') AND \`key\` = ?`,
    deleteCounter: `DELETE FROM ${p}counters WHERE \`key\` = ?`,
    counterLock: `
      SELECT \`count\`, reset_at, counted, hit_id, reset_at <= ${NOW_MS} AS lapsed FROM ${p}counters
      WHERE \`key\` = ? FOR UPDATE`,
    counterInsert: `
      INSERT INTO ${p}counters (\`key\`, \`count\`, reset_at, counted, hit_id) VALUES (?, 1, ${NOW_MS} + ?, 1, ?)`,
    // Values: count, window (or NULL to keep the window), counted, hit_id, key.
    counterUpdate: `
      UPDATE ${p}counters SET \`count\` = ?, reset_at = COALESCE(${NOW_MS} + ?, reset_at), counted = ?, hit_id = ?
      WHERE \`key\` = ?`,
    counterRead: `SELECT \`count\`, reset_at, counted FROM ${p}counters WHERE \`key\` = ?`,
    purgeKeys: `DELETE FROM ${p}keys WHERE expires_at <= ${NOW_MS}`,
    purgeCounters: `DELETE FROM ${p}counters WHERE reset_at <= ${NOW_MS}`,
    // Bounded purges take the rows that expired first. A DELETE takes no index hint, and on a table
    // of expired rows the optimizer would scan and sort all of them for `ORDER BY … LIMIT`: the rows
    // are picked by a derived table that walks the expiry index and stops at the limit (value), then
    // deleted by primary key.
    purgeSomeKeys: `
      DELETE k FROM ${p}keys k
      JOIN (SELECT kind, \`key\` FROM ${p}keys FORCE INDEX (keys_expiry_idx)
            WHERE expires_at <= ${NOW_MS} ORDER BY expires_at LIMIT ?) d
        ON d.kind = k.kind AND d.\`key\` = k.\`key\``,
    purgeSomeCounters: `
      DELETE c FROM ${p}counters c
      JOIN (SELECT \`key\` FROM ${p}counters FORCE INDEX (counters_reset_idx)
            WHERE reset_at <= ${NOW_MS} ORDER BY reset_at LIMIT ?) d
        ON d.\`key\` = c.\`key\``,
  };
}
