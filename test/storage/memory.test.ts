import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPagoEfectivoKitError, toStorageError } from '../../src/errors.js';
import type { CashCode } from '../../src/model/code.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';
import {
  type ConformanceTestApi,
  type ConformanceTestFn,
  describeStoreConformance,
  type StoreFaults,
} from '../../src/testing/conformance.js';

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

/**
 * The memory store behind a one-call-per-operation "backend", like a Redis store whose every operation
 * is one script: each call goes through the suite's fault controller and backend failures become
 * StorageErrors, as an adapter does with its driver's errors.
 */
function throughFaults(inner: CashCodeStore, faults: StoreFaults): CashCodeStore {
  const wrapped: Record<string, unknown> = { name: inner.name };
  for (const [key, method] of Object.entries(inner)) {
    if (typeof method !== 'function') continue;
    wrapped[key] = async (...args: unknown[]) => {
      try {
        return await faults.intercept(() => (method as (...a: unknown[]) => unknown)(...args));
      } catch (error) {
        throw toStorageError(error, `memory.${key}`);
      }
    };
  }
  return wrapped as unknown as CashCodeStore;
}

/** The memory store without the contract's optional methods, as a third-party store may be. */
function withoutOptional(inner: CashCodeStore): CashCodeStore {
  const { readLogPage, listStaleReservations, purgeExpired, commitCodes, ...required } = inner;
  return required;
}

// A store without the optional methods: each of their tests checks the fallback, then shows as skipped.
describeStoreConformance('memory (no optional methods)', () => withoutOptional(memoryStore()), { api });

// The fault tests on a store whose atomic writes are one backend call each.
describeStoreConformance(
  'memory (one backend call per operation)',
  ({ faults }) => throughFaults(memoryStore(), faults),
  {
    api,
    faultInjection: true,
  },
);

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

/** A test API that only records what the suite registers; `run` then runs one test with its hooks. */
function recorder(options: { skip?: boolean } = {}): {
  api: ConformanceTestApi;
  calls: { describes: string[]; tests: string[]; skipped: string[]; hooks: number };
  run: (name: string) => Promise<void>;
} {
  const calls = { describes: [] as string[], tests: [] as string[], skipped: [] as string[], hooks: 0 };
  const bodies = new Map<string, ConformanceTestFn>();
  const hooks = { before: [] as ConformanceTestFn[], after: [] as ConformanceTestFn[] };
  const test = (name: string, fn: ConformanceTestFn): void => {
    calls.tests.push(name);
    bodies.set(name, fn);
  };
  const skip = (name: string): void => {
    calls.skipped.push(name);
  };
  const run = async (name: string): Promise<void> => {
    const body = bodies.get(name);
    if (body === undefined) throw new Error(`no test named ${name}`);
    for (const hook of hooks.before) await hook();
    try {
      await body();
    } finally {
      for (const hook of hooks.after) await hook();
    }
  };
  return {
    calls,
    run,
    api: {
      describe: (name, fn) => {
        calls.describes.push(name);
        fn();
      },
      it: options.skip === false ? test : Object.assign(test, { skip }),
      beforeEach: (fn) => {
        calls.hooks += 1;
        hooks.before.push(fn);
      },
      afterEach: (fn) => {
        calls.hooks += 1;
        hooks.after.push(fn);
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

  it('registers the whole suite through options.api: eleven groups, two hooks, every test', () => {
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
      'atomic commits',
      're-execution',
      'event outbox',
      'paging, stale reservations and purges',
      'backend faults',
    ]);
    expect(calls.hooks).toBe(2);
    expect(calls.tests.length).toBeGreaterThan(70);
    expect(calls.tests).toContain(
      'concurrent claims for one order: exactly one wins and every other caller sees the winner',
    );
    // A factory that does not wire context.faults gets one visible skip saying how to wire it.
    expect(calls.skipped).toHaveLength(1);
    expect(calls.skipped[0]).toContain('context.faults.intercept');
    expect(calls.skipped[0]).toContain('faultInjection: true');
  });

  it('with faultInjection, registers the fault tests instead of the skip', () => {
    const { api: recording, calls } = recorder();
    describeStoreConformance('recorded', ({ faults }) => throughFaults(memoryStore(), faults), {
      api: recording,
      faultInjection: true,
    });
    expect(calls.skipped).toEqual([]);
    expect(calls.tests.filter((name) => name.includes('fault at any backend call'))).toHaveLength(4);
  });

  it('the fault tests catch a store that commits a code and its records in two backend calls', async () => {
    // A split commit: the code lands, then the records; a lost reply after the first leaves a paid code
    // without its entry or event. The suite must say so.
    const split = (faults: StoreFaults): CashCodeStore => {
      const store = throughFaults(memoryStore(), faults);
      return {
        ...store,
        async commitCode(commit) {
          if (!(await store.updateCode(commit.code, commit.expectedVersion))) return false;
          await store.appendRecords({ entries: commit.entries, events: commit.events });
          return true;
        },
      };
    };
    const { api: recording, calls, run } = recorder();
    describeStoreConformance('split', ({ faults }) => split(faults), { api: recording, faultInjection: true });
    const name = calls.tests.find((test) => test.startsWith('commitCode with a fault'))!;
    const error = await run(name).then(
      () => null,
      (caught: Error) => caught,
    );
    expect(error?.name).toBe('AssertionError');
    expect(error?.message).toContain('commitCode with a fault at backend call 1 (after): the lifecycle log');
  });

  it('the fault tests fail a factory that declares faultInjection but routes no call through it', async () => {
    const { api: recording, calls, run } = recorder();
    describeStoreConformance('unwired', () => memoryStore(), { api: recording, faultInjection: true });
    const error = await run(calls.tests.find((test) => test.startsWith('commitCode with a fault'))!).then(
      () => null,
      (caught: Error) => caught,
    );
    expect(error?.message).toContain('made no call through context.faults.intercept()');
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
    await store.appendRecords({
      entries: [],
      events: [
        {
          id: 'e1',
          type: 'code.paid',
          codeId: 'c1',
          orderId: 'o1',
          cip: null,
          at: new Date(),
          source: 'webhook',
          data: {},
        },
      ],
    });
    expect(store.stats()).toEqual({
      codes: 1,
      markers: 1,
      values: 0,
      counters: 0,
      logSubjects: 1,
      logEntries: 1,
      events: 1,
    });
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

describe('memory store event cursors', () => {
  it.each(['seq:', 'seq: 5', 'seq:0x10', 'seq:1e3', 'seq:-1', 'seq:05', 'seq:1.5', 'id:5'])(
    'refuses the cursor %j as validation_failed',
    async (cursor) => {
      const error = await memoryStore()
        .listEvents({ cursor })
        .catch((caught: unknown) => caught);
      expect(isPagoEfectivoKitError(error, 'validation_failed')).toBe(true);
    },
  );

  it('accepts the cursors it hands out', async () => {
    await expect(memoryStore().listEvents({ cursor: 'seq:0' })).resolves.toEqual({ events: [], nextCursor: null });
    await expect(memoryStore().listEvents({ cursor: 'seq:12' })).resolves.toEqual({ events: [], nextCursor: null });
  });
});
