import { commitOf, expectStored } from './commits.js';
import { expect } from './expect.js';
import { makeCode, makeEntry, nextVersion, race, type SuiteContext, uniqueId, uniquePastInstant } from './fixtures.js';
import { claimMine, entriesFor, entryWithId, eventsFor, expectEventState, writtenEvents } from './records.js';

const LONG_TTL = 60_000;
const LONG_LEASE = 60_000;

// Clients re-send: ioredis replays a script whose reply was lost, a SQL caller retries a statement
// whose COMMIT answer never arrived, the service retries an ambiguous failure. Each test runs one
// operation twice with the same arguments and checks that the second run answers what the first
// answered and writes nothing more. A "no" that means "your first try already did it" would make the
// service abandon work that actually landed (delete a CIP a stored code holds, answer a paid webhook
// as a duplicate).

/** Every mutating operation, executed twice with the same arguments. */
export function reexecutionTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('claimOrder: the same claim again answers claimed: true and writes no second entry or event', async () => {
    const store = ctx.store();
    const code = makeCode();
    const records = { entries: entriesFor(code.id, 1, { type: 'reserved' }), events: eventsFor(ctx, code.id, 1) };
    expect(await store.claimOrder(code, records)).toEqual({ claimed: true, code });
    expect(await store.claimOrder(code, records)).toEqual({ claimed: true, code });
    await expectStored(store, code, records, 'after the re-executed claim');
    expect(await store.getCodeByOrder(code.orderId)).toEqual(code);

    // Another code for the same order is still refused: only the identical claim is a re-execution.
    const other = makeCode({ orderId: code.orderId });
    expect(await store.claimOrder(other, records)).toEqual({ claimed: false, current: code });
  });

  it('claimOrder: a re-executed replacing claim answers claimed: true once it landed', async () => {
    const store = ctx.store();
    const old = makeCode({ status: 'failed', cip: null });
    await store.claimOrder(old);
    const next = makeCode({ orderId: old.orderId });
    const options = {
      replacing: { id: old.id, version: old.version },
      entries: entriesFor(next.id, 1),
      events: eventsFor(ctx, next.id, 1),
    };
    expect(await store.claimOrder(next, options)).toEqual({ claimed: true, code: next });
    expect(await store.claimOrder(next, options)).toEqual({ claimed: true, code: next });
    await expectStored(store, next, options, 'after the re-executed replacing claim');
  });

  it('claimOrder: the same claim sent twice at once answers claimed: true to both', async () => {
    const store = ctx.store();
    const code = makeCode();
    const records = { entries: entriesFor(code.id, 1), events: eventsFor(ctx, code.id, 1) };
    const results = await race(2, () => store.claimOrder(code, records));
    expect(results).toEqual([
      { claimed: true, code },
      { claimed: true, code },
    ]);
    await expectStored(store, code, records, 'after two simultaneous sends');
  });

  it('commitCode: the same writeId answers true again; another writeId to the same version answers false', async () => {
    const store = ctx.store();
    const code = makeCode();
    await store.claimOrder(code);
    const commit = commitOf(ctx, code);
    expect(await store.commitCode(commit)).toBe(true);
    expect(await store.commitCode(commit)).toBe(true);
    await expectStored(store, commit.code, commit, 'after the re-executed commit');

    // A competing write from the same version (another worker's) is stale, not a re-execution.
    const rival = commitOf(ctx, code, { status: 'expired' });
    expect(await store.commitCode(rival)).toBe(false);
    await expectStored(store, commit.code, commit, 'after the rival commit');
  });

  it('appendRecords and appendLog with entry ids: a re-execution appends nothing more', async () => {
    const store = ctx.store();
    const subject = uniqueId('code');
    const batch = { entries: entriesFor(subject, 2), events: eventsFor(ctx, subject, 2) };
    await store.appendRecords(batch);
    await store.appendRecords(batch);
    expect(await store.readLog(subject)).toEqual(batch.entries);
    expect(await writtenEvents(store, subject)).toEqual(batch.events);

    const single = entryWithId(subject, { type: 'payment_rejected', reason: 'amount_mismatch' });
    await store.appendLog(single);
    await store.appendLog(single);
    expect(await store.readLog(subject)).toEqual([...batch.entries, single]);
  });

  it('appendLog without an entry id (entries written by 0.1) appends every call', async () => {
    const store = ctx.store();
    const subject = uniqueId('code');
    const entry = makeEntry(subject, { reason: 'no id' });
    await store.appendLog(entry);
    await store.appendLog(entry);
    expect(await store.readLog(subject)).toEqual([entry, entry]);
  });

  it('consumeOnce: the same owner gets true again; another owner and an anonymous caller get false', async () => {
    const store = ctx.store();
    const key = uniqueId('once');
    const [owner, other] = [uniqueId('owner'), uniqueId('owner')];
    expect(await store.consumeOnce(key, LONG_TTL, owner)).toBe(true);
    expect(await store.consumeOnce(key, LONG_TTL, owner)).toBe(true);
    expect(await store.consumeOnce(key, LONG_TTL, other)).toBe(false);
    expect(await store.consumeOnce(key, LONG_TTL)).toBe(false);
    expect(await store.consumeOnce(key, LONG_TTL, owner)).toBe(true);

    // A marker set without an owner belongs to nobody: no caller can claim to have set it.
    const anonymous = uniqueId('once');
    expect(await store.consumeOnce(anonymous, LONG_TTL)).toBe(true);
    expect(await store.consumeOnce(anonymous, LONG_TTL, owner)).toBe(false);
    expect(await store.consumeOnce(anonymous, LONG_TTL)).toBe(false);
  });

  it('consumeOnce: concurrent callers with distinct owners still have exactly one winner', async () => {
    const store = ctx.store();
    const key = uniqueId('once');
    const results = await race(ctx.concurrency, (index) => store.consumeOnce(key, LONG_TTL, `owner${index}`));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store.consumeOnce(key, LONG_TTL, `owner${winner}`)).toBe(true);
  });

  it('takeValue: the same owner gets the value again; another owner and an anonymous caller get null', async () => {
    const store = ctx.store();
    const key = uniqueId('take');
    const [owner, other] = [uniqueId('owner'), uniqueId('owner')];
    await store.putValue(key, 'passcode-654321', LONG_TTL);
    expect(await store.takeValue(key, owner)).toBe('passcode-654321');
    expect(await store.takeValue(key, owner)).toBe('passcode-654321');
    expect(await store.takeValue(key, other)).toBeNull();
    expect(await store.takeValue(key)).toBeNull();
    expect(await store.getValue(key)).toBeNull();

    // Taken without an owner: nobody gets it back.
    const anonymous = uniqueId('take');
    await store.putValue(anonymous, 'v', LONG_TTL);
    expect(await store.takeValue(anonymous)).toBe('v');
    expect(await store.takeValue(anonymous, owner)).toBeNull();
  });

  it('hit with a hitId: a re-execution answers the first answer and is not counted again', async () => {
    const store = ctx.store();
    const key = uniqueId('hit');
    const first = await store.hit(key, 2, LONG_TTL, 'hit-1');
    expect(first).toMatchObject({ allowed: true, count: 1 });
    expect(await store.hit(key, 2, LONG_TTL, 'hit-1')).toEqual(first);
    // Had the re-execution counted, this would be the refused third hit.
    expect(await store.hit(key, 2, LONG_TTL, 'hit-2')).toMatchObject({ allowed: true, count: 2 });
    const refused = await store.hit(key, 2, LONG_TTL, 'hit-3');
    expect(refused).toMatchObject({ allowed: false, count: 2 });
    expect(await store.hit(key, 2, LONG_TTL, 'hit-3')).toEqual(refused);
    expect(refused.resetAt.getTime()).toBe(first.resetAt.getTime());

    // Without a hitId every call is a new hit.
    const plain = uniqueId('hit');
    await store.hit(plain, 5, LONG_TTL);
    expect(await store.hit(plain, 5, LONG_TTL)).toMatchObject({ allowed: true, count: 2 });
  });

  it('claimExpired with an owner: a re-execution gets the codes that owner still holds', async () => {
    const store = ctx.store();
    const base = uniquePastInstant();
    const due = Array.from({ length: 3 }, (_, index) => makeCode({ expiresAt: new Date(base + index) }));
    for (const code of due) await store.claimOrder(code);
    const mine = new Set(due.map((code) => code.id));
    const options = { now: new Date(base + 1_000), limit: 1000, leaseMs: LONG_LEASE, owner: uniqueId('sweeper') };
    const pick = (codes: { id: string }[]): string[] => codes.map((code) => code.id).filter((id) => mine.has(id));
    const first = pick(await store.claimExpired(options));
    expect(first.sort()).toEqual([...mine].sort());
    expect(pick(await store.claimExpired(options)).sort()).toEqual(first);
    expect(pick(await store.claimExpired({ ...options, owner: uniqueId('sweeper') }))).toEqual([]);
    const { owner: _owner, ...anonymous } = options;
    expect(pick(await store.claimExpired(anonymous))).toEqual([]);
    for (const code of due) await store.updateCode(nextVersion(code, { status: 'expired' }), code.version);
  });

  it('settleEvent: the same settlement again answers true and counts the attempt once', async () => {
    const store = ctx.store();
    const events = eventsFor(ctx, null, 2);
    await store.appendRecords({ entries: [], events });
    const owner = uniqueId('worker');
    const now = new Date(ctx.now());
    const claimed = await claimMine(store, { limit: 1000, leaseMs: LONG_LEASE, owner, now }, events);
    expect(claimed).toHaveLength(2);
    const [failed, delivered] = events;
    const failure = {
      id: failed!.id,
      owner,
      attempt: 0,
      outcome: {
        delivered: false as const,
        error: 'onEvent threw: boom',
        nextAttemptAt: new Date(now.getTime() + LONG_LEASE),
        dead: false,
      },
    };
    expect(await store.settleEvent(failure)).toBe(true);
    expect(await store.settleEvent(failure)).toBe(true);
    await expectEventState(store, failed!, { state: 'pending', attempts: 1, lastError: 'onEvent threw: boom' });
    const ack = { id: delivered!.id, owner, attempt: 0, outcome: { delivered: true as const } };
    expect(await store.settleEvent(ack)).toBe(true);
    expect(await store.settleEvent(ack)).toBe(true);
    await expectEventState(store, delivered!, { state: 'delivered' });
  });

  it('putValue and deleteKey: a re-execution leaves the same state', async () => {
    const store = ctx.store();
    const key = uniqueId('value');
    await store.putValue(key, 'uno', LONG_TTL);
    await store.putValue(key, 'uno', LONG_TTL);
    expect(await store.getValue(key)).toBe('uno');
    await store.deleteKey(key);
    await store.deleteKey(key);
    expect(await store.getValue(key)).toBeNull();
    const once = uniqueId('once');
    await store.consumeOnce(once, LONG_TTL);
    await store.deleteKey(once);
    await store.deleteKey(once);
    expect(await store.consumeOnce(once, LONG_TTL)).toBe(true);
  });

  it('redriveEvent: the second re-drive answers false and changes nothing more', async () => {
    const store = ctx.store();
    const [event] = eventsFor(ctx, null, 1);
    await store.appendRecords({ entries: [], events: [event!] });
    const owner = uniqueId('worker');
    const now = new Date(ctx.now());
    expect(await claimMine(store, { limit: 1000, leaseMs: LONG_LEASE, owner, now }, [event!])).toHaveLength(1);
    const dead = { delivered: false as const, error: 'gave up', nextAttemptAt: now, dead: true };
    expect(await store.settleEvent({ id: event!.id, owner, attempt: 0, outcome: dead })).toBe(true);
    expect(await store.redriveEvent(event!.id, now)).toBe(true);
    const redriven = await expectEventState(store, event!, { state: 'pending', attempts: 0 });
    expect(await store.redriveEvent(event!.id, new Date(now.getTime() + 5_000))).toBe(false);
    expect(await expectEventState(store, event!, { state: 'pending', attempts: 0 })).toEqual(redriven);
  });
}
