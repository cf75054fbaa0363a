import { brief, difference, subsetDifference } from './equality.js';
import { diffLines } from './inspect.js';

// A private, runner-independent `expect` with exactly the matchers the conformance suite uses and
// vitest's semantics for them (see ./equality.ts). Failures are AssertionErrors shaped like
// node:assert's (name, code ERR_ASSERTION, actual, expected, operator) whose message names the first
// difference and carries a diff, so every runner (vitest, jest, mocha, node:test) prints the same
// thing — defined here rather than imported, so the suite also loads on workerd and in browsers.

/** A failed conformance expectation; the same shape as node:assert's `AssertionError`. */
export class AssertionError extends Error {
  readonly code = 'ERR_ASSERTION';
  readonly generatedMessage = false;
  /** The message already holds the diff: runners that would print their own (vitest, mocha) do not. */
  readonly showDiff = false;
  constructor(
    message: string,
    readonly actual: unknown,
    readonly expected: unknown,
    readonly operator: string,
  ) {
    super(message);
    this.name = 'AssertionError';
  }
}

/** Throw an AssertionError; with `diff`, the message ends with a line diff of the two values. */
function raise(label: string | undefined, what: string, actual: unknown, expected: unknown, diff = false): never {
  let message = label ? `${label}: ${what}` : what;
  if (diff) message += `\n${diffLines(actual, expected)}`;
  const error = new AssertionError(message, actual, expected, 'conformance');
  (Error as { captureStackTrace?: (target: object, fn: unknown) => void }).captureStackTrace?.(error, raise);
  throw error;
}

/** The matchers of {@link expect}. */
export interface Matchers {
  /** `Object.is(actual, expected)`. */
  toBe(expected: unknown): void;
  /** Deep equality (see ./equality.ts). */
  toEqual(expected: unknown): void;
  /** Every property of `subset` is present and equal, recursively. */
  toMatchObject(subset: object): void;
  toBeNull(): void;
  toBeInstanceOf(type: abstract new (...args: never[]) => unknown): void;
  toHaveLength(length: number): void;
  toBeGreaterThan(bound: number): void;
  toBeGreaterThanOrEqual(bound: number): void;
  toBeLessThanOrEqual(bound: number): void;
  not: { toBeNull(): void };
}

const isComposite = (value: unknown): boolean => typeof value === 'object' || typeof value === 'string';

/** Assert on `actual`; `label` prefixes the failure message. */
export function expect(actual: unknown, label?: string): Matchers {
  const compare = (matcher: string, bound: number, holds: (value: number) => boolean, relation: string): void => {
    if (typeof actual !== 'number') raise(label, `${matcher} expects a number, got ${brief(actual)}`, actual, bound);
    if (!holds(actual)) raise(label, `expected ${brief(actual)} to be ${relation} ${brief(bound)}`, actual, bound);
  };
  return {
    toBe(expected) {
      if (Object.is(actual, expected)) return;
      const diff = isComposite(actual) && isComposite(expected);
      raise(label, `expected ${brief(actual)} to be ${brief(expected)} (Object.is)`, actual, expected, diff);
    },
    toEqual(expected) {
      const found = difference(actual, expected);
      if (found !== null) raise(label, `expected deeply equal values, but ${found}`, actual, expected, true);
    },
    toMatchObject(subset) {
      const found = subsetDifference(actual, subset);
      if (found !== null) raise(label, `expected a match of ${brief(subset)}, but ${found}`, actual, subset, true);
    },
    toBeNull() {
      if (actual !== null) raise(label, `expected null, got ${brief(actual)}`, actual, null);
    },
    toBeInstanceOf(type) {
      if (!(actual instanceof type)) {
        raise(label, `expected an instance of ${type.name}, got ${brief(actual)}`, actual, type.name);
      }
    },
    toHaveLength(length) {
      const size = (actual as { length?: unknown } | null | undefined)?.length;
      if (size !== length)
        raise(label, `expected a length of ${length}, got ${brief(size)}: ${brief(actual)}`, size, length);
    },
    toBeGreaterThan(bound) {
      compare('toBeGreaterThan', bound, (value) => value > bound, 'greater than');
    },
    toBeGreaterThanOrEqual(bound) {
      compare('toBeGreaterThanOrEqual', bound, (value) => value >= bound, 'greater than or equal to');
    },
    toBeLessThanOrEqual(bound) {
      compare('toBeLessThanOrEqual', bound, (value) => value <= bound, 'less than or equal to');
    },
    not: {
      toBeNull() {
        if (actual === null) raise(label, 'expected a value other than null', actual, 'not null');
      },
    },
  };
}

/** Fail the running test with `message`. */
export function fail(message: string): never {
  raise(undefined, message, undefined, undefined);
}
