import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import type { CashCode } from '../../src/model/code.js';
import { memoryStore } from '../../src/storage/memory.js';
import { type ConformanceTestApi, describeStoreConformance } from '../../src/testing/conformance.js';

// The suite imports no test framework: vitest hands it its functions (no `globals: true` needed).
const api = { describe, it, beforeEach, afterEach };

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

describeStoreConformance('memory', () => memoryStore(), { api });

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
  { api, clock: fake },
);

/** A test API that only records what the suite registers. */
function recorder(options: { skip?: boolean } = {}): {
  api: ConformanceTestApi;
  calls: { describes: string[]; tests: string[]; skipped: string[]; hooks: number };
} {
  const calls = { describes: [] as string[], tests: [] as string[], skipped: [] as string[], hooks: 0 };
  const test = (name: string): void => {
    calls.tests.push(name);
  };
  const skip = (name: string): void => {
    calls.skipped.push(name);
  };
  return {
    calls,
    api: {
      describe: (name, fn) => {
        calls.describes.push(name);
        fn();
      },
      it: options.skip === false ? test : Object.assign(test, { skip }),
      beforeEach: () => {
        calls.hooks += 1;
      },
      afterEach: () => {
        calls.hooks += 1;
      },
    },
  };
}

function configurationError(run: () => void): Error & { code?: string } {
  try {
    run();
  } catch (error) {
    expect(isPagoEfectivoKitError(error, 'config_invalid')).toBe(true);
    return error as Error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('describeStoreConformance', () => {
  it('gave each test its own store and disposed every one', () => {
    expect(lifecycle.made).toBeGreaterThan(40);
    expect(lifecycle.disposed).toBe(lifecycle.made);
  });

  it('without options.api and without runner globals, throws a ConfigurationError naming both ways', () => {
    expect(globalThis).not.toHaveProperty('describe');
    const error = configurationError(() => describeStoreConformance('no api', () => memoryStore()));
    expect(error.message).toContain("import { describe, it, beforeEach, afterEach } from 'vitest'");
    expect(error.message).toContain('{ api: { describe, it, beforeEach, afterEach } }');
    expect(error.message).toContain('globals');
  });

  it('rejects an incomplete options.api, naming the missing functions', () => {
    const incomplete = { describe, it } as unknown as ConformanceTestApi;
    const error = configurationError(() => describeStoreConformance('half', () => memoryStore(), { api: incomplete }));
    expect(error.message).toContain('options.api lacks beforeEach, afterEach');
  });

  it('registers the whole suite through options.api: six groups, two hooks, every test', () => {
    const { api: recording, calls } = recorder();
    describeStoreConformance('recorded', () => memoryStore(), { api: recording });
    expect(calls.describes).toEqual([
      'store conformance: recorded',
      'claimOrder and lookups',
      'updateCode',
      'listCodes',
      'claimExpired',
      'keys, values and counters',
      'lifecycle log',
    ]);
    expect(calls.hooks).toBe(2);
    expect(calls.tests.length).toBeGreaterThan(40);
    expect(calls.tests).toContain(
      'concurrent claims for one order: exactly one wins and every other caller sees the winner',
    );
    expect(calls.skipped).toEqual([]);
  });

  it('falls back to the globals describe/it/beforeEach/afterEach (jest, mocha, vitest globals: true)', () => {
    const { api: recording, calls } = recorder();
    for (const [name, fn] of Object.entries(recording)) vi.stubGlobal(name, fn);
    try {
      describeStoreConformance('via globals', () => memoryStore());
    } finally {
      vi.unstubAllGlobals();
    }
    expect(calls.describes[0]).toBe('store conformance: via globals');
    expect(calls.tests.length).toBeGreaterThan(40);
    expect(globalThis).not.toHaveProperty('describe');
  });

  it('skipReason registers one skipped test stating why, with it.skip or, without it, a plain test', () => {
    const withSkip = recorder();
    describeStoreConformance('db', () => memoryStore(), { api: withSkip.api, skipReason: 'set DB_URL' });
    expect(withSkip.calls).toEqual({
      describes: ['store conformance: db'],
      tests: [],
      skipped: ['skipped: set DB_URL'],
      hooks: 0,
    });
    const withoutSkip = recorder({ skip: false });
    describeStoreConformance('db', () => memoryStore(), { api: withoutSkip.api, skipReason: 'set DB_URL' });
    expect(withoutSkip.calls.tests).toEqual(['skipped: set DB_URL']);
    expect(withoutSkip.calls.hooks).toBe(0);
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
