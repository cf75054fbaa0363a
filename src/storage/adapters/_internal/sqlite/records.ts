import type { LifecycleEntry } from '../../../../model/code.js';
import type { CodeEvent, EventDeliveryState, OutboxEvent } from '../../../../model/events.js';
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
import type {
  ClaimEventsOptions,
  EventPage,
  ListEventsFilter,
  LogPage,
  LogPageOptions,
  RecordBatch,
  SettleEventOptions,
} from '../../../contract.js';
import { deserializeEntry, deserializeEvent, serializeEntry, serializeEvent } from '../../../contract.js';
import type { SqliteDatabase } from './schema.js';

/** The lifecycle log and event outbox of the SQLite store (synchronous). */
export interface SqliteRecords {
  /**
   * Append entries and add events, skipping ids already stored. Runs no transaction of its own: the
   * code table calls it inside the claim's or commit's transaction, which is the atomic commit.
   */
  write(batch: RecordBatch): void;
  appendLog(entry: LifecycleEntry): void;
  appendRecords(batch: RecordBatch): void;
  readLog(subject: string): LifecycleEntry[];
  readLogPage(subject: string, options: LogPageOptions): LogPage;
  claimEvents(options: ClaimEventsOptions): OutboxEvent[];
  settleEvent(options: SettleEventOptions): boolean;
  listEvents(filter?: ListEventsFilter): EventPage;
  countEvents(state: EventDeliveryState): number;
  redriveEvent(id: string, nextAttemptAt: Date): boolean;
}

interface EventRow {
  seq: number;
  state: EventDeliveryState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  event: string;
}

const EVENT_COLUMNS = 'seq, state, attempts, next_attempt_at, last_error, event';

const toOutbox = (row: EventRow): OutboxEvent => ({
  event: deserializeEvent(row.event),
  state: row.state,
  attempts: row.attempts,
  nextAttemptAt: new Date(row.next_attempt_at),
  lastError: row.last_error,
});

/** Events of one code are delivered in order; an event without a code is a stream of its own. */
const streamOf = (event: CodeEvent): string => (event.codeId === null ? `event:${event.id}` : `code:${event.codeId}`);

interface LogRow {
  seq: number;
  entry: string;
}

interface LogPageParams {
  subject: string;
  before?: number;
  limit: number;
}

/**
 * One page of a subject's log, newest first, from the (subject, seq) index: `@before` (with `older`)
 * is the sequence number the page ends just before. Parameters `@subject`, `@before`, `@limit`.
 */
export const logPageSql = (p: string, older: boolean): string =>
  `SELECT seq, entry FROM ${p}log INDEXED BY ${p}log_subject_idx
   WHERE subject = @subject${older ? ' AND seq < @before' : ''} ORDER BY seq DESC LIMIT @limit`;

/** Create the log and outbox operations for tables named `<prefix>…`. */
export function createSqliteRecords(db: SqliteDatabase, prefix: string): SqliteRecords {
  const p = prefix;
  // The unique (subject, entry_id) index makes a re-executed append a no-op; NULL ids never collide.
  const append = db.prepare(
    `INSERT INTO ${p}log (subject, entry_id, entry) VALUES (?, ?, ?) ON CONFLICT (subject, entry_id) DO NOTHING`,
  );
  const readLog = db.prepare<[string], { entry: string }>(`SELECT entry FROM ${p}log WHERE subject = ? ORDER BY seq`);
  const newest = db.prepare<[LogPageParams], LogRow>(logPageSql(p, false));
  const older = db.prepare<[LogPageParams], LogRow>(logPageSql(p, true));
  const addEvent = db.prepare(
    `INSERT INTO ${p}events (id, code_id, stream, state, attempts, next_attempt_at, event)
     VALUES (?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  // Due heads of streams, from the partial indexes on pending events only: due by next_attempt_at,
  // head by the absence of an older pending event of the same stream (a dead or delivered one does
  // not hold the stream back). The cost follows the pending events, never the whole outbox.
  const claim = db.prepare<[{ now: number; owner: string; until: number; limit: number }], EventRow>(
    `UPDATE ${p}events SET lease_owner = @owner, lease_until = @until
     WHERE seq IN (
       SELECT e.seq FROM ${p}events e
       WHERE e.state = 'pending' AND e.next_attempt_at <= @now
         AND (e.lease_until IS NULL OR e.lease_until <= @now OR e.lease_owner = @owner)
         AND NOT EXISTS (
           SELECT 1 FROM ${p}events o WHERE o.stream = e.stream AND o.state = 'pending' AND o.seq < e.seq)
       ORDER BY e.seq LIMIT @limit)
     RETURNING ${EVENT_COLUMNS}`,
  );
  const settleRow = db.prepare<
    [string],
    { state: string; attempts: number; lease_owner: string | null; lease_until: number | null }
  >(`SELECT state, attempts, lease_owner, lease_until FROM ${p}events WHERE id = ?`);
  const delivered = db.prepare(
    `UPDATE ${p}events SET state = 'delivered', attempts = ?, last_error = NULL, lease_until = NULL WHERE id = ?`,
  );
  const failed = db.prepare(
    `UPDATE ${p}events SET state = ?, attempts = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL
     WHERE id = ?`,
  );
  const list = db.prepare<
    [{ after: number | null; state: string | null; code: string | null; limit: number }],
    EventRow
  >(
    `SELECT ${EVENT_COLUMNS} FROM ${p}events
     WHERE (@after IS NULL OR seq > @after) AND (@state IS NULL OR state = @state) AND (@code IS NULL OR code_id = @code)
     ORDER BY seq LIMIT @limit`,
  );
  const count = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${p}events WHERE state = ?`);
  const redrive = db.prepare(
    `UPDATE ${p}events SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL
     WHERE id = ? AND state = 'dead'`,
  );

  function write(batch: RecordBatch): void {
    for (const entry of batch.entries) append.run(entry.subject, entry.id ?? null, serializeEntry(entry));
    for (const event of batch.events) {
      addEvent.run(event.id, event.codeId, streamOf(event), event.at.getTime(), serializeEvent(event));
    }
  }

  const writeAlone = db.transaction(write);
  const claimAll = db.transaction((options: ClaimEventsOptions): OutboxEvent[] => {
    const now = options.now.getTime();
    const rows = claim.all({ now, owner: options.owner, until: now + options.leaseMs, limit: options.limit });
    // RETURNING has no order: hand the events out oldest first.
    return rows.sort((a, b) => a.seq - b.seq).map(toOutbox);
  });

  // The same decisions as the memory store: a settlement counts only for the lease's owner at the
  // attempt it was handed; a replay of a settlement already recorded answers true again.
  const settle = db.transaction((options: SettleEventOptions): boolean => {
    const { id, owner, attempt, outcome } = options;
    const row = settleRow.get(id);
    if (row === undefined || row.lease_owner !== owner) return false;
    if (outcome.delivered) {
      if (row.state === 'delivered') return true;
      if (row.state !== 'pending' || row.attempts !== attempt) return false;
      delivered.run(attempt + 1, id);
      return true;
    }
    if (row.attempts === attempt + 1 && row.lease_until === null) return true;
    if (row.state !== 'pending' || row.attempts !== attempt) return false;
    const state = outcome.dead ? 'dead' : 'pending';
    failed.run(state, attempt + 1, outcome.error, outcome.nextAttemptAt.getTime(), id);
    return true;
  });
  const redriveOne = db.transaction((id: string, at: number): boolean => redrive.run(at, id).changes === 1);

  return {
    write,
    appendLog(entry) {
      checkEntry(entry);
      writeAlone.immediate({ entries: [entry], events: [] });
    },
    appendRecords(batch) {
      writeAlone.immediate(checkRecordBatch(batch));
    },
    readLog(subject) {
      checkKey(subject, 'readLog', 'subject');
      return readLog.all(subject).map((row) => deserializeEntry(row.entry));
    },
    readLogPage(subject, options) {
      const { limit, before } = checkLogPage('sqlite', subject, options);
      const rows =
        before === null ? newest.all({ subject, limit: limit + 1 }) : older.all({ subject, before, limit: limit + 1 });
      const page = rows.slice(0, limit).reverse();
      const first = page[0];
      return {
        entries: page.map((row) => deserializeEntry(row.entry)),
        nextCursor: rows.length > limit && first !== undefined ? encodeLogCursor('sqlite', subject, first.seq) : null,
      };
    },
    claimEvents: (options) => claimAll.immediate(checkClaimEvents(options)),
    settleEvent: (options) => settle.immediate(checkSettleEvent(options)),
    listEvents(filter) {
      const { state, codeId, limit, afterSeq } = resolveEventFilter(filter);
      const rows = list.all({ after: afterSeq, state, code: codeId, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        events: page.map(toOutbox),
        nextCursor: rows.length > limit && last !== undefined ? encodeEventCursor(last.seq) : null,
      };
    },
    countEvents: (state) => count.get(checkEventState(state, 'countEvents'))!.n,
    redriveEvent(id, nextAttemptAt) {
      checkKey(id, 'redriveEvent', 'id');
      return redriveOne.immediate(id, checkDate(nextAttemptAt, 'redriveEvent', 'nextAttemptAt').getTime());
    },
  };
}
