/**
 * The backend-fault controller a store factory receives as `context.faults`.
 *
 * Wire it by running every backend call of the store (one SQL statement, one Redis command or script,
 * one better-sqlite3 statement run) through {@link StoreFaults.intercept}, and declare it with
 * `describeStoreConformance(…, { faultInjection: true })`. The suite then fails chosen calls, before
 * they reach the backend or after they ran with their reply lost, and checks that no commit is ever
 * half-written and that re-executing it repairs nothing but answers `true`.
 */
export interface StoreFaults {
  /**
   * Run one backend call. Returns what `run` returns, unless the suite armed a fault for this call:
   * then it throws an `Error` named `InjectedFault` either before calling `run` (the call never
   * reached the backend; thrown synchronously) or after `run` settled (the call took effect and its
   * reply was lost; a promise then rejects). The store must turn it into a `StorageError` like any
   * other backend failure.
   */
  intercept<T>(run: () => T): T;
}

/** When an armed fault strikes its call. */
export type FaultTiming = 'before' | 'after';

/** The suite's side of {@link StoreFaults}: arming, and what happened. */
export interface FaultInjector extends StoreFaults {
  /** Fail the `call`-th intercepted call from now (1 = the next one), once. */
  arm(call: number, timing: FaultTiming): void;
  /** Forget an armed fault that did not strike. */
  disarm(): void;
  /** Intercepted calls so far, armed or not. */
  readonly calls: number;
  /** Whether the last armed fault struck. */
  readonly fired: boolean;
}

function injectedFault(call: number, timing: FaultTiming): Error {
  const what = timing === 'before' ? 'failed before reaching the backend' : 'ran, and its reply was lost';
  const error = new Error(`conformance suite: injected fault: backend call ${call} ${what}`);
  error.name = 'InjectedFault';
  return error;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

/** Create a fresh injector (one per test), with nothing armed. */
export function createFaultInjector(): FaultInjector {
  let calls = 0;
  let armed: { at: number; timing: FaultTiming } | null = null;
  let fired = false;
  return {
    intercept<T>(run: () => T): T {
      calls += 1;
      if (armed === null || calls !== armed.at) return run();
      const { timing } = armed;
      armed = null;
      fired = true;
      const fault = injectedFault(calls, timing);
      if (timing === 'before') throw fault;
      const result = run();
      // A call that itself fails keeps its own error: the fault only hides successful replies.
      if (isThenable(result)) {
        return Promise.resolve(result).then(() => {
          throw fault;
        }) as T;
      }
      throw fault;
    },
    arm(call, timing) {
      armed = { at: calls + call, timing };
      fired = false;
    },
    disarm() {
      armed = null;
    },
    get calls() {
      return calls;
    },
    get fired() {
      return fired;
    },
  };
}
