import type { LifecycleEntry } from '../../model/code.js';
import type { CodeEvent, EventDeliveryState, OutboxEvent } from '../../model/events.js';
import type { CashCodeStore, ClaimEventsOptions } from '../../storage/contract.js';
import { expect } from './expect.js';
import { makeEntry, type SuiteContext, uniqueId } from './fixtures.js';

// Fixtures and readers for the records that travel with a change: lifecycle entries (with ids, as the
// service writes them) and outbox events.

/** A lifecycle entry with an id, as the service writes it (ids make appends safe to re-execute). */
export function entryWithId(subject: string, overrides: Partial<LifecycleEntry> = {}): LifecycleEntry {
  return makeEntry(subject, { id: uniqueId('entry'), ...overrides });
}

/** `count` entries about `subject`, each with its own id and a `n` in its data. */
export function entriesFor(subject: string, count: number, overrides: Partial<LifecycleEntry> = {}): LifecycleEntry[] {
  return Array.from({ length: count }, (_, n) => entryWithId(subject, { data: { n }, ...overrides }));
}

/**
 * An outbox event about `codeId`, due from `at` (default: a minute before the suite clock's start, so
 * it is due for `claimEvents({ now: new Date(ctx.now()) })` on any clock that only moves forward).
 */
export function makeEvent(ctx: SuiteContext, codeId: string | null, overrides: Partial<CodeEvent> = {}): CodeEvent {
  return {
    id: uniqueId('event'),
    type: 'code.paid',
    codeId,
    orderId: codeId === null ? null : uniqueId('order'),
    cip: null,
    at: new Date(ctx.now() - 60_000),
    source: 'webhook',
    data: { amountMinor: 15050, amount: '150.50', note: 'Pedido nº 42 — 💵', list: [1, 'ñ', null], ok: true },
    ...overrides,
  };
}

/** `count` events about `codeId`, in the order they are meant to be written. */
export function eventsFor(ctx: SuiteContext, codeId: string | null, count: number): CodeEvent[] {
  return Array.from({ length: count }, (_, n) => makeEvent(ctx, codeId, { data: { n } }));
}

/**
 * Every stored event about `codeId`, in outbox order, walking all pages. With `null`, the events in
 * `among` that have no code (found by walking the whole outbox).
 */
export async function eventsOf(
  store: CashCodeStore,
  codeId: string | null,
  among: readonly CodeEvent[] = [],
): Promise<OutboxEvent[]> {
  const wanted = new Set(among.map((event) => event.id));
  const found: OutboxEvent[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listEvents(codeId === null ? { cursor, limit: 1000 } : { codeId, cursor, limit: 1000 });
    found.push(...page.events.filter((record) => codeId !== null || wanted.has(record.event.id)));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return found;
}

/** The events of `codeId` as written (no delivery state): what a commit's `events` must read back as. */
export async function writtenEvents(store: CashCodeStore, codeId: string): Promise<CodeEvent[]> {
  return (await eventsOf(store, codeId)).map((record) => record.event);
}

/** Assert the delivery state of one stored event. */
export async function expectEventState(
  store: CashCodeStore,
  event: CodeEvent,
  expected: { state: EventDeliveryState; attempts?: number; lastError?: string | null },
): Promise<OutboxEvent> {
  const record = (await eventsOf(store, event.codeId, [event])).find((item) => item.event.id === event.id);
  expect(record === undefined, `event ${event.id} is not in the outbox`).toBe(false);
  expect(record).toMatchObject(expected);
  return record!;
}

/**
 * One `claimEvents` call, keeping only the events in `mine`. On a shared database other due events may
 * come out too (left over by earlier tests); they are leased to this owner and otherwise ignored, so
 * callers pass a large limit unless the limit itself is under test.
 */
export async function claimMine(
  store: CashCodeStore,
  options: ClaimEventsOptions,
  mine: readonly CodeEvent[],
): Promise<OutboxEvent[]> {
  const wanted = new Set(mine.map((event) => event.id));
  const taken = await store.claimEvents(options);
  expect(taken.length).toBeLessThanOrEqual(options.limit);
  return taken.filter((record) => wanted.has(record.event.id));
}

/** The ids of claimed events, for compact assertions. */
export const idsOf = (records: readonly OutboxEvent[]): string[] => records.map((record) => record.event.id);
