import { describe, expect, it } from 'vitest';
import type { CashCode } from '../../src/codes/types.js';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { memoryStore } from '../../src/storage/memory.js';
import { describeStoreConformance } from '../../src/testing/conformance.js';

/** A clock that moves only when told to. */
function manualClock(start = Date.UTC(2026, 2, 1, 15)): {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
} {
  let time = start;
  return {
    now: () => time,
    sleep: async (ms) => {
      time += ms;
    },
  };
}

function code(overrides: Partial<CashCode> = {}): CashCode {
  return {
    id: 'c1',
    orderId: 'o1',
    status: 'pending',
    version: 1,
    cip: '1000001',
    cipUrl: null,
    amount: '10.00',
    amountMinor: 1000,
    currency: 'PEN',
    fx: null,
    payer: { email: 'a@example.pe' },
    expiresAt: new Date(Date.UTC(2026, 2, 1, 12)),
    createdAt: new Date(Date.UTC(2026, 2, 1, 11)),
    updatedAt: new Date(Date.UTC(2026, 2, 1, 11)),
    leaseUntil: null,
    payment: null,
    metadata: {},
    ...overrides,
  };
}

describeStoreConformance('memory', () => memoryStore());

// The same suite on a fake clock, with the `{ store, dispose }` form of the factory.
const fake = manualClock();
const lifecycle = { made: 0, disposed: 0 };
describeStoreConformance(
  'memory (manual clock)',
  ({ now }) => {
    lifecycle.made += 1;
    const dispose = (): void => {
      lifecycle.disposed += 1;
    };
    return { store: memoryStore({ now }), dispose };
  },
  { clock: fake },
);

describe('describeStoreConformance', () => {
  it('gave each test its own store and disposed every one', () => {
    expect(lifecycle.made).toBeGreaterThan(40);
    expect(lifecycle.disposed).toBe(lifecycle.made);
  });
});

describe('memoryStore', () => {
  it('follows the injected clock for TTLs, counter windows and leases', async () => {
    const clock = manualClock();
    const store = memoryStore({ now: clock.now });
    expect(await store.consumeOnce('once', 1_000)).toBe(true);
    await store.putValue('value', 'v', 1_000);
    expect(await store.hit('hit', 1, 1_000)).toEqual({
      allowed: true,
      count: 1,
      resetAt: new Date(clock.now() + 1_000),
    });
    await store.claimOrder(code());
    const options = { now: new Date(Date.UTC(2026, 2, 1, 13)), limit: 5, leaseMs: 1_000 };
    expect(await store.claimExpired(options)).toHaveLength(1);

    await clock.sleep(999);
    expect(await store.consumeOnce('once', 1_000)).toBe(false);
    expect(await store.getValue('value')).toBe('v');
    expect((await store.hit('hit', 1, 1_000)).allowed).toBe(false);
    expect(await store.claimExpired(options)).toEqual([]);

    // Expiry is exclusive of its instant: at exactly `set + ttl` the entry is gone.
    await clock.sleep(1);
    expect(await store.consumeOnce('once', 1_000)).toBe(true);
    expect(await store.getValue('value')).toBeNull();
    expect((await store.hit('hit', 1, 1_000)).allowed).toBe(true);
    expect(await store.claimExpired(options)).toHaveLength(1);
  });

  it('drops expired keys nobody reads again, so dedupe keys never pile up', async () => {
    const clock = manualClock();
    const store = memoryStore({ now: clock.now });
    let peak = 0;
    for (let round = 0; round < 20; round += 1) {
      for (let index = 0; index < 500; index += 1) {
        await store.consumeOnce(`dedupe:${round}:${index}`, 1_000);
        await store.hit(`ip:${round}:${index}`, 5, 1_000);
        await store.putValue(`share:${round}:${index}`, 'x', 1_000);
      }
      const { markers, counters, values } = store.stats();
      peak = Math.max(peak, markers, counters, values);
      await clock.sleep(1_001);
    }
    // 10 000 keys per family were written, at most 500 alive at a time: the maps stay near the floor.
    expect(peak).toBeLessThanOrEqual(2_048);
    expect(store.stats().markers).toBeLessThan(10_000);
  });

  it('reports entry counts in stats()', async () => {
    const store = memoryStore();
    await store.claimOrder(code());
    await store.appendLog({
      subject: 'c1',
      orderId: 'o1',
      cip: null,
      type: 'note',
      actor: 'system',
      at: new Date(),
      reason: null,
      from: null,
      to: null,
      data: {},
    });
    await store.consumeOnce('k', 1_000);
    expect(store.stats()).toEqual({ codes: 1, markers: 1, values: 0, counters: 0, logSubjects: 1, logEntries: 1 });
    expect(store.name).toBe('memory');
  });

  it('rejects a clock that is not a function with config_invalid', () => {
    let caught: unknown;
    try {
      memoryStore({ now: 5 as unknown as () => number });
    } catch (error) {
      caught = error;
    }
    expect(isPagoEfectivoKitError(caught, 'config_invalid')).toBe(true);
  });

  it('explains a CIP conflict in the error details without touching the store', async () => {
    const store = memoryStore();
    await store.claimOrder(code());
    const error = await store.claimOrder(code({ id: 'c2', orderId: 'o2' })).catch((caught: unknown) => caught);
    expect(isPagoEfectivoKitError(error, 'storage_error')).toBe(true);
    expect((error as { details?: unknown }).details).toEqual({
      operation: 'claimOrder',
      reason: 'cip_conflict',
      cip: '1000001',
    });
    expect(store.stats().codes).toBe(1);
  });
});
