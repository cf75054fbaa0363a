import type { CashCode } from '../../model/code.js';
import type { CashCodeStore, ClaimExpiredOptions } from '../../storage/contract.js';
import { expect } from './expect.js';
import { expectKitError, makeCode, nextVersion, race, type SuiteContext, uniquePastInstant } from './fixtures.js';

const LONG_LEASE = 60_000;
const SHORT_LEASE = 300;

/**
 * Call claimExpired until it has nothing left and return the ids of `mine` it handed out, checking on
 * the way that every code it returned was pending and due. Codes left over by earlier runs on a shared
 * database may come out too; they are checked but not counted.
 */
async function drain(store: CashCodeStore, options: ClaimExpiredOptions, mine: readonly CashCode[]): Promise<string[]> {
  const wanted = new Set(mine.map((code) => code.id));
  const seen: string[] = [];
  for (let round = 0; round < 50; round += 1) {
    const taken = await store.claimExpired(options);
    expect(taken.length).toBeLessThanOrEqual(options.limit);
    for (const code of taken) {
      expect(code.status).toBe('pending');
      expect(code.expiresAt.getTime()).toBeLessThanOrEqual(options.now.getTime());
      if (wanted.has(code.id)) seen.push(code.id);
    }
    if (taken.length === 0) return seen;
  }
  throw new Error('claimExpired kept returning codes: leases are not hiding taken codes');
}

/** Seed due pending codes expiring at `base`, `base + 1`, … and return them. */
async function seedDue(store: CashCodeStore, base: number, count: number): Promise<CashCode[]> {
  const due = Array.from({ length: count }, (_, index) => makeCode({ expiresAt: new Date(base + index) }));
  for (const code of due) await store.claimOrder(code);
  return due;
}

/** Retire the suite's codes so later runs on a shared database do not see them as due. */
async function retire(store: CashCodeStore, codes: readonly CashCode[]): Promise<void> {
  for (const code of codes) {
    const current = await store.getCode(code.id);
    if (current?.status === 'pending')
      await store.updateCode(nextVersion(current, { status: 'expired' }), current.version);
  }
}

/** claimExpired: only due pending codes, bounded, leased to one caller at a time, versions untouched. */
export function expiryTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('claimExpired takes only pending codes at or past expiry, and does not change them', async () => {
    const store = ctx.store();
    const base = uniquePastInstant();
    const now = new Date(base + 1_000);
    const due = await seedDue(store, base, 3);
    const atCutoff = makeCode({ expiresAt: now });
    const notDue = makeCode({ expiresAt: new Date(base + 1_001) });
    const others = (['paid', 'reserving', 'expired', 'cancelled', 'failed'] as const).map((status) =>
      makeCode({ status, expiresAt: new Date(base) }),
    );
    for (const code of [atCutoff, notDue, ...others]) await store.claimOrder(code);

    const taken = await drain(store, { now, limit: 2, leaseMs: LONG_LEASE }, [...due, atCutoff, notDue, ...others]);
    expect(taken.sort()).toEqual([...due, atCutoff].map((code) => code.id).sort());
    for (const code of [...due, atCutoff]) expect(await store.getCode(code.id)).toEqual(code);
    await retire(store, [...due, atCutoff, notDue]);
  });

  it('claimExpired honours the limit and concurrent callers never get the same code', async () => {
    const store = ctx.store();
    const base = uniquePastInstant();
    const due = await seedDue(store, base, 12);
    const options = { now: new Date(base + 1_000), limit: 3, leaseMs: LONG_LEASE };
    const batches = await race(Math.min(ctx.concurrency, 20), () => store.claimExpired(options));
    const all = batches.flat().map((code) => code.id);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(3);
    expect(new Set(all).size).toBe(all.length);
    const rest = await drain(store, options, due);
    const mine = [...all.filter((id) => due.some((code) => code.id === id)), ...rest];
    expect(mine.sort()).toEqual(due.map((code) => code.id).sort());
    await retire(store, due);
  });

  it('a lapsed lease makes a still-pending code claimable again; a settled one never returns', async () => {
    const store = ctx.store();
    const base = uniquePastInstant();
    const due = await seedDue(store, base, 3);
    const options = { now: new Date(base + 1_000), limit: 10, leaseMs: SHORT_LEASE };
    expect((await drain(store, options, due)).sort()).toEqual(due.map((code) => code.id).sort());
    expect(await drain(store, options, due)).toEqual([]);
    const settled = due[0]!;
    await store.updateCode(nextVersion(settled, { status: 'paid' }), settled.version);
    await ctx.sleep(SHORT_LEASE + 100);
    const again = await drain(store, { ...options, leaseMs: LONG_LEASE }, due);
    expect(again.sort()).toEqual(
      due
        .slice(1)
        .map((code) => code.id)
        .sort(),
    );
    await retire(store, due);
  });

  it('claimExpired rejects a bad limit, lease or date', async () => {
    const store = ctx.store();
    const now = new Date();
    for (const limit of [0, -3, 2.5]) {
      await expectKitError(store.claimExpired({ now, limit, leaseMs: LONG_LEASE }), 'validation_failed');
    }
    for (const leaseMs of [0, -1, 0.5]) {
      await expectKitError(store.claimExpired({ now, limit: 1, leaseMs }), 'validation_failed');
    }
    await expectKitError(store.claimExpired({ now: new Date(Number.NaN), limit: 1, leaseMs: 1 }), 'validation_failed');
  });
}
