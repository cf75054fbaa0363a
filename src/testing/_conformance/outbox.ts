import type { CodeEvent } from '../../model/events.js';
import type { CashCodeStore, EventSettlement } from '../../storage/contract.js';
import { expect } from './expect.js';
import { expectKitError, race, type SuiteContext, uniqueId } from './fixtures.js';
import { claimMine, eventsFor, eventsOf, expectEventState, idsOf } from './records.js';

const LONG_LEASE = 60_000;
const SHORT_LEASE = 300;
const ALL = 1000;

/** Write `events` to the outbox, as a refused payment would (no code change). */
async function seed(store: CashCodeStore, events: readonly CodeEvent[]): Promise<void> {
  await store.appendRecords({ entries: [], events });
}

const delivered: EventSettlement = { delivered: true };
const failure = (nextAttemptAt: Date, dead = false): EventSettlement => ({
  delivered: false,
  error: 'onEvent threw: connection refused',
  nextAttemptAt,
  dead,
});

/**
 * The outbox: in order per code, due times, leases that lapse, attempts, the dead-letter state and
 * re-drive, counts and listing. Every claim passes the suite clock as `now`: leases and due times are
 * measured on the caller's clock, so workers on several machines agree.
 */
export function outboxTests(ctx: SuiteContext): void {
  const { it } = ctx;
  const now = (): Date => new Date(ctx.now());
  const claim = (store: CashCodeStore, owner: string, mine: readonly CodeEvent[], at = now()) =>
    claimMine(store, { limit: ALL, leaseMs: LONG_LEASE, owner, now: at }, mine);

  it('events of one code are handed out one at a time, in outbox order; a dead one does not block', async () => {
    const store = ctx.store();
    const events = eventsFor(ctx, uniqueId('code'), 3);
    await seed(store, events);
    const [first, second, third] = events as [CodeEvent, CodeEvent, CodeEvent];
    const owner = uniqueId('worker');
    expect(idsOf(await claim(store, owner, events))).toEqual([first.id]);
    // The second waits for the first, even for another worker.
    expect(await claim(store, uniqueId('worker'), events)).toEqual([]);
    expect(await store.settleEvent({ id: first.id, owner, attempt: 0, outcome: delivered })).toBe(true);
    expect(idsOf(await claim(store, owner, events))).toEqual([second.id]);
    expect(await store.settleEvent({ id: second.id, owner, attempt: 0, outcome: failure(now(), true) })).toBe(true);
    expect(idsOf(await claim(store, owner, events))).toEqual([third.id]);
    expect(await store.settleEvent({ id: third.id, owner, attempt: 0, outcome: delivered })).toBe(true);
    const states = (await eventsOf(store, first.codeId)).map((record) => [record.event.id, record.state]);
    expect(states).toEqual([
      [first.id, 'delivered'],
      [second.id, 'dead'],
      [third.id, 'delivered'],
    ]);
    expect(await claim(store, owner, events)).toEqual([]);
  });

  it('events without a code, and events of different codes, are independent of each other', async () => {
    const store = ctx.store();
    const loose = eventsFor(ctx, null, 3);
    const [a, b] = [eventsFor(ctx, uniqueId('code'), 2), eventsFor(ctx, uniqueId('code'), 2)];
    await seed(store, [a[0]!, ...loose, b[0]!, a[1]!, b[1]!]);
    const taken = await claim(store, uniqueId('worker'), [...loose, ...a, ...b]);
    // Oldest first: outbox order among the events that are due.
    expect(idsOf(taken)).toEqual([a[0]!.id, ...loose.map((event) => event.id), b[0]!.id]);
  });

  it('a failed attempt counts, stores its error and next attempt, and holds its code back until then', async () => {
    const store = ctx.store();
    const events = eventsFor(ctx, uniqueId('code'), 2);
    await seed(store, events);
    const [first] = events as [CodeEvent];
    const owner = uniqueId('worker');
    const start = now();
    expect(await claim(store, owner, events, start)).toMatchObject([{ event: first, attempts: 0 }]);
    const retryAt = new Date(start.getTime() + 30_000);
    expect(await store.settleEvent({ id: first.id, owner, attempt: 0, outcome: failure(retryAt) })).toBe(true);
    const record = await expectEventState(store, first, {
      state: 'pending',
      attempts: 1,
      lastError: 'onEvent threw: connection refused',
    });
    expect(record.nextAttemptAt.getTime()).toBe(retryAt.getTime());
    // Not due yet, and the next event of the code waits behind it.
    expect(await claim(store, uniqueId('worker'), events, new Date(retryAt.getTime() - 1))).toEqual([]);
    const again = await claim(store, uniqueId('worker'), events, retryAt);
    expect(again).toMatchObject([{ event: first, attempts: 1 }]);
  });

  it('a lease hides an event from other owners until it lapses; then the first owner cannot settle it', async () => {
    const store = ctx.store();
    const events = eventsFor(ctx, uniqueId('code'), 1);
    await seed(store, events);
    const [event] = events as [CodeEvent];
    const [first, second] = [uniqueId('worker'), uniqueId('worker')];
    const short = (owner: string) => claimMine(store, { limit: ALL, leaseMs: SHORT_LEASE, owner, now: now() }, events);
    expect(idsOf(await short(first))).toEqual([event.id]);
    expect(await short(second)).toEqual([]);
    await ctx.sleep(SHORT_LEASE + 100);
    expect(idsOf(await short(second))).toEqual([event.id]);
    // The first owner's lease lapsed and the event moved on: its late settlement changes nothing.
    expect(await store.settleEvent({ id: event.id, owner: first, attempt: 0, outcome: delivered })).toBe(false);
    await expectEventState(store, event, { state: 'pending', attempts: 0 });
    expect(await store.settleEvent({ id: event.id, owner: second, attempt: 0, outcome: delivered })).toBe(true);
    await expectEventState(store, event, { state: 'delivered' });
    expect(await store.settleEvent({ id: uniqueId('event'), owner: first, attempt: 0, outcome: delivered })).toBe(
      false,
    );
  });

  it('dead events move to dead; redriveEvent brings one back with its attempts reset', async () => {
    const store = ctx.store();
    const events = eventsFor(ctx, uniqueId('code'), 2);
    await seed(store, events);
    const [first, second] = events as [CodeEvent, CodeEvent];
    const owner = uniqueId('worker');
    await claim(store, owner, events);
    expect(await store.settleEvent({ id: first.id, owner, attempt: 0, outcome: failure(now(), true) })).toBe(true);
    await expectEventState(store, first, { state: 'dead', attempts: 1 });
    expect(await store.redriveEvent(second.id, now())).toBe(false);
    expect(await store.redriveEvent(uniqueId('event'), now())).toBe(false);
    expect(await store.redriveEvent(first.id, now())).toBe(true);
    await expectEventState(store, first, { state: 'pending', attempts: 0 });
    // Back in its outbox place: it is again the oldest undelivered event of its code.
    const worker = uniqueId('worker');
    expect(await claim(store, worker, events)).toMatchObject([{ event: first, attempts: 0 }]);
    expect(await store.settleEvent({ id: first.id, owner: worker, attempt: 0, outcome: delivered })).toBe(true);
    expect(idsOf(await claim(store, worker, events))).toEqual([second.id]);
  });

  it('countEvents counts each delivery state', async () => {
    const store = ctx.store();
    const counts = async (): Promise<number[]> =>
      Promise.all((['pending', 'delivered', 'dead'] as const).map((state) => store.countEvents(state)));
    const before = await counts();
    const events = eventsFor(ctx, null, 4);
    await seed(store, events);
    const owner = uniqueId('worker');
    expect(await claim(store, owner, events)).toHaveLength(4);
    await store.settleEvent({ id: events[0]!.id, owner, attempt: 0, outcome: delivered });
    await store.settleEvent({ id: events[1]!.id, owner, attempt: 0, outcome: failure(now(), true) });
    await store.settleEvent({ id: events[2]!.id, owner, attempt: 0, outcome: failure(now()) });
    const after = await counts();
    expect(after.map((count, index) => count - before[index]!)).toEqual([2, 1, 1]);
    await expectKitError(store.countEvents('lost' as never), 'validation_failed');
  });

  it('listEvents pages in outbox order and filters by state and code', async () => {
    const store = ctx.store();
    const codeId = uniqueId('code');
    const events = eventsFor(ctx, codeId, 7);
    await seed(store, events);
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listEvents({ codeId, limit: 3, cursor });
      pages.push(idsOf(page.events));
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(events.map((event) => event.id));
    const owner = uniqueId('worker');
    await claim(store, owner, events);
    await store.settleEvent({ id: events[0]!.id, owner, attempt: 0, outcome: delivered });
    expect(idsOf((await store.listEvents({ codeId, state: 'delivered' })).events)).toEqual([events[0]!.id]);
    expect(idsOf((await store.listEvents({ codeId, state: 'pending' })).events)).toEqual(
      events.slice(1).map((event) => event.id),
    );
    expect((await store.listEvents({ codeId, state: 'dead' })).events).toEqual([]);
    expect(await store.listEvents({ codeId: uniqueId('code') })).toEqual({ events: [], nextCursor: null });
  });

  it('listEvents, claimEvents and settleEvent reject bad arguments with validation_failed', async () => {
    const store = ctx.store();
    for (const limit of [0, -1, 1.5, 1001, Number.NaN]) {
      await expectKitError(store.listEvents({ limit }), 'validation_failed');
      await expectKitError(
        store.claimEvents({ limit, leaseMs: LONG_LEASE, owner: 'w', now: now() }),
        'validation_failed',
      );
    }
    await expectKitError(store.listEvents({ cursor: 'not-a-cursor-of-this-store' }), 'validation_failed');
    await expectKitError(store.listEvents({ state: 'lost' as never }), 'validation_failed');
    await expectKitError(store.listEvents({ codeId: '' }), 'validation_failed');
    await expectKitError(store.claimEvents({ limit: 1, leaseMs: 0, owner: 'w', now: now() }), 'validation_failed');
    await expectKitError(store.claimEvents({ limit: 1, leaseMs: 1, owner: '', now: now() }), 'validation_failed');
    await expectKitError(
      store.claimEvents({ limit: 1, leaseMs: 1, owner: 'w', now: new Date(Number.NaN) }),
      'validation_failed',
    );
    const settle = { id: uniqueId('event'), owner: 'w', attempt: 0, outcome: delivered };
    await expectKitError(store.settleEvent({ ...settle, owner: '' }), 'validation_failed');
    await expectKitError(store.settleEvent({ ...settle, attempt: -1 }), 'validation_failed');
    await expectKitError(store.settleEvent({ ...settle, outcome: { delivered: false } as never }), 'validation_failed');
    await expectKitError(store.redriveEvent(settle.id, new Date(Number.NaN)), 'validation_failed');
  });

  it('concurrent claimEvents callers: every event is taken by exactly one owner', async () => {
    const store = ctx.store();
    // Half the events have no code, half have one code each: both kinds are independent.
    const count = ctx.concurrency;
    const events = Array.from(
      { length: count },
      (_, index) => eventsFor(ctx, index % 2 === 0 ? null : uniqueId('code'), 1)[0]!,
    );
    await seed(store, events);
    const takenBy = new Map<string, string[]>();
    const record = (owner: string, taken: readonly { event: CodeEvent }[]): void => {
      for (const { event } of taken) takenBy.set(event.id, [...(takenBy.get(event.id) ?? []), owner]);
    };
    const owners = Array.from({ length: ctx.concurrency }, () => uniqueId('worker'));
    const batches = await race(owners.length, (index) =>
      claimMine(store, { limit: 3, leaseMs: LONG_LEASE, owner: owners[index]!, now: now() }, events),
    );
    for (const [index, batch] of batches.entries()) record(owners[index]!, batch);
    // Whatever the race left, fresh owners drain (each round a new owner: a re-execution would repeat).
    for (let round = 0; round < 50 && takenBy.size < count; round += 1) {
      const owner = uniqueId('worker');
      const batch = await claimMine(store, { limit: ALL, leaseMs: LONG_LEASE, owner, now: now() }, events);
      if (batch.length === 0) break;
      record(owner, batch);
    }
    expect(takenBy.size).toBe(count);
    const doubled = [...takenBy].filter(([, owners]) => owners.length !== 1);
    expect(doubled, 'events taken by more than one owner').toEqual([]);
  });

  it('concurrent claims over one code: one caller gets its first event, nobody gets the rest', async () => {
    const store = ctx.store();
    const events = eventsFor(ctx, uniqueId('code'), 3);
    await seed(store, events);
    const batches = await race(ctx.concurrency, () =>
      claimMine(store, { limit: ALL, leaseMs: LONG_LEASE, owner: uniqueId('worker'), now: now() }, events),
    );
    expect(batches.flat().map((taken) => taken.event.id)).toEqual([events[0]!.id]);
  });
}
