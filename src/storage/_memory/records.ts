import type { LifecycleEntry } from '../../model/code.js';
import type { CodeEvent, OutboxEvent } from '../../model/events.js';
import type {
  ClaimEventsOptions,
  EventPage,
  ListEventsFilter,
  LogPage,
  LogPageOptions,
  RecordBatch,
  SettleEventOptions,
} from '../contract.js';
import { checkClaimEvents, checkSettleEvent, encodeEventCursor, resolveEventFilter } from './args.js';
import { sliceLogPage } from './log-page.js';
import { createSortedSet, type IndexMeter, type SortedSet } from './sorted.js';

/**
 * The lifecycle logs and the event outbox of the memory store.
 *
 * `write` is synchronous and cannot fail once its batch was checked, so the code table calls it in the
 * same tick as the code change it belongs to: that is the memory store's atomic commit.
 */
export interface MemoryRecords {
  /** Append the entries and add the events, skipping ids already held. */
  write(batch: RecordBatch): void;
  readLog(subject: string): LifecycleEntry[];
  /** One page of a log, newest page first (see `CashCodeStore.readLogPage`). */
  readLogPage(subject: string, options: LogPageOptions): LogPage;
  /** Drop the log of `codeId` and its delivered events (pending and dead ones stay); what went. */
  forget(codeId: string): { logEntries: number; events: number };
  claimEvents(options: ClaimEventsOptions): OutboxEvent[];
  settleEvent(options: SettleEventOptions): boolean;
  listEvents(filter?: ListEventsFilter): EventPage;
  countEvents(state: OutboxEvent['state']): number;
  redriveEvent(id: string, nextAttemptAt: Date): boolean;
  sizes(): { logSubjects: number; logEntries: number; events: number };
}

interface Slot {
  seq: number;
  /** Events of one stream (a code, else the event itself) are handed out in outbox order. */
  stream: string;
  record: OutboxEvent;
  leaseOwner: string | null;
  leaseUntil: number;
}

const streamOf = (event: CodeEvent): string => (event.codeId === null ? `event:${event.id}` : `code:${event.codeId}`);

/**
 * Create the log and outbox tables; `store` names the store in log cursors. `meter`, when given,
 * counts the work of the outbox's ordered indexes.
 */
export function createRecords(store = 'memory', meter?: IndexMeter): MemoryRecords {
  const logs = new Map<string, LifecycleEntry[]>();
  const entryIds = new Map<string, Set<string>>();
  let logEntries = 0;
  const events = new Map<string, Slot>();
  // Event ids per code, in outbox order: listing or pruning one code's events never walks the outbox.
  const byCode = new Map<string, Set<string>>();
  // Pending events by seq (Map keeps insertion order, and seq only grows), and per stream in order.
  const pending = new Map<string, Slot>();
  const streams = new Map<string, string[]>();
  // Seqs of every event and of each state's, ordered: a `listEvents` page (resumed from its cursor,
  // filtered by state or not) walks only the events it returns, never the outbox before them. The
  // state sets' sizes are the `countEvents` counts.
  const bySeq = new Map<number, Slot>();
  const bySeqOrder = (a: number, b: number): number => a - b;
  const allSeqs = createSortedSet<number>(bySeqOrder, meter);
  const stateSeqs: Record<OutboxEvent['state'], SortedSet<number>> = {
    pending: createSortedSet<number>(bySeqOrder, meter),
    delivered: createSortedSet<number>(bySeqOrder, meter),
    dead: createSortedSet<number>(bySeqOrder, meter),
  };
  let seq = 0;

  function leavePending(slot: Slot): void {
    pending.delete(slot.record.event.id);
    const queue = streams.get(slot.stream);
    if (queue === undefined) return;
    const at = queue.indexOf(slot.record.event.id);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) streams.delete(slot.stream);
  }

  function enterPending(slot: Slot): void {
    // A new event: the newest of the outbox and of its stream.
    pending.set(slot.record.event.id, slot);
    const queue = streams.get(slot.stream);
    if (queue === undefined) streams.set(slot.stream, [slot.record.event.id]);
    else queue.push(slot.record.event.id);
  }

  function reenterPending(slot: Slot): void {
    // A re-driven event takes its outbox place back: it is again the oldest undelivered event of its
    // code, and claimEvents hands events out oldest first. Appending it would put it behind newer
    // events of its code. Re-drives are rare, so rebuilding in seq order is affordable.
    const ordered = [...pending.values(), slot].sort((a, b) => a.seq - b.seq);
    pending.clear();
    for (const entry of ordered) pending.set(entry.record.event.id, entry);
    const queue = [...(streams.get(slot.stream) ?? []), slot.record.event.id];
    streams.set(
      slot.stream,
      queue.sort((a, b) => events.get(a)!.seq - events.get(b)!.seq),
    );
  }

  function setState(slot: Slot, state: OutboxEvent['state']): void {
    stateSeqs[slot.record.state].delete(slot.seq);
    slot.record.state = state;
    stateSeqs[state].add(slot.seq);
  }

  const copy = (slot: Slot): OutboxEvent => structuredClone(slot.record);

  return {
    write(batch) {
      for (const entry of batch.entries) {
        const ids = entryIds.get(entry.subject);
        if (entry.id !== undefined && ids?.has(entry.id)) continue;
        const stored = structuredClone(entry);
        const log = logs.get(stored.subject);
        if (log === undefined) logs.set(stored.subject, [stored]);
        else log.push(stored);
        if (entry.id !== undefined) {
          if (ids === undefined) entryIds.set(entry.subject, new Set([entry.id]));
          else ids.add(entry.id);
        }
        logEntries += 1;
      }
      for (const event of batch.events) {
        if (events.has(event.id)) continue;
        seq += 1;
        const stored = structuredClone(event);
        // Due from its own instant; a copy, so the caller's Date never moves the stored one.
        const nextAttemptAt = new Date(stored.at.getTime());
        const slot: Slot = {
          seq,
          stream: streamOf(event),
          record: { event: stored, state: 'pending', attempts: 0, nextAttemptAt, lastError: null },
          leaseOwner: null,
          leaseUntil: 0,
        };
        events.set(event.id, slot);
        bySeq.set(seq, slot);
        allSeqs.add(seq);
        stateSeqs.pending.add(seq);
        if (event.codeId !== null) {
          const mine = byCode.get(event.codeId);
          if (mine === undefined) byCode.set(event.codeId, new Set([event.id]));
          else mine.add(event.id);
        }
        enterPending(slot);
      }
    },

    readLog: (subject) => (logs.get(subject) ?? []).map((entry) => structuredClone(entry)),

    readLogPage(subject, options) {
      const page = sliceLogPage(store, subject, logs.get(subject) ?? [], options);
      return { ...page, entries: page.entries.map((entry) => structuredClone(entry)) };
    },

    forget(codeId) {
      const log = logs.get(codeId);
      logs.delete(codeId);
      entryIds.delete(codeId);
      logEntries -= log?.length ?? 0;
      let dropped = 0;
      const mine = byCode.get(codeId);
      for (const id of mine ?? []) {
        const slot = events.get(id);
        if (slot === undefined || slot.record.state !== 'delivered') continue;
        events.delete(id);
        bySeq.delete(slot.seq);
        allSeqs.delete(slot.seq);
        stateSeqs.delivered.delete(slot.seq);
        mine!.delete(id);
        dropped += 1;
      }
      if (mine?.size === 0) byCode.delete(codeId);
      return { logEntries: log?.length ?? 0, events: dropped };
    },

    claimEvents(options) {
      const { limit, leaseMs, owner, now } = checkClaimEvents(options);
      const clock = now.getTime();
      const taken: Slot[] = [];
      for (const slot of pending.values()) {
        if (taken.length === limit) break;
        if (streams.get(slot.stream)?.[0] !== slot.record.event.id) continue;
        if (slot.record.nextAttemptAt.getTime() > clock) continue;
        if (slot.leaseUntil > clock && slot.leaseOwner !== owner) continue;
        taken.push(slot);
      }
      for (const slot of taken) {
        slot.leaseOwner = owner;
        slot.leaseUntil = clock + leaseMs;
      }
      return taken.map(copy);
    },

    settleEvent(options) {
      const { id, owner, attempt, outcome } = checkSettleEvent(options);
      const slot = events.get(id);
      if (slot === undefined || slot.leaseOwner !== owner) return false;
      const record = slot.record;
      if (outcome.delivered) {
        if (record.state === 'delivered') return true;
        if (record.state !== 'pending' || record.attempts !== attempt) return false;
        setState(slot, 'delivered');
        record.attempts = attempt + 1;
        record.lastError = null;
        leavePending(slot);
      } else {
        if (record.attempts === attempt + 1 && slot.leaseUntil === 0) return true;
        if (record.state !== 'pending' || record.attempts !== attempt) return false;
        record.attempts = attempt + 1;
        record.lastError = outcome.error;
        record.nextAttemptAt = new Date(outcome.nextAttemptAt.getTime());
        if (outcome.dead) {
          setState(slot, 'dead');
          leavePending(slot);
        }
      }
      slot.leaseUntil = 0;
      return true;
    },

    listEvents(filter) {
      const { state, codeId, limit, afterSeq } = resolveEventFilter(filter);
      const page: OutboxEvent[] = [];
      let last = 0;
      let more = false;
      // One code's events are few: walk them. Otherwise walk the ordered seqs from the cursor on.
      const slots: Iterable<Slot> =
        codeId !== null
          ? [...(byCode.get(codeId) ?? [])].map((id) => events.get(id)!)
          : (function* () {
              for (const at of (state === null ? allSeqs : stateSeqs[state]).from(afterSeq, true)) yield bySeq.get(at)!;
            })();
      for (const slot of slots) {
        if (afterSeq !== null && slot.seq <= afterSeq) continue;
        if (state !== null && slot.record.state !== state) continue;
        if (codeId !== null && slot.record.event.codeId !== codeId) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(copy(slot));
        last = slot.seq;
      }
      return { events: page, nextCursor: more ? encodeEventCursor(last) : null };
    },

    countEvents: (state) => stateSeqs[state].size,

    redriveEvent(id, nextAttemptAt) {
      const slot = events.get(id);
      if (slot === undefined || slot.record.state !== 'dead') return false;
      setState(slot, 'pending');
      slot.record.attempts = 0;
      slot.record.nextAttemptAt = new Date(nextAttemptAt.getTime());
      slot.leaseOwner = null;
      slot.leaseUntil = 0;
      reenterPending(slot);
      return true;
    },

    sizes: () => ({ logSubjects: logs.size, logEntries, events: events.size }),
  };
}
