import type { EventDeliveryState, OutboxEvent } from '../../../../model/events.js';
import {
  checkClaimEvents,
  checkDate,
  checkEntry,
  checkEventState,
  checkKey,
  checkRecordBatch,
  checkSettleEvent,
  encodeEventCursor,
  resolveEventFilter,
} from '../../../_memory/args.js';
import type { CashCodeStore } from '../../../contract.js';
import { deserializeEntry, deserializeEvent, serializeEntry } from '../../../contract.js';
import type { MysqlAccess, MysqlRow } from './query.js';
import { insertRecords } from './sql.js';

/** The lifecycle-log and outbox operations of the MySQL store; each is one statement or one transaction. */
export type MysqlRecords = Pick<
  CashCodeStore,
  | 'appendLog'
  | 'readLog'
  | 'appendRecords'
  | 'claimEvents'
  | 'settleEvent'
  | 'listEvents'
  | 'countEvents'
  | 'redriveEvent'
>;

const EVENT_COLUMNS = 'seq, state, attempts, next_attempt_at, last_error, event';

const toOutbox = (row: MysqlRow): OutboxEvent => ({
  event: deserializeEvent(String(row.event)),
  state: row.state as EventDeliveryState,
  attempts: Number(row.attempts),
  nextAttemptAt: new Date(Number(row.next_attempt_at)),
  lastError: row.last_error === null ? null : String(row.last_error),
});

/** The statements of the log and outbox operations for tables named `<p>…`. */
function recordStatements(
  p: string,
): Record<'append' | 'read' | 'lockCodes' | 'claim' | 'lease' | 'settleLock' | 'settle' | 'count' | 'redrive', string> {
  return {
    // The unique (subject, entry_id) key makes a re-executed append a no-op; NULL ids never collide.
    append: `INSERT INTO ${p}log (subject, entry_id, entry) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE seq = seq`,
    read: `SELECT entry FROM ${p}log WHERE subject = ? ORDER BY seq`,
    // Events of one code must get their outbox numbers in commit order (claimEvents hands a code's
    // events out by number): lock the codes the events are about, as their commits do, first.
    lockCodes: `SELECT id FROM ${p}codes WHERE id IN (?) ORDER BY id FOR UPDATE`,
    // Due heads of streams: pending events in outbox order (the (state, seq) index), due by the
    // caller's clock, head by the absence of an older pending event of the same stream (the (stream,
    // state, seq) index; a dead or delivered one does not hold the stream back). Heads another worker
    // is claiming right now are skipped; a live lease of the same owner is taken again.
    claim: `
      SELECT ${EVENT_COLUMNS} FROM ${p}events e FORCE INDEX (events_state_idx)
      WHERE e.state = 'pending' AND e.next_attempt_at <= ?
        AND (e.lease_until IS NULL OR e.lease_until <= ? OR e.lease_owner = ?)
        AND NOT EXISTS (
          SELECT 1 FROM ${p}events o WHERE o.stream = e.stream AND o.state = 'pending' AND o.seq < e.seq)
      ORDER BY e.seq
      LIMIT ?
      FOR UPDATE SKIP LOCKED`,
    lease: `UPDATE ${p}events SET lease_owner = ?, lease_until = ? WHERE seq IN (?)`,
    settleLock: `SELECT state, attempts, lease_owner, lease_until FROM ${p}events WHERE id = ? FOR UPDATE`,
    // Values: state, attempts, last_error, next_attempt_at (NULL keeps it), id.
    settle: `
      UPDATE ${p}events
      SET state = ?, attempts = ?, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at), lease_until = NULL
      WHERE id = ?`,
    count: `SELECT COUNT(*) AS n FROM ${p}events WHERE state = ?`,
    redrive: `
      UPDATE ${p}events
      SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL
      WHERE id = ? AND state = 'dead'`,
  };
}

/** Create the log and outbox operations over `db` for tables named `<prefix>…`. */
export function createMysqlRecords(db: MysqlAccess, prefix: string): MysqlRecords {
  const sql = recordStatements(prefix);

  return {
    async appendLog(entry) {
      checkEntry(entry);
      await db.exec(sql.append, [entry.subject, entry.id ?? null, serializeEntry(entry)]);
    },

    async appendRecords(batch) {
      const { entries, events } = checkRecordBatch(batch);
      if (entries.length === 0 && events.length === 0) return;
      const codeIds = [...new Set(events.map((event) => event.codeId).filter((id) => id !== null))];
      await db.transact(async (tx) => {
        if (codeIds.length > 0) await tx.query(sql.lockCodes, [codeIds]);
        await insertRecords(tx, prefix, entries, events);
      });
    },

    async readLog(subject) {
      checkKey(subject, 'readLog', 'subject');
      const rows = await db.query(sql.read, [subject]);
      return rows.map((row) => deserializeEntry(String(row.entry)));
    },

    async claimEvents(options) {
      const { now, owner, leaseMs, limit } = checkClaimEvents(options);
      const at = now.getTime();
      const rows = await db.transact(async (tx) => {
        const due = await tx.query(sql.claim, [at, at, owner, limit]);
        if (due.length > 0) await tx.exec(sql.lease, [owner, at + leaseMs, due.map((row) => Number(row.seq))]);
        return due;
      });
      return rows.map(toOutbox);
    },

    // A settlement counts only for the lease's owner at the attempt it was handed; a settlement already
    // recorded by that owner (a re-execution) answers true and changes nothing.
    async settleEvent(options) {
      const { id, owner, attempt, outcome } = checkSettleEvent(options);
      return db.transact(async (tx) => {
        const row = (await tx.query(sql.settleLock, [id]))[0];
        if (row === undefined || row.lease_owner !== owner) return false;
        const attempts = Number(row.attempts);
        if (row.state === 'pending' && attempts === attempt) {
          const values = outcome.delivered
            ? ['delivered', attempt + 1, null, null, id]
            : [outcome.dead ? 'dead' : 'pending', attempt + 1, outcome.error, outcome.nextAttemptAt.getTime(), id];
          await tx.exec(sql.settle, values);
          return true;
        }
        return outcome.delivered
          ? row.state === 'delivered'
          : attempts === attempt + 1 && (row.lease_until === null || row.lease_until === undefined);
      });
    },

    async listEvents(filter) {
      const { state, codeId, limit, afterSeq } = resolveEventFilter(filter);
      const where: string[] = [];
      const values: unknown[] = [];
      if (afterSeq !== null) {
        where.push('seq > ?');
        values.push(afterSeq);
      }
      if (state !== null) {
        where.push('state = ?');
        values.push(state);
      }
      if (codeId !== null) {
        where.push('code_id = ?');
        values.push(codeId);
      }
      const rows = await db.query(
        `SELECT ${EVENT_COLUMNS} FROM ${prefix}events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY seq LIMIT ?`,
        [...values, limit + 1],
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        events: page.map(toOutbox),
        nextCursor: rows.length > limit && last !== undefined ? encodeEventCursor(Number(last.seq)) : null,
      };
    },

    async countEvents(state) {
      const rows = await db.query(sql.count, [checkEventState(state, 'countEvents')]);
      return Number(rows[0]!.n);
    },

    async redriveEvent(id, nextAttemptAt) {
      checkKey(id, 'redriveEvent', 'id');
      const at = checkDate(nextAttemptAt, 'redriveEvent', 'nextAttemptAt');
      return (await db.exec(sql.redrive, [at.getTime(), id])).affectedRows === 1;
    },
  };
}
