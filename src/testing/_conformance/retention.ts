import type { CashCode } from '../../model/code.js';
import type { CashCodeStore } from '../../storage/contract.js';
import type { RunningTest } from './api.js';
import { expect } from './expect.js';
import {
  expectKitError,
  makeCode,
  nextVersion,
  race,
  type SuiteContext,
  uniqueId,
  uniquePastInstant,
} from './fixtures.js';

const NO_STALE =
  'the store has no listStaleReservations; the sweeper pages listCodes({ statuses: ["reserving"] }), checked here instead';
const NO_PURGE = 'the store has no purgeExpired; expired keys must then read as absent, checked here instead';

const SHORT_TTL = 200;
const LONG_TTL = 60_000;

/** A reservation whose creation lease ends at `leaseUntil` (epoch ms), or that has none. */
const reservation = (leaseUntil: number | null): CashCode =>
  makeCode({
    status: 'reserving',
    cip: null,
    cipUrl: null,
    leaseUntil: leaseUntil === null ? null : new Date(leaseUntil),
  });

/** Mark the suite's reservations failed, so later runs on a shared database do not see them as stale. */
async function retire(store: CashCodeStore, codes: readonly CashCode[]): Promise<void> {
  for (const code of codes) {
    const current = await store.getCode(code.id);
    if (current?.status === 'reserving') {
      await store.updateCode(nextVersion(current, { status: 'failed', leaseUntil: null }), current.version);
    }
  }
}

/** Without listStaleReservations the sweeper lists reserving codes: check that they are listed. */
async function staleFallback(test: RunningTest, store: CashCodeStore): Promise<void> {
  const code = reservation(uniquePastInstant());
  await store.claimOrder(code);
  const listed: CashCode[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listCodes({ statuses: ['reserving'], limit: 1000, cursor });
    listed.push(...page.codes);
    cursor = page.nextCursor;
  } while (cursor !== null);
  expect(listed.filter((item) => item.id === code.id)).toEqual([code]);
  await retire(store, [code]);
  test.skip(NO_STALE);
}

/** Seed expired and live keys of every family (markers, values, counters) under a fresh prefix. */
async function seedKeys(ctx: SuiteContext, store: CashCodeStore) {
  const prefix = uniqueId('purge');
  const expired = { markers: [`${prefix}:m1`, `${prefix}:m2`], values: [`${prefix}:v1`, `${prefix}:v2`] };
  const counters = [`${prefix}:c1`, `${prefix}:c2`];
  for (const key of expired.markers) expect(await store.consumeOnce(key, SHORT_TTL)).toBe(true);
  for (const key of expired.values) await store.putValue(key, 'gone soon', SHORT_TTL);
  for (const key of counters) await store.hit(key, 5, SHORT_TTL);
  const live = { marker: `${prefix}:live-m`, value: `${prefix}:live-v`, counter: `${prefix}:live-c` };
  expect(await store.consumeOnce(live.marker, LONG_TTL)).toBe(true);
  await store.putValue(live.value, 'still here', LONG_TTL);
  await store.hit(live.counter, 5, LONG_TTL);
  // Nothing reads the expired keys before the purge: a read may delete an expired key by itself.
  await ctx.sleep(SHORT_TTL + 100);
  return { expired: { ...expired, counters }, live, count: 6 };
}

/** Live keys keep their state through any purge. */
async function expectLive(store: CashCodeStore, live: { marker: string; value: string; counter: string }) {
  expect(await store.consumeOnce(live.marker, LONG_TTL)).toBe(false);
  expect(await store.getValue(live.value)).toBe('still here');
  expect((await store.hit(live.counter, 5, LONG_TTL)).count).toBe(2);
}

/** listStaleReservations and purgeExpired: what the sweeper uses to release and to retain. */
export function retentionTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('listStaleReservations returns reservations whose lease ended or that have none, oldest lease first', async (test) => {
    const store = ctx.store();
    if (store.listStaleReservations === undefined) return staleFallback(test, store);
    const base = uniquePastInstant();
    const now = base + 3;
    const stale = [reservation(base + 1), reservation(base + 3), reservation(base + 2), reservation(null)];
    const live = reservation(Date.UTC(2999, 0, 1));
    const others = (['pending', 'failed', 'expired'] as const).map((status) =>
      makeCode({ status, leaseUntil: new Date(base) }),
    );
    for (const code of [...stale, live, ...others]) await store.claimOrder(code);

    const listed = await store.listStaleReservations({ now: new Date(now), limit: 1000 });
    for (const code of listed) {
      expect(code.status).toBe('reserving');
      if (code.leaseUntil !== null) expect(code.leaseUntil.getTime()).toBeLessThanOrEqual(now);
    }
    const leases = listed.flatMap((code) => (code.leaseUntil === null ? [] : [code.leaseUntil.getTime()]));
    expect(leases).toEqual([...leases].sort((a, b) => a - b));
    const wanted = new Set(stale.map((code) => code.id));
    const mine = listed.filter((code) => wanted.has(code.id));
    expect(mine.filter((code) => code.leaseUntil !== null)).toEqual([stale[0], stale[2], stale[1]]);
    expect(mine.filter((code) => code.leaseUntil === null)).toEqual([stale[3]]);
    const excluded = new Set([live, ...others].map((code) => code.id));
    expect(listed.some((code) => excluded.has(code.id))).toBe(false);
    await retire(store, [...stale, live]);
  });

  it('listStaleReservations honours the limit and rejects a bad limit or date', async (test) => {
    const store = ctx.store();
    if (store.listStaleReservations === undefined) return staleFallback(test, store);
    const base = uniquePastInstant();
    const stale = [reservation(base), reservation(base + 1), reservation(base + 2)];
    for (const code of stale) await store.claimOrder(code);
    const page = await store.listStaleReservations({ now: new Date(base + 2), limit: 2 });
    expect(page).toHaveLength(2);
    for (const limit of [0, -1, 1.5, 1001, Number.NaN]) {
      await expectKitError(store.listStaleReservations({ now: new Date(), limit }), 'validation_failed');
    }
    await expectKitError(store.listStaleReservations({ now: new Date(Number.NaN), limit: 1 }), 'validation_failed');
    await retire(store, stale);
  });

  it('purgeExpired deletes only expired keys, at most limit per call, and is safe to re-run', async (test) => {
    const store = ctx.store();
    const { expired, live, count } = await seedKeys(ctx, store);
    if (store.purgeExpired === undefined) {
      for (const key of expired.values) expect(await store.getValue(key)).toBeNull();
      await expectLive(store, live);
      test.skip(NO_PURGE);
      return;
    }
    // Other runs' expired keys may be purged too: counts are at least this test's own.
    expect(await store.purgeExpired({ limit: 2 })).toBe(2);
    const racing = await race(5, () => store.purgeExpired!({ limit: 1 }));
    for (const deleted of racing) expect(deleted).toBeLessThanOrEqual(1);
    let total = 2 + racing.reduce((sum, deleted) => sum + deleted, 0);
    for (let round = 0; round < 100; round += 1) {
      const deleted = await store.purgeExpired({ limit: 1000 });
      expect(deleted).toBeLessThanOrEqual(1000);
      total += deleted;
      if (deleted < 1000) break;
    }
    expect(total).toBeGreaterThanOrEqual(count);
    const again = await store.purgeExpired();
    expect(again).toBeGreaterThanOrEqual(0);
    await expectLive(store, live);
    // The purged keys are simply absent: they can be set afresh.
    for (const key of expired.markers) expect(await store.consumeOnce(key, LONG_TTL)).toBe(true);
    for (const key of expired.values) expect(await store.getValue(key)).toBeNull();
    for (const key of expired.counters) expect((await store.hit(key, 5, LONG_TTL)).count).toBe(1);
  });

  it('purgeExpired rejects a limit outside 1–100000', async (test) => {
    const store = ctx.store();
    if (store.purgeExpired === undefined) {
      const key = uniqueId('purge');
      await store.putValue(key, 'kept', LONG_TTL);
      expect(await store.getValue(key)).toBe('kept');
      test.skip(NO_PURGE);
      return;
    }
    for (const limit of [0, -1, 1.5, 100_001, Number.NaN]) {
      await expectKitError(store.purgeExpired({ limit }), 'validation_failed');
    }
  });
}
