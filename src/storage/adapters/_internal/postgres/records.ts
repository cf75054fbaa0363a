import type { EventDeliveryState, OutboxEvent } from '../../../../model/events.js';
import {
  checkClaimEvents,
  checkDate,
  checkEntry,
  checkEventState,
  checkKey,
  checkLogPage,
  checkRecordBatch,
  checkSettleEvent,
  encodeEventCursor,
  encodeLogCursor,
  resolveEventFilter,
} from '../../../_memory/args.js';
import type { CashCodeStore } from '../../../contract.js';
import { deserializeEntry, deserializeEvent, serializeEntry } from '../../../contract.js';
import type { PgQuery, PgRow } from './query.js';
import { recordInserts } from './sql.js';

/** The lifecycle-log and outbox operations of the PostgreSQL store; each is one atomic statement. */
export type PgRecords = Required<Pick<CashCodeStore, 'readLogPage'>> &
  Pick<
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

/** Above every `bigint` identity value: the cursor of the newest page. */
const LAST_SEQ = '9223372036854775807';

const EVENT_COLUMNS = 'seq, state, attempts, next_attempt_at, last_error, event::text AS event';

const toOutbox = (row: PgRow): OutboxEvent => ({
  event: deserializeEvent(row.event as string),
  state: row.state as EventDeliveryState,
  attempts: row.attempts as number,
  nextAttemptAt: new Date((row.next_attempt_at as Date).getTime()),
  lastError: row.last_error as string | null,
});

/** The statements of the log and outbox operations for tables named `<p>…`. */
export function recordStatements(
  p: string,
): Record<'append' | 'read' | 'logPage' | 'appendRecords' | 'claim' | 'settle' | 'list' | 'count' | 'redrive', string> {
  return {
    // The unique (subject, entry_id) index makes a re-executed append a no-op; NULL ids never collide.
    append: `
      INSERT INTO ${p}log (subject, entry_id, entry) VALUES ($1, $2::text, $3::jsonb)
      ON CONFLICT (subject, entry_id) DO NOTHING`,
    read: `SELECT entry::text AS entry FROM ${p}log WHERE subject = $1 ORDER BY seq`,
    // A page walks `log_subject_idx (subject, seq)` backwards from the cursor ($2, exclusive): its cost
    // is the page, not the log. One row more than the page tells whether older entries exist.
    logPage: `
      SELECT seq, entry::text AS entry FROM ${p}log
      WHERE subject = $1 AND seq < $2::bigint
      ORDER BY seq DESC
      LIMIT $3::integer`,
    // Events of one code must get their outbox numbers in commit order (claimEvents hands a code's
    // events out by number): lock the codes the events are about, as their commits do, before the
    // identity values are drawn. `locked` always has one row, so every insert runs.
    appendRecords: `
      WITH lock AS (
        SELECT id FROM ${p}codes
        WHERE id IN (SELECT x.e->>'codeId' FROM jsonb_array_elements($2::jsonb) AS x(e))
        ORDER BY id
        FOR NO KEY UPDATE
      ),
      locked AS (SELECT count(*) FROM lock),${recordInserts(p, 'locked', '$1', '$2')}
      SELECT 1`,
    // Due heads of streams, from the partial indexes on pending events only: due by next_attempt_at
    // ($1, the caller's clock), head by the absence of an older pending event of the same stream (a
    // dead or delivered one does not hold the stream back). Heads another worker is claiming right now
    // are skipped, and the lease hides the taken events from other owners until it lapses. A live
    // lease of the same owner ($2) is taken again, so a re-executed claim gets its events back.
    claim: `
      WITH due AS (
        SELECT e.seq FROM ${p}events e
        WHERE e.state = 'pending' AND e.next_attempt_at <= $1::timestamptz
          AND (e.lease_until IS NULL OR e.lease_until <= $1::timestamptz OR e.lease_owner = $2::text)
          AND NOT EXISTS (
            SELECT 1 FROM ${p}events o WHERE o.stream = e.stream AND o.state = 'pending' AND o.seq < e.seq)
        ORDER BY e.seq
        LIMIT $4::bigint
        FOR UPDATE OF e SKIP LOCKED
      )
      UPDATE ${p}events e
      SET lease_owner = $2::text, lease_until = $1::timestamptz + $3::float8 * interval '1 millisecond'
      FROM due WHERE e.seq = due.seq
      RETURNING e.seq, e.state, e.attempts, e.next_attempt_at, e.last_error, e.event::text AS event`,
    // A settlement counts only for the lease's owner ($2) at the attempt it was handed ($3); `upd`
    // records it, and the second branch recognises a settlement already recorded (a re-execution).
    settle: `
      WITH upd AS (
        UPDATE ${p}events SET
          state = CASE WHEN $4::boolean THEN 'delivered' WHEN $7::boolean THEN 'dead' ELSE 'pending' END,
          attempts = $3::integer + 1,
          last_error = CASE WHEN $4::boolean THEN NULL ELSE $5::text END,
          next_attempt_at = CASE WHEN $4::boolean THEN next_attempt_at ELSE $6::timestamptz END,
          lease_until = NULL
        WHERE id = $1 AND lease_owner = $2::text AND state = 'pending' AND attempts = $3::integer
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM upd) OR EXISTS (
        SELECT 1 FROM ${p}events
        WHERE id = $1 AND lease_owner = $2::text
          AND CASE WHEN $4::boolean THEN state = 'delivered'
                   ELSE attempts = $3::integer + 1 AND lease_until IS NULL END
      ) AS ok`,
    list: `
      SELECT ${EVENT_COLUMNS} FROM ${p}events
      WHERE ($1::bigint IS NULL OR seq > $1::bigint)
        AND ($2::text IS NULL OR state = $2::text)
        AND ($3::text IS NULL OR code_id = $3::text)
      ORDER BY seq
      LIMIT $4::integer`,
    count: `SELECT count(*)::integer AS n FROM ${p}events WHERE state = $1`,
    redrive: `
      UPDATE ${p}events
      SET state = 'pending', attempts = 0, next_attempt_at = $2::timestamptz, lease_owner = NULL, lease_until = NULL
      WHERE id = $1 AND state = 'dead'
      RETURNING 1`,
  };
}

/** Create the log and outbox operations over `query` for tables named `<prefix>…`. */
export function createPgRecords(query: PgQuery, prefix: string): PgRecords {
  const sql = recordStatements(prefix);

  return {
    async appendLog(entry) {
      checkEntry(entry);
      await query(sql.append, [entry.subject, entry.id ?? null, serializeEntry(entry)]);
    },

    async appendRecords(batch) {
      const { entries, events } = checkRecordBatch(batch);
      if (entries.length === 0 && events.length === 0) return;
      await query(sql.appendRecords, [JSON.stringify(entries), JSON.stringify(events)]);
    },

    async readLog(subject) {
      checkKey(subject, 'readLog', 'subject');
      const rows = await query(sql.read, [subject]);
      return rows.map((row) => deserializeEntry(row.entry as string));
    },

    async readLogPage(subject, options) {
      const page = checkLogPage('postgres', subject, options);
      const rows = await query(sql.logPage, [page.subject, page.before ?? LAST_SEQ, page.limit + 1]);
      const newest = rows.slice(0, page.limit).reverse();
      const oldest = newest[0];
      return {
        entries: newest.map((row) => deserializeEntry(row.entry as string)),
        nextCursor:
          rows.length > page.limit && oldest !== undefined
            ? encodeLogCursor('postgres', page.subject, Number(oldest.seq))
            : null,
      };
    },

    async claimEvents(options) {
      const { now, owner, leaseMs, limit } = checkClaimEvents(options);
      const rows = await query(sql.claim, [now, owner, leaseMs, limit]);
      // RETURNING has no order: hand the events out oldest first.
      return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map(toOutbox);
    },

    async settleEvent(options) {
      const { id, owner, attempt, outcome } = checkSettleEvent(options);
      const failure = outcome.delivered ? null : outcome;
      const rows = await query(sql.settle, [
        id,
        owner,
        attempt,
        outcome.delivered,
        failure?.error ?? null,
        failure?.nextAttemptAt ?? null,
        failure?.dead ?? false,
      ]);
      return rows[0]?.ok === true;
    },

    async listEvents(filter) {
      const { state, codeId, limit, afterSeq } = resolveEventFilter(filter);
      const rows = await query(sql.list, [afterSeq, state, codeId, limit + 1]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        events: page.map(toOutbox),
        nextCursor: rows.length > limit && last !== undefined ? encodeEventCursor(Number(last.seq)) : null,
      };
    },

    async countEvents(state) {
      const rows = await query(sql.count, [checkEventState(state, 'countEvents')]);
      return rows[0]!.n as number;
    },

    async redriveEvent(id, nextAttemptAt) {
      checkKey(id, 'redriveEvent', 'id');
      const at = checkDate(nextAttemptAt, 'redriveEvent', 'nextAttemptAt');
      return (await query(sql.redrive, [id, at])).length === 1;
    },
  };
}
