import { ConfigurationError } from '../../errors.js';

/** A test body as the conformance suite registers it: no arguments, so no runner sees a `done` callback. */
export type ConformanceTestFn = () => Promise<void> | void;

/**
 * The four functions the conformance suite registers its tests with. vitest, jest, mocha and
 * `node:test` all provide them with these shapes, so the module itself can be passed
 * (`import * as nodeTest from 'node:test'` … `{ api: nodeTest }`).
 */
export interface ConformanceTestApi {
  /** Group tests; the callback registers them synchronously. */
  describe: (name: string, fn: () => void) => unknown;
  /** Register one test; `it.skip`, when present, registers a skipped one. */
  it: ((name: string, fn: ConformanceTestFn) => unknown) & {
    skip?: (name: string, fn: ConformanceTestFn) => unknown;
  };
  /** Run before every test of the enclosing `describe` (nested groups included). */
  beforeEach: (fn: ConformanceTestFn) => unknown;
  /** Run after every test of the enclosing `describe` (nested groups included). */
  afterEach: (fn: ConformanceTestFn) => unknown;
}

const MEMBERS = ['describe', 'it', 'beforeEach', 'afterEach'] as const;

const HOW_TO =
  'Pass the functions of your test runner, e.g. for vitest: ' +
  "`import { describe, it, beforeEach, afterEach } from 'vitest'; " +
  "describeStoreConformance('my-store', makeStore, { api: { describe, it, beforeEach, afterEach } })` " +
  "(node:test: `import * as nodeTest from 'node:test'` and `{ api: nodeTest }`), " +
  'or run under a runner that defines them as globals (jest, mocha, vitest with `test.globals: true`).';

function missingMembers(candidate: unknown): string[] {
  if (candidate === null || (typeof candidate !== 'object' && typeof candidate !== 'function')) return [...MEMBERS];
  const record = candidate as Record<string, unknown>;
  return MEMBERS.filter((member) => typeof record[member] !== 'function');
}

/**
 * The test API to register the suite with: `explicit` when given (it must be complete), otherwise the
 * runner's globals. Throws a `ConfigurationError` (`config_invalid`) naming what is missing.
 */
export function resolveTestApi(explicit: ConformanceTestApi | undefined): ConformanceTestApi {
  if (explicit !== undefined) {
    const missing = missingMembers(explicit);
    if (missing.length > 0) {
      throw new ConfigurationError(
        `describeStoreConformance(): options.api lacks ${missing.join(', ')} (functions expected). ${HOW_TO}`,
      );
    }
    return explicit;
  }
  const globals = globalThis as unknown as Partial<ConformanceTestApi>;
  if (missingMembers(globals).length === 0) {
    return {
      describe: globals.describe!,
      it: globals.it!,
      beforeEach: globals.beforeEach!,
      afterEach: globals.afterEach!,
    };
  }
  throw new ConfigurationError(
    'describeStoreConformance(): no test API found: options.api is not set and describe, it, beforeEach ' +
      `and afterEach are not globals. ${HOW_TO}`,
  );
}

/**
 * Register the one visible test that says why the suite did not run: `it.skip` when the runner has
 * it, otherwise a test that passes with the reason in its title.
 */
export function registerSkipped(api: ConformanceTestApi, reason: string): void {
  const title = `skipped: ${reason}`;
  if (typeof api.it.skip === 'function') {
    api.it.skip(title, () => {});
    return;
  }
  api.it(title, () => {});
}

/** What a running conformance test can ask of its runner. */
export interface RunningTest {
  /**
   * Mark the running test skipped with `reason`, when the runner can do that from inside a test
   * (vitest's `context.skip` stops the test there; node:test's `t.skip` marks it and it goes on).
   * Other runners show the test as passed; the suite calls this only after checking the fallback the
   * SDK uses instead of the missing capability, so the test still proves something.
   */
  skip(reason: string): void;
}

type RunnerSkip = (reason: string) => unknown;

function runnerSkip(context: unknown): RunnerSkip | null {
  // vitest's test context is a function object; node:test's is a plain one.
  if (context === null || (typeof context !== 'object' && typeof context !== 'function')) return null;
  const skip = (context as { skip?: unknown }).skip;
  return typeof skip === 'function' ? (reason) => (skip as RunnerSkip).call(context, reason) : null;
}

/** `it` with the runner's return value dropped (node:test returns a promise the suite must not hold). */
export function registerTest(
  api: ConformanceTestApi,
): (name: string, fn: (test: RunningTest) => Promise<void>) => void {
  return (name, fn) => {
    // A rest parameter keeps the function's length at 0: no runner mistakes it for a `done` callback.
    api.it(name, (...args: unknown[]) => {
      const skip = runnerSkip(args[0]);
      return fn({ skip: (reason) => skip?.(reason) });
    });
  };
}
