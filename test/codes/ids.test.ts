import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodeId, isValidCodeId } from '../../src/codes/ids.js';

const ID = /^pc_[0-9a-v]{9}[A-Za-z0-9_-]{13}$/;
const MAX_TIME = 32 ** 9 - 1;
const timeOf = (id: string): string => id.slice(3, 12);

describe('createCodeId', () => {
  it('is pc_, nine base-32 time digits and thirteen random URL-safe characters: a valid transactionCode', () => {
    for (let i = 0; i < 200; i++) {
      const id = createCodeId();
      expect(id).toMatch(ID);
      expect(isValidCodeId(id)).toBe(true);
    }
  });

  it('sorts by creation millisecond in byte order (how every kit store compares ids)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TIME }), fc.integer({ min: 0, max: MAX_TIME }), (a, b) => {
        fc.pre(a !== b);
        const [early, late] = [createCodeId({ at: Math.min(a, b) }), createCodeId({ at: Math.max(a, b) })];
        expect(early < late).toBe(true);
        expect(Buffer.compare(Buffer.from(early), Buffer.from(late))).toBe(-1);
      }),
    );
  });

  it('encodes the creation time it is given (Date or epoch ms), clamped to the 45 bits it has room for', () => {
    const newYear = Date.UTC(2026, 0, 1);
    expect(timeOf(createCodeId({ at: 0 }))).toBe('000000000');
    expect(timeOf(createCodeId({ at: newYear }))).toBe(newYear.toString(32).padStart(9, '0'));
    expect(timeOf(createCodeId({ at: new Date(newYear) }))).toBe(newYear.toString(32).padStart(9, '0'));
    expect(timeOf(createCodeId({ at: -5 }))).toBe('000000000');
    expect(timeOf(createCodeId({ at: MAX_TIME + 7 }))).toBe('vvvvvvvvv');
  });

  it('falls back to the wall clock for a time that is not a finite number, and for a bare argument', () => {
    const before = Date.now();
    const wall = [
      createCodeId({ at: Number.NaN }),
      createCodeId({ at: Number.POSITIVE_INFINITY }),
      createCodeId({ at: new Date(Number.NaN) }),
      // `ids.map(createCodeId)` passes each index: it must not become the creation time.
      ...[10, 20].map(createCodeId as (value: unknown) => string),
    ];
    const after = Date.now();
    for (const id of wall) {
      expect(id).toMatch(ID);
      const at = Number.parseInt(timeOf(id), 32);
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
    }
  });

  it('keeps ids created in the same millisecond apart (78 random bits)', () => {
    const ids = new Set(Array.from({ length: 50_000 }, () => createCodeId({ at: 1_800_000_000_000 })));
    expect(ids.size).toBe(50_000);
  });
});
