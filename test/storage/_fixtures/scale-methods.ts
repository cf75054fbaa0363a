/**
 * The store operations issue #12 added (readLogPage, listStaleReservations, commitCodes, bounded
 * purgeExpired), tested the same way on the SQLite and the MySQL store: results, order, re-execution,
 * rollback of a failing batch, and every bad input. Each test gets an empty store of its own.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/12
 */
import { describe, expect, it } from 'vitest';
import type { CashCode, LifecycleEntry } from '../../../src/model/code.js';
import type { CodeEvent } from '../../../src/model/events.js';
import { encodeLogCursor } from '../../../src/storage/_memory/args.js';
import type { CashCodeStore, CodeCommit, PurgeOptions } from '../../../src/storage/contract.js';
import { rejection, sampleCode } from './records.js';

/** A store with every optional operation of the contract. */
export type FullStore = CashCodeStore &
  Required<Pick<CashCodeStore, 'readLogPage' | 'listStaleReservations' | 'commitCodes'>> & {
    purgeExpired(options?: PurgeOptions): Promise<number>;
  };

/** An empty store, and how to let its TTL clock move on by `ms`. */
export interface ScaleRig {
  store: FullStore;
  advance(ms: number): Promise<void>;
}

const NOW = new Date('2026-03-01T15:00:00.000Z');
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);

function entry(subject: string, n: number): LifecycleEntry {
  return {
    id: `${subject}-e${n}`,
    subject,
    orderId: null,
    cip: null,
    type: 'note',
    actor: 'merchant',
    at: at(n),
    reason: null,
    from: null,
    to: null,
    data: { n },
  } as LifecycleEntry;
}

function event(code: CashCode, id: string): CodeEvent {
  return {
    id,
    type: 'code.expired',
    codeId: code.id,
    orderId: code.orderId,
    cip: code.cip,
    at: NOW,
    source: 'sweeper',
    data: {},
  } as CodeEvent;
}

const next = (code: CashCode, changes: Partial<CashCode>): CashCode => ({
  ...code,
  ...changes,
  version: code.version + 1,
  updatedAt: at(1000),
});

/** Register the tests; `name` is the store under test, `rig` makes an empty one. */
export function describeScaleMethods(name: string, rig: () => Promise<ScaleRig>): void {
  describe(`${name}: listCodes filter shapes`, () => {
    it('every shape (statuses × updatedSince × cursor) pages exactly the matching codes in id order', async () => {
      const { store } = await rig();
      const statuses: CashCode['status'][] = ['reserving', 'pending', 'paid', 'expired', 'cancelled'];
      const codes = Array.from({ length: 120 }, (_, i) =>
        sampleCode({
          id: `code-${String((i * 37) % 120).padStart(3, '0')}-${i}`,
          status: statuses[i % statuses.length]!,
          cip: i % statuses.length === 0 ? null : `98${String(i).padStart(4, '0')}`,
          updatedAt: at(i * 1000),
        }),
      );
      for (const code of codes) await store.claimOrder(code);
      const filters: { statuses?: CashCode['status'][]; since?: number }[] = [
        {},
        { since: 60_000 },
        { statuses: ['paid'] },
        { statuses: ['paid'], since: 30_500 },
        { statuses: ['pending', 'expired'] },
        { statuses: ['reserving', 'cancelled', 'paid'], since: 90_000 },
        { statuses: [...statuses, 'failed', 'review', 'refund_required'] },
      ];
      for (const { statuses: wanted, since } of filters) {
        const expected = codes
          .filter((code) => wanted === undefined || wanted.includes(code.status))
          .filter((code) => since === undefined || code.updatedAt.getTime() >= NOW.getTime() + since)
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        const seen: CashCode[] = [];
        let cursor: string | null = null;
        do {
          const filter = { statuses: wanted, updatedSince: since === undefined ? undefined : at(since), limit: 7 };
          const page = await store.listCodes({ ...filter, cursor });
          expect(page.codes.length).toBeLessThanOrEqual(7);
          seen.push(...page.codes);
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(seen, JSON.stringify({ wanted, since })).toEqual(expected);
      }
    });
  });

  describe(`${name}: readLogPage`, () => {
    it('pages a log newest first, entries oldest first within a page, until the first entry', async () => {
      const { store } = await rig();
      for (let n = 1; n <= 7; n += 1) {
        await store.appendLog(entry('code-s', n));
        await store.appendLog(entry('code-t', n));
      }
      const numbers = (entries: LifecycleEntry[]) => entries.map((e) => e.data.n);
      const first = await store.readLogPage('code-s', { limit: 3 });
      expect(numbers(first.entries)).toEqual([5, 6, 7]);
      expect(first.entries[0]).toEqual(entry('code-s', 5));
      // Entries written after a cursor was handed out do not shift the older pages.
      await store.appendLog(entry('code-s', 8));
      const second = await store.readLogPage('code-s', { limit: 3, before: first.nextCursor });
      expect(numbers(second.entries)).toEqual([2, 3, 4]);
      const third = await store.readLogPage('code-s', { limit: 3, before: second.nextCursor });
      expect(numbers(third.entries)).toEqual([1]);
      expect(third.nextCursor).toBeNull();
      const whole = await store.readLogPage('code-s', { limit: 8 });
      expect(whole).toEqual({ entries: await store.readLog('code-s'), nextCursor: null });
      expect(await store.readLogPage('code-none', { limit: 5 })).toEqual({ entries: [], nextCursor: null });
      expect((await store.readLogPage('code-t', { limit: 1000 })).entries).toHaveLength(7);
    });

    it('refuses a cursor of another subject or store, a foreign string, and a limit outside 1–1000', async () => {
      const { store } = await rig();
      for (let n = 1; n <= 3; n += 1) await store.appendLog(entry('code-s', n));
      const { nextCursor } = await store.readLogPage('code-s', { limit: 1 });
      expect(nextCursor).not.toBeNull();
      const refused = [
        store.readLogPage('code-t', { limit: 1, before: nextCursor }),
        store.readLogPage('code-s', { limit: 1, before: encodeLogCursor('memory', 'code-s', 2) }),
        store.readLogPage('code-s', { limit: 1, before: 'seq:2' }),
        store.readLogPage('code-s', { limit: 0 }),
        store.readLogPage('code-s', { limit: 1001 }),
        store.readLogPage('code-s', { limit: 1.5 }),
        store.readLogPage('', { limit: 1 }),
      ];
      for (const pending of refused) expect((await rejection(pending)).code).toBe('validation_failed');
    });
  });

  describe(`${name}: listStaleReservations`, () => {
    it('lists reserving codes whose lease ended (or that have none), oldest lease first, up to the limit', async () => {
      const { store } = await rig();
      const old = sampleCode({ leaseUntil: at(-20_000) });
      const recent = sampleCode({ leaseUntil: at(-10_000) });
      const exact = sampleCode({ leaseUntil: NOW });
      const none = sampleCode({ leaseUntil: null });
      const live = sampleCode({ leaseUntil: at(60_000) });
      const others = [sampleCode({ status: 'pending' }), sampleCode({ status: 'paid', cip: '99001' })];
      for (const code of [recent, live, exact, old, none, ...others]) await store.claimOrder(code);
      const ids = (codes: CashCode[]) => codes.map((code) => code.id);
      expect(await store.listStaleReservations({ now: NOW, limit: 10 })).toEqual([none, old, recent, exact]);
      expect(ids(await store.listStaleReservations({ now: NOW, limit: 2 }))).toEqual([none.id, old.id]);
      expect(await store.listStaleReservations({ now: at(-30_000), limit: 10 })).toEqual([none]);
    });

    it('follows every write: a code that leaves reserving drops out, a renewed lease moves it', async () => {
      const { store } = await rig();
      const done = sampleCode({ leaseUntil: at(-5_000) });
      const renewed = sampleCode({ leaseUntil: at(-4_000) });
      const lapsing = sampleCode({ leaseUntil: at(60_000) });
      for (const code of [done, renewed, lapsing]) await store.claimOrder(code);
      const pending = next(done, { status: 'pending', cip: '99002', leaseUntil: null });
      expect(await store.updateCode(pending, done.version)).toBe(true);
      const later = next(renewed, { leaseUntil: at(30_000) });
      const commit = { code: later, expectedVersion: renewed.version, writeId: 'w-renew', entries: [], events: [] };
      expect(await store.commitCode(commit)).toBe(true);
      expect(await store.listStaleReservations({ now: NOW, limit: 10 })).toEqual([]);
      expect(await store.listStaleReservations({ now: at(60_000), limit: 10 })).toEqual([later, lapsing]);
    });

    it('refuses a limit outside 1–1000 and a now that is not a valid Date', async () => {
      const { store } = await rig();
      for (const options of [
        { now: NOW, limit: 0 },
        { now: NOW, limit: 1001 },
        { now: new Date(Number.NaN), limit: 1 },
        { now: '2026-03-01' as unknown as Date, limit: 1 },
      ]) {
        expect((await rejection(store.listStaleReservations(options))).code).toBe('validation_failed');
      }
    });
  });

  describe(`${name}: purgeExpired`, () => {
    it('deletes at most limit expired keys per call, the live ones stay; without a limit, all', async () => {
      const { store, advance } = await rig();
      for (let n = 0; n < 4; n += 1) await store.consumeOnce(`purge:once:${n}`, 50);
      await store.putValue('purge:value', 'x', 50);
      for (let n = 0; n < 3; n += 1) await store.hit(`purge:hit:${n}`, 5, 50);
      await store.putValue('purge:live', 'kept', 600_000);
      await store.hit('purge:live-hit', 5, 600_000);
      await advance(200);
      expect(await store.purgeExpired({ limit: 3 })).toBe(3);
      expect(await store.purgeExpired({ limit: 3 })).toBe(3);
      expect(await store.purgeExpired({ limit: 3 })).toBe(2);
      expect(await store.purgeExpired({ limit: 3 })).toBe(0);
      expect(await store.getValue('purge:live')).toBe('kept');
      expect((await store.hit('purge:live-hit', 5, 600_000)).count).toBe(2);
      for (let n = 0; n < 5; n += 1) await store.consumeOnce(`purge:again:${n}`, 50);
      await advance(200);
      expect(await store.purgeExpired()).toBe(5);
      expect(await store.purgeExpired({ limit: 100_000 })).toBe(0);
    });

    it('refuses a limit outside 1–100000', async () => {
      const { store } = await rig();
      for (const limit of [0, -1, 1.5, 100_001]) {
        expect((await rejection(store.purgeExpired({ limit }))).code).toBe('validation_failed');
      }
    });
  });

  describe(`${name}: commitCodes`, () => {
    async function three(store: FullStore): Promise<CashCode[]> {
      const codes = ['a', 'b', 'c'].map((n, i) => sampleCode({ status: 'pending', cip: `9910${i}`, id: `code-${n}` }));
      for (const code of codes) await store.claimOrder(code);
      return codes;
    }
    const commitOf = (code: CashCode, changes: Partial<CashCode>, writeId: string, records = false): CodeCommit => ({
      code: next(code, changes),
      expectedVersion: code.version,
      writeId,
      entries: records ? [{ ...entry(code.id, 1), id: `${writeId}-entry` }] : [],
      events: records ? [event(code, `${writeId}-event`)] : [],
    });

    it('judges each commit on its own in one batch; a re-execution answers the same and adds nothing', async () => {
      const { store } = await rig();
      const [a, b, c] = await three(store);
      const batch = [
        commitOf(a!, { status: 'expired' }, 'w-a', true),
        { ...commitOf(b!, { status: 'expired' }, 'w-b'), expectedVersion: 5, code: { ...b!, version: 6 } },
        commitOf(c!, { status: 'cancelled' }, 'w-c', true),
      ];
      expect(await store.commitCodes(batch)).toEqual([true, false, true]);
      expect(await store.commitCodes(batch)).toEqual([true, false, true]);
      expect(await store.getCode(a!.id)).toEqual(batch[0]!.code);
      expect(await store.getCode(b!.id)).toEqual(b);
      expect(await store.getCode(c!.id)).toEqual(batch[2]!.code);
      expect(await store.readLog(a!.id)).toEqual(batch[0]!.entries);
      expect(await store.readLog(b!.id)).toEqual([]);
      expect(await store.countEvents('pending')).toBe(2);
      // A commit of the batch already superseded: the code moved on, so it is stale now.
      const later = commitOf(batch[0]!.code, { status: 'expired', metadata: { n: '1' } }, 'w-a2');
      expect(await store.commitCodes([later, batch[0]!])).toEqual([true, false]);
      expect(await store.commitCodes([])).toEqual([]);
    });

    it('a commit that breaks an invariant rolls the whole batch back and rejects', async () => {
      const { store } = await rig();
      const [a, b, c] = await three(store);
      const fine = commitOf(a!, { status: 'expired' }, 'w-a', true);
      const stolen = commitOf(b!, { cip: c!.cip }, 'w-b');
      expect((await rejection(store.commitCodes([fine, stolen]))).code).toBe('storage_error');
      expect(await store.getCode(a!.id)).toEqual(a);
      expect(await store.readLog(a!.id)).toEqual([]);
      expect(await store.countEvents('pending')).toBe(0);
      expect(await store.commitCodes([fine])).toEqual([true]);
    });

    it('a malformed commit rejects the batch with a ValidationError before anything is written', async () => {
      const { store } = await rig();
      const [a, b] = await three(store);
      const fine = commitOf(a!, { status: 'expired' }, 'w-a');
      const skipped = { ...commitOf(b!, {}, 'w-b'), code: { ...b!, version: b!.version + 2 } };
      const noWriteId = { ...commitOf(b!, {}, 'w-b'), writeId: '' };
      for (const batch of [[fine, skipped], [fine, noWriteId], 'x' as unknown as CodeCommit[]]) {
        expect((await rejection(store.commitCodes(batch))).code).toBe('validation_failed');
      }
      expect(await store.getCode(a!.id)).toEqual(a);
    });
  });
}
