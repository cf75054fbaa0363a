import { describe, expect, it } from 'vitest';
import type { CashCodeStore } from '../../src/storage/contract.js';
import type { MemoryStore } from '../../src/storage/memory.js';
import { createHarness, HOUR, order } from './_harness.js';

/** The memory store with some of its optional methods taken away or replaced. */
function reshaped(store: MemoryStore, changes: Partial<Record<keyof CashCodeStore, unknown>>): CashCodeStore {
  const copy: Record<string, unknown> = { ...store };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  }
  return copy as unknown as CashCodeStore;
}

describe('sweepExpired: purging expired keys', () => {
  it('purges expired keys after the sweep, at most purgeLimit, and counts them in `purged`', async () => {
    const h = createHarness();
    for (let n = 0; n < 5; n += 1) await h.store.consumeOnce(`dedupe:${n}`, 60_000);
    await h.store.putValue('live', 'kept', 10 * HOUR);
    h.advance(60_000);
    expect(await h.codes.sweepExpired({ purgeLimit: 0 })).toMatchObject({ purged: 0, errors: 0 });
    expect(h.store.stats().markers).toBe(5);
    expect(await h.codes.sweepExpired({ purgeLimit: 2 })).toMatchObject({ purged: 2 });
    expect(await h.codes.sweepExpired()).toMatchObject({ purged: 3 });
    expect(await h.codes.sweepExpired()).toMatchObject({ purged: 0 });
    expect(await h.store.getValue('live')).toBe('kept');
  });

  it('a failing purge is logged and counted as an error; the sweep still expires and answers', async () => {
    const h = createHarness(
      {},
      {
        wrapStore: (store) =>
          reshaped(store, {
            purgeExpired: async () => {
              throw new Error('disk full');
            },
          }),
      },
    );
    const { code } = await h.codes.issue(order('ORD-1'));
    h.advance(25 * HOUR);
    expect(await h.codes.sweepExpired()).toMatchObject({ expired: 1, purged: 0, errors: 1 });
    expect((await h.codes.get(code.id))?.status).toBe('expired');
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'sweep could not purge expired keys' }),
    );
  });

  it('a store without purgeExpired sweeps with purged 0', async () => {
    const h = createHarness({}, { wrapStore: (store) => reshaped(store, { purgeExpired: undefined }) });
    await h.store.consumeOnce('dedupe:x', 1_000);
    h.advance(2_000);
    expect(await h.codes.sweepExpired()).toMatchObject({ purged: 0, errors: 0 });
  });

  it('refuses a purgeLimit outside 0–100000 with a ValidationError', async () => {
    const h = createHarness();
    for (const purgeLimit of [-1, 1.5, 100_001, Number.NaN]) {
      await expect(h.codes.sweepExpired({ purgeLimit })).rejects.toMatchObject({ code: 'validation_failed' });
    }
  });
});

describe('sweepExpired: stale reservations', () => {
  /** Start an issue whose creation stalls, and let its lease run out; the issue settles later. */
  async function staleReservation(h: ReturnType<typeof createHarness>): Promise<{ first: Promise<unknown> }> {
    h.fake.delayNext({ operation: 'createCip', delayMs: 100 });
    const first = h.codes.issue(order('ORD-1'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    h.advance(10_001);
    // Wrapped: an async function returning the promise itself would wait for it.
    return { first: first.catch(() => null) };
  }

  it('takes them from listStaleReservations and never lists reserving codes', async () => {
    const calls: string[] = [];
    const h = createHarness(
      { leaseMs: 10_000, inFlightWaitMs: 10 },
      {
        wrapStore: (store) =>
          reshaped(store, {
            listCodes: (filter: Parameters<CashCodeStore['listCodes']>[0]) => {
              calls.push(`listCodes:${filter?.statuses?.join(',') ?? ''}`);
              return store.listCodes(filter);
            },
            listStaleReservations: (options: Parameters<NonNullable<CashCodeStore['listStaleReservations']>>[0]) => {
              calls.push(`listStaleReservations:${options.limit}`);
              return store.listStaleReservations(options);
            },
          }),
      },
    );
    const { first } = await staleReservation(h);
    expect(await h.codes.sweepExpired({ limit: 5000 })).toMatchObject({ released: 1 });
    // The store's limit is 1000: a larger sweep limit asks for the most it may.
    expect(calls).toEqual(['listStaleReservations:1000']);
    await first;
  });

  it('falls back to listCodes({ statuses: ["reserving"] }) on a store without it', async () => {
    const h = createHarness(
      { leaseMs: 10_000, inFlightWaitMs: 10 },
      { wrapStore: (store) => reshaped(store, { listStaleReservations: undefined }) },
    );
    const { first } = await staleReservation(h);
    expect(await h.codes.sweepExpired()).toMatchObject({ released: 1 });
    await first;
  });
});

describe('sweepExpired: search batches', () => {
  it('a limit above the client searchBatchSize is searched in several batches, never cut short', async () => {
    const h = createHarness();
    for (let n = 0; n < 120; n += 1) await h.codes.issue(order(`ORD-${n}`));
    h.advance(25 * HOUR);
    expect(h.client.searchBatchSize).toBe(50);
    const summary = await h.codes.sweepExpired({ limit: 120 });
    expect(summary).toMatchObject({ expired: 120, errors: 0 });
    expect(h.fake.stats().searchCips).toBe(3);
  });

  it('a failed batch leaves only its own codes pending', async () => {
    const h = createHarness();
    for (let n = 0; n < 70; n += 1) await h.codes.issue(order(`ORD-${n}`));
    h.advance(25 * HOUR);
    h.fake.failNext({ operation: 'searchCips' });
    expect(await h.codes.sweepExpired({ limit: 70 })).toMatchObject({ expired: 20, errors: 50 });
    expect((await h.store.listCodes({ statuses: ['pending'] })).codes).toHaveLength(50);
  });
});
