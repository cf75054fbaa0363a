/**
 * The conformance suite's own AssertionError and value rendering (no node:assert, no node:util, so
 * `pagoefectivo-kit/testing` loads on workerd and in browsers): node:assert's error shape, messages
 * that name the first difference, and a `+ actual - expected` line diff.
 */
import { describe, expect, it } from 'vitest';
import { type AssertionError, expect as conformanceExpect } from '../../src/testing/_conformance/expect.js';
import { diffLines, inspect } from '../../src/testing/_conformance/inspect.js';

function failure(run: () => void): AssertionError {
  try {
    run();
  } catch (error) {
    return error as AssertionError;
  }
  throw new Error('expected a failure');
}

describe('conformance expect', () => {
  it('throws an AssertionError shaped like node:assert, naming the first difference, with a diff', () => {
    const error = failure(() =>
      conformanceExpect({ cip: '1', amount: 100, at: new Date('2024-03-05T00:00:00Z') }, 'getCode').toEqual({
        cip: '1',
        amount: 150,
        at: new Date('2024-03-05T00:00:00Z'),
      }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AssertionError');
    expect(error.code).toBe('ERR_ASSERTION');
    expect(error.actual).toMatchObject({ amount: 100 });
    expect(error.message).toContain('getCode: expected deeply equal values, but amount is 100, expected 150');
    expect(error.message).toContain('+ actual - expected');
    expect(error.message).toContain('+   amount: 100');
    expect(error.message).toContain('-   amount: 150');
    expect(error.message).toContain("    cip: '1'");
  });
});

describe('inspect', () => {
  it('renders store values deterministically on one line', () => {
    const value = {
      id: 'c-1',
      n: -0,
      big: 10n,
      at: new Date('2024-03-05T12:00:00Z'),
      tags: new Set(['a']),
      map: new Map([['k', 1]]),
      bytes: new Uint8Array([1, 2]),
      'odd key': undefined,
      nested: { deeper: { deepest: { gone: [1] } } },
    };
    expect(inspect(value, 3)).toBe(
      "{ id: 'c-1', n: -0, big: 10n, at: 2024-03-05T12:00:00.000Z, tags: Set(1) { 'a' }, map: Map(1) { 'k' => 1 }, " +
        "bytes: Uint8Array(2) [ 1, 2 ], 'odd key': undefined, nested: { deeper: { deepest: { gone: [Array] } } } }",
    );
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(inspect(circular)).toBe('{ self: [Circular] }');
  });

  it('diffs two renderings line by line', () => {
    expect(diffLines([1, 2, 3], [1, 4, 3])).toBe(
      '+ actual - expected\n\n  [\n    1,\n- 4,\n+ 2,\n    3\n  ]'.replace('- 4,\n+ 2,', '-   4,\n+   2,'),
    );
  });
});
