import type { CashCode } from '../../model/code.js';
import type { CashCodeStore, CodeCommit } from '../../storage/contract.js';
import { expect } from './expect.js';
import { expectKitError, makeCode, nextVersion, race, type SuiteContext, uniqueCip, uniqueId } from './fixtures.js';
import { entriesFor, entryWithId, eventsFor, makeEvent, writtenEvents } from './records.js';

// A state change without its lifecycle entry or its event loses money (a paid code nobody ships), and
// an entry or event without its change reports something that did not happen. These tests prove that
// claimOrder and commitCode write the code, the entries and the events together or not at all.

/** A commit of `code` to its next version carrying two entries and two events. */
export function commitOf(ctx: SuiteContext, code: CashCode, changes: Partial<CashCode> = {}): CodeCommit {
  const next = nextVersion(code, { status: 'paid', updatedAt: new Date('2026-03-01T18:30:02.002Z'), ...changes });
  return {
    code: next,
    expectedVersion: code.version,
    writeId: uniqueId('write'),
    entries: entriesFor(code.id, 2, { orderId: code.orderId, from: code.status, to: next.status }),
    events: eventsFor(ctx, code.id, 2),
  };
}

/** Assert that `code` is stored exactly as given, with exactly this log and these events. */
export async function expectStored(
  store: CashCodeStore,
  code: CashCode,
  records: Pick<CodeCommit, 'entries' | 'events'>,
  label: string,
): Promise<void> {
  expect(await store.getCode(code.id), `${label}: the code`).toEqual(code);
  expect(await store.readLog(code.id), `${label}: the lifecycle log`).toEqual(records.entries);
  expect(await writtenEvents(store, code.id), `${label}: the outbox`).toEqual(records.events);
}

const NOTHING = { entries: [], events: [] };

/** claimOrder and commitCode with entries and events: one atomic write. */
export function commitTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('claimOrder with entries and events stores all of them, entries in order and events in outbox order', async () => {
    const store = ctx.store();
    const code = makeCode({ status: 'reserving', cip: null, cipUrl: null });
    const records = { entries: entriesFor(code.id, 3, { type: 'reserved' }), events: eventsFor(ctx, code.id, 2) };
    expect(await store.claimOrder(code, records)).toEqual({ claimed: true, code });
    await expectStored(store, code, records, 'after the claim');
    const page = await store.listEvents({ codeId: code.id });
    for (const record of page.events) {
      expect(record).toMatchObject({ state: 'pending', attempts: 0, lastError: null });
      expect(record.nextAttemptAt).toBeInstanceOf(Date);
      expect(record.event.at).toBeInstanceOf(Date);
    }
  });

  it('a losing claim writes no entry and no event', async () => {
    const store = ctx.store();
    const first = makeCode();
    await store.claimOrder(first);
    const second = makeCode({ orderId: first.orderId });
    const records = { entries: entriesFor(second.id, 1), events: eventsFor(ctx, second.id, 1) };
    expect(await store.claimOrder(second, records)).toEqual({ claimed: false, current: first });
    expect(await store.readLog(second.id)).toEqual([]);
    expect(await writtenEvents(store, second.id)).toEqual([]);
    const stale = await store.claimOrder(second, { ...records, replacing: { id: first.id, version: 0 } });
    expect(stale).toEqual({ claimed: false, current: first });
    expect(await store.readLog(second.id)).toEqual([]);
    expect(await writtenEvents(store, second.id)).toEqual([]);
  });

  it('concurrent claims with records: only the winner’s entries and events exist', async () => {
    const store = ctx.store();
    const orderId = uniqueId('order');
    const attempts = Array.from({ length: ctx.concurrency }, () => {
      const code = makeCode({ orderId });
      return { code, entries: entriesFor(code.id, 1), events: eventsFor(ctx, code.id, 1) };
    });
    const results = await race(attempts.length, (index) => {
      const { code, entries, events } = attempts[index]!;
      return store.claimOrder(code, { entries, events });
    });
    expect(results.filter((result) => result.claimed)).toHaveLength(1);
    for (const [index, attempt] of attempts.entries()) {
      const won = results[index]!.claimed;
      expect(await store.readLog(attempt.code.id)).toEqual(won ? attempt.entries : []);
      expect(await writtenEvents(store, attempt.code.id)).toEqual(won ? attempt.events : []);
    }
  });

  it('a claim rejected for an id or CIP conflict or a malformed entry or event writes nothing', async () => {
    const store = ctx.store();
    const holder = makeCode();
    await store.claimOrder(holder);
    const recordsOf = (code: CashCode) => ({ entries: entriesFor(code.id, 1), events: eventsFor(ctx, code.id, 1) });
    const rejected: Array<[CashCode, ReturnType<typeof recordsOf>, 'storage_error' | 'validation_failed']> = [];
    const sameCip = makeCode({ cip: holder.cip });
    rejected.push([sameCip, recordsOf(sameCip), 'storage_error']);
    const badEntry = makeCode();
    rejected.push([
      badEntry,
      { ...recordsOf(badEntry), entries: [entryWithId(badEntry.id), entryWithId('')] },
      'validation_failed',
    ]);
    const badEvent = makeCode();
    const wrongType = makeEvent(ctx, badEvent.id, { type: 'code.bogus' as never });
    rejected.push([
      badEvent,
      { ...recordsOf(badEvent), events: [makeEvent(ctx, badEvent.id), wrongType] },
      'validation_failed',
    ]);
    const badDate = makeCode();
    rejected.push([
      badDate,
      { ...recordsOf(badDate), events: [makeEvent(ctx, badDate.id, { at: new Date(Number.NaN) })] },
      'validation_failed',
    ]);
    for (const [code, records, error] of rejected) {
      await expectKitError(store.claimOrder(code, records), error);
      expect(await store.getCodeByOrder(code.orderId)).toBeNull();
      expect(await store.getCode(code.id)).toBeNull();
      expect(await store.readLog(code.id)).toEqual([]);
      expect(await writtenEvents(store, code.id)).toEqual([]);
    }
    // The id conflict: the records name the holder, which must not gain any.
    const sameId = makeCode({ id: holder.id });
    await expectKitError(store.claimOrder(sameId, recordsOf(holder)), 'storage_error');
    await expectStored(store, holder, NOTHING, 'after a claim reusing its id');
  });

  it('commitCode stores the code, appends its entries and adds its events together', async () => {
    const store = ctx.store();
    const code = makeCode();
    const claimEntries = entriesFor(code.id, 1, { type: 'reserved' });
    await store.claimOrder(code, { entries: claimEntries });
    const commit = commitOf(ctx, code);
    expect(await store.commitCode(commit)).toBe(true);
    await expectStored(
      store,
      commit.code,
      { entries: [...claimEntries, ...commit.entries], events: commit.events },
      'after the commit',
    );
    expect(await store.getCodeByOrder(code.orderId)).toEqual(commit.code);
    expect(await store.getCodeByCip(code.cip!)).toEqual(commit.code);

    // A second commit appends after the first; the first's records stay as they were.
    const second = commitOf(ctx, commit.code, { status: 'refund_required' });
    expect(await store.commitCode(second)).toBe(true);
    await expectStored(
      store,
      second.code,
      {
        entries: [...claimEntries, ...commit.entries, ...second.entries],
        events: [...commit.events, ...second.events],
      },
      'after the second commit',
    );
  });

  it('commitCode sets a CIP once, keeping the CIP index in step', async () => {
    const store = ctx.store();
    const code = makeCode({ status: 'reserving', cip: null, cipUrl: null });
    await store.claimOrder(code);
    const cip = uniqueCip();
    const commit = commitOf(ctx, code, {
      status: 'pending',
      cip,
      cipUrl: 'https://pre1a.payment.pagoefectivo.pe/x.html',
    });
    expect(await store.commitCode(commit)).toBe(true);
    expect(await store.getCodeByCip(cip)).toEqual(commit.code);
  });

  it('a commit on a stale version or an unknown id answers false and writes none of its records', async () => {
    const store = ctx.store();
    const code = makeCode({ version: 3 });
    await store.claimOrder(code);
    const behind = commitOf(ctx, { ...code, version: 2 });
    const ahead = commitOf(ctx, { ...code, version: 4 });
    const unknown = commitOf(ctx, makeCode());
    for (const commit of [behind, ahead]) expect(await store.commitCode(commit)).toBe(false);
    expect(await store.commitCode(unknown)).toBe(false);
    await expectStored(store, code, NOTHING, 'after stale commits');
    expect(await store.getCode(unknown.code.id)).toBeNull();
    expect(await store.readLog(unknown.code.id)).toEqual([]);
    expect(await writtenEvents(store, unknown.code.id)).toEqual([]);
  });

  it('a commit refused by validation (version, order, CIP, entry, event, writeId) writes nothing', async () => {
    const store = ctx.store();
    const holder = makeCode();
    const code = makeCode();
    await store.claimOrder(holder);
    await store.claimOrder(code);
    const base = (): CodeCommit => commitOf(ctx, code);
    const refusals: Array<[string, CodeCommit, 'validation_failed' | 'storage_error']> = [
      ['same version', { ...base(), code: { ...code, status: 'paid' } }, 'validation_failed'],
      ['skipped version', { ...base(), code: { ...code, version: code.version + 2 } }, 'validation_failed'],
      ['another order', { ...base(), code: nextVersion(code, { orderId: uniqueId('order') }) }, 'validation_failed'],
      ['changed CIP', { ...base(), code: nextVersion(code, { cip: uniqueCip() }) }, 'storage_error'],
      ['cleared CIP', { ...base(), code: nextVersion(code, { cip: null }) }, 'storage_error'],
      ['empty writeId', { ...base(), writeId: '' }, 'validation_failed'],
      ['entry without subject', { ...base(), entries: [entryWithId(code.id), entryWithId('')] }, 'validation_failed'],
      ['entry with an empty id', { ...base(), entries: [entryWithId(code.id, { id: '' })] }, 'validation_failed'],
      ['event without id', { ...base(), events: [makeEvent(ctx, code.id, { id: '' })] }, 'validation_failed'],
      [
        'event of unknown type',
        { ...base(), events: [makeEvent(ctx, code.id, { type: 'x' as never })] },
        'validation_failed',
      ],
      [
        'event with data null',
        { ...base(), events: [makeEvent(ctx, code.id, { data: null as never })] },
        'validation_failed',
      ],
    ];
    for (const [what, commit, error] of refusals) {
      await expectKitError(store.commitCode(commit), error);
      await expectStored(store, code, NOTHING, `after a commit with ${what}`);
    }
    // Taking the CIP of another code is refused the same way.
    const fresh = makeCode({ status: 'reserving', cip: null });
    await store.claimOrder(fresh);
    const taking = { ...commitOf(ctx, fresh), code: nextVersion(fresh, { status: 'pending', cip: holder.cip }) };
    await expectKitError(store.commitCode(taking), 'storage_error');
    await expectStored(store, fresh, NOTHING, 'after a commit taking another code’s CIP');
    expect(await store.getCodeByCip(holder.cip!)).toEqual(holder);
  });

  it('entries already held by the subject and events already stored are not written twice', async () => {
    const store = ctx.store();
    const code = makeCode();
    await store.claimOrder(code);
    const commit = commitOf(ctx, code);
    const [firstEntry, secondEntry] = commit.entries;
    const [firstEvent, secondEvent] = commit.events;
    await store.appendLog(firstEntry!);
    await store.appendRecords({ entries: [], events: [firstEvent!] });
    expect(await store.commitCode(commit)).toBe(true);
    await expectStored(
      store,
      commit.code,
      { entries: [firstEntry!, secondEntry!], events: [firstEvent!, secondEvent!] },
      'after the commit',
    );

    // Entry ids are per subject: the same id under another subject is another entry.
    const other = uniqueId('code');
    const elsewhere = { ...structuredClone(firstEntry!), subject: other };
    await store.appendLog(elsewhere);
    expect(await store.readLog(other)).toEqual([elsewhere]);
    expect(await store.readLog(code.id)).toEqual([firstEntry, secondEntry]);
  });

  it('appendRecords writes entries and events together; a malformed one writes none of them', async () => {
    const store = ctx.store();
    const subject = `cip:${uniqueCip()}`;
    const codeId = uniqueId('code');
    const batch = { entries: entriesFor(subject, 2, { type: 'payment_rejected' }), events: eventsFor(ctx, codeId, 2) };
    await expectKitError(
      store.appendRecords({ entries: batch.entries, events: [...batch.events, makeEvent(ctx, codeId, { id: '' })] }),
      'validation_failed',
    );
    await expectKitError(
      store.appendRecords({
        entries: [...batch.entries, entryWithId(subject, { at: new Date(Number.NaN) })],
        events: batch.events,
      }),
      'validation_failed',
    );
    expect(await store.readLog(subject)).toEqual([]);
    expect(await writtenEvents(store, codeId)).toEqual([]);
    await store.appendRecords(batch);
    expect(await store.readLog(subject)).toEqual(batch.entries);
    expect(await writtenEvents(store, codeId)).toEqual(batch.events);
  });

  it('records are copies: changing a committed event or entry afterwards never changes the store', async () => {
    const store = ctx.store();
    const code = makeCode();
    await store.claimOrder(code);
    const commit = commitOf(ctx, code);
    const original = structuredClone(commit);
    expect(await store.commitCode(commit)).toBe(true);
    const pristine = await store.listEvents({ codeId: code.id });
    const read = await store.listEvents({ codeId: code.id });
    commit.events[0]!.at.setTime(0);
    commit.events[0]!.data.extra = 'changed';
    commit.entries[0]!.at.setTime(0);
    read.events[0]!.nextAttemptAt.setTime(0);
    read.events[0]!.event.data.extra = 'changed too';
    await expectStored(store, original.code, original, 'after changing the inputs');
    // nextAttemptAt too: a store that kept the caller's Date would let the caller move the retry.
    expect(await store.listEvents({ codeId: code.id })).toEqual(pristine);
  });
}
