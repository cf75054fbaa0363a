import type { LifecycleEntry } from '../../../../model/code.js';
import type { CodeEvent, OutboxEvent } from '../../../../model/events.js';
import type { RecordBatch } from '../../../contract.js';
import { deserializeEvent, serializeEntry, serializeEvent } from '../../../contract.js';

// How entries and events travel to the scripts (the `writeRecords` Lua helper reads them back) and how
// outbox rows come back.

/** The stream an event is ordered in: its code, or the event alone when it has no code. */
export function streamOf(event: CodeEvent): string {
  return event.codeId === null ? `e:${event.id}` : `c:${event.codeId}`;
}

/**
 * ARGV of a batch: entry count, then subject, id ('' if none), JSON per entry; event count, then id,
 * stream, code id ('' if none), JSON, first attempt (ms) per event. An event is due at its own instant.
 */
export function recordArgs(batch: RecordBatch): string[] {
  const args = [String(batch.entries.length)];
  for (const entry of batch.entries as readonly LifecycleEntry[]) {
    args.push(entry.subject, entry.id ?? '', serializeEntry(entry));
  }
  args.push(String(batch.events.length));
  for (const event of batch.events) {
    args.push(event.id, streamOf(event), event.codeId ?? '', serializeEvent(event), String(event.at.getTime()));
  }
  return args;
}

/**
 * Fields of an outbox row as the scripts return them: doc, state, attempts, next (ms), error, seq. The
 * stored error is `''` for none and `'!' + message` otherwise, so an empty message survives.
 */
const ROW_FIELDS = 6;

/** An outbox row with its outbox sequence number (for listing cursors). */
export interface OutboxRow {
  seq: number;
  row: OutboxEvent;
}

/** Decode rows returned flat by a script (`ROW_FIELDS` values each, starting at `from`). */
export function outboxRows(reply: readonly unknown[], from = 0): OutboxRow[] {
  const rows: OutboxRow[] = [];
  for (let at = from; at + ROW_FIELDS <= reply.length; at += ROW_FIELDS) {
    const [doc, state, attempts, next, error, seq] = reply.slice(at, at + ROW_FIELDS) as string[];
    const row: OutboxEvent = {
      event: deserializeEvent(doc!),
      state: state as OutboxEvent['state'],
      attempts: Number(attempts),
      nextAttemptAt: new Date(Number(next)),
      lastError: error === '' || error === undefined ? null : error.slice(1),
    };
    rows.push({ seq: Number(seq), row });
  }
  return rows;
}
