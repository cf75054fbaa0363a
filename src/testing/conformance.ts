import { ConfigurationError } from '../errors.js';
import type { CashCodeStore } from '../storage/contract.js';
import { type ConformanceTestApi, registerSkipped, registerTest, resolveTestApi } from './_conformance/api.js';
import { batchCommitTests } from './_conformance/batch-commits.js';
import { claimTests } from './_conformance/claims.js';
import { commitTests } from './_conformance/commits.js';
import { expiryTests } from './_conformance/expiry.js';
import { faultTests } from './_conformance/faults.js';
import type { SuiteContext } from './_conformance/fixtures.js';
import { createFaultInjector, type FaultInjector, type StoreFaults } from './_conformance/injector.js';
import { keyTests } from './_conformance/keys.js';
import { listingTests } from './_conformance/listing.js';
import { logTests } from './_conformance/log.js';
import { logPageTests } from './_conformance/log-pages.js';
import { outboxTests } from './_conformance/outbox.js';
import { reexecutionTests } from './_conformance/reexecution.js';
import { retentionTests } from './_conformance/retention.js';
import { statusPageTests } from './_conformance/status-pages.js';
import { updateTests } from './_conformance/updates.js';

export type { StoreFaults } from './_conformance/injector.js';

/** What the suite hands to `makeStore` for each test. */
export interface StoreFactoryContext {
  /** The suite's clock (epoch ms); a store that accepts an injected clock should use it. */
  now: () => number;
  /**
   * A fresh backend-fault controller for this test. Route every backend call of the store through
   * `faults.intercept(() => call())` and set `faultInjection: true` in the options to run the fault
   * tests; stores without a backend (memory) ignore it.
   */
  faults: StoreFaults;
}

/** A store plus how to release it after the test (close a connection, drop a schema…). */
export interface StoreHandle {
  store: CashCodeStore;
  dispose?: () => void | Promise<void>;
}

/** Creates a fresh store for one test. */
export type StoreFactory = (
  context: StoreFactoryContext,
) => CashCodeStore | StoreHandle | Promise<CashCodeStore | StoreHandle>;

/** A clock the suite reads and advances; real adapters keep the default wall clock. */
export interface StoreConformanceClock {
  now: () => number;
  /** Let `ms` pass (the default really waits). */
  sleep: (ms: number) => Promise<void>;
}

export type { ConformanceTestApi, ConformanceTestFn } from './_conformance/api.js';

/** Options of {@link describeStoreConformance}. */
export interface StoreConformanceOptions {
  /**
   * The test runner's `describe`, `it`, `beforeEach` and `afterEach` to register the suite with
   * (vitest: `{ describe, it, beforeEach, afterEach }` imported from `vitest`; node:test: the
   * `node:test` module itself). Defaults to the globals of that name (jest, mocha, vitest with
   * `test.globals: true`); without either, `describeStoreConformance` throws a `ConfigurationError`.
   */
  api?: ConformanceTestApi;
  /**
   * Register one skipped test stating this reason instead of the suite, e.g. when the database is
   * not configured. The reason is shown in the test report, so say how to enable the suite.
   */
  skipReason?: string;
  /** Callers per race test (default 100). Lower it only for backends with tiny connection limits. */
  concurrency?: number;
  /**
   * A fake clock shared with the store (pass `context.now` to it in `makeStore`) so TTL tests run
   * without waiting. Defaults to the wall clock and real waits of about 1.3 s in total.
   */
  clock?: StoreConformanceClock;
  /**
   * The factory routes every backend call of its store through `context.faults.intercept`, so the
   * suite may fail any call before it runs or after it ran (reply lost) and check that no commit is
   * ever half-written. Without it the fault tests show as one skipped test. The suite checks the
   * wiring: a store that makes no intercepted call fails the fault tests.
   */
  faultInjection?: boolean;
}

const NO_FAULTS =
  'backend fault tests need a factory that routes every backend call through context.faults.intercept ' +
  'and sets { faultInjection: true }; the atomic-commit tests above still run (a store without a backend, ' +
  'like memory, commits in one synchronous step)';

const wallClock: StoreConformanceClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function isHandle(value: CashCodeStore | StoreHandle): value is StoreHandle {
  return typeof (value as Partial<CashCodeStore>).claimOrder !== 'function' && 'store' in value;
}

/**
 * Register the shared store conformance suite with your test runner: every {@link CashCodeStore} operation,
 * its atomicity under races (100 concurrent claims, updates, takes, hits, event claims), TTLs, copies
 * and exact round-trips; atomic commits of a code with its lifecycle entries and outbox events;
 * re-execution of every mutating operation; the outbox's order, leases and dead letters; the optional
 * `readLogPage`, `listStaleReservations`, `purgeExpired` and `commitCodes` (each test checks the SDK's
 * fallback instead, and asks the runner to show it skipped, when the store lacks the method); and, when the
 * factory wires `context.faults`, a fault at every backend call of each atomic write. Each test gets a fresh store from `makeStore` and disposes it afterwards. Tests only
 * use the contract and random ids, so the suite also runs against a database other runs share
 * (nothing else should call `claimExpired` or `claimEvents` on it meanwhile).
 *
 * The suite depends on no test framework: it registers its tests through `options.api` or the
 * runner's globals (see {@link StoreConformanceOptions.api}) and asserts with its own matchers, whose
 * failures are `AssertionError`s with a diff in the message.
 *
 * @throws {ConfigurationError} (`config_invalid`) when no test API is given or found, or on a bad
 * `concurrency`.
 *
 * @example
 * ```ts
 * // test/my-store.test.ts (vitest)
 * import { afterEach, beforeEach, describe, it } from 'vitest';
 * import { describeStoreConformance } from 'pagoefectivo-kit/testing';
 *
 * describeStoreConformance('my-store', async () => {
 *   const db = await connect(process.env.MY_DB_URL!);
 *   return { store: myStore(db), dispose: () => db.close() };
 * }, {
 *   api: { describe, it, beforeEach, afterEach },
 *   skipReason: process.env.MY_DB_URL ? undefined : 'set MY_DB_URL to run the my-store suite',
 * });
 * ```
 */
export function describeStoreConformance(
  name: string,
  makeStore: StoreFactory,
  options: StoreConformanceOptions = {},
): void {
  const api = resolveTestApi(options.api);
  api.describe(`store conformance: ${name}`, () => {
    const reason = options.skipReason;
    if (reason !== undefined && reason !== '') {
      registerSkipped(api, reason);
      return;
    }
    const clock = options.clock ?? wallClock;
    const concurrency = options.concurrency ?? 100;
    if (!Number.isSafeInteger(concurrency) || concurrency < 2) {
      throw new ConfigurationError(
        `describeStoreConformance(): concurrency must be an integer of at least 2, got ${concurrency}.`,
      );
    }
    let current: StoreHandle | null = null;
    let faults: FaultInjector | null = null;

    api.beforeEach(async () => {
      faults = createFaultInjector();
      const made = await makeStore({ now: clock.now, faults });
      current = isHandle(made) ? made : { store: made };
    });
    api.afterEach(async () => {
      const handle = current;
      current = null;
      faults?.disarm();
      await handle?.dispose?.();
    });

    const ctx: SuiteContext = {
      store() {
        if (current === null) throw new Error('The store is only available inside a conformance test.');
        return current.store;
      },
      faults() {
        if (faults === null) throw new Error('The fault controller is only available inside a conformance test.');
        return faults;
      },
      concurrency,
      now: clock.now,
      sleep: clock.sleep,
      it: registerTest(api),
    };
    api.describe('claimOrder and lookups', () => claimTests(ctx));
    api.describe('updateCode', () => updateTests(ctx));
    api.describe('listCodes', () => listingTests(ctx));
    api.describe('claimExpired', () => expiryTests(ctx));
    api.describe('keys, values and counters', () => keyTests(ctx));
    api.describe('lifecycle log', () => logTests(ctx));
    api.describe('atomic commits', () => commitTests(ctx));
    api.describe('re-execution', () => reexecutionTests(ctx));
    api.describe('event outbox', () => outboxTests(ctx));
    // Optional methods: each test checks the fallback and shows as skipped when the store lacks one.
    api.describe('paging, stale reservations and purges', () => {
      logPageTests(ctx);
      statusPageTests(ctx);
      retentionTests(ctx);
      batchCommitTests(ctx);
    });
    api.describe('backend faults', () => {
      if (options.faultInjection === true) faultTests(ctx);
      else registerSkipped(api, NO_FAULTS);
    });
  });
}
