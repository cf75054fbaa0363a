import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodeId, isValidCodeId } from '../../src/codes/ids.js';

const ID = /^pc_[0-9a-v]{9}[A-Za-z0-9_-]{13}$/;

describe('createCodeId', () => {
  it('is pc_, nine base-32 time digits and thirteen random URL-safe characters: a valid transactionCode', () => {
    for (let i = 0; i < 200; i++) {
      const id = createCodeId();
      expect(id).toMatch(ID);
      expect(isValidCodeId(id)).toBe(true);
    }
  });

  it('sorts by creation millisecond, in byte order and in a locale collation alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 ** 9 - 1 }), fc.integer({ min: 0, max: 32 ** 9 - 1 }), (a, b) => {
        fc.pre(a !== b);
        const [early, late] = a < b ? [createCodeId(a), createCodeId(b)] : [createCodeId(b), createCodeId(a)];
        expect(early < late).toBe(true);
        expect(early.slice(0, 12).localeCompare(late.slice(0, 12), 'en')).toBe(-1);
      }),
    );
  });

  it('encodes the creation millisecond it is given, clamped to the 45 bits it has room for', () => {
    expect(createCodeId(0).slice(0, 12)).toBe('pc_000000000');
    expect(createCodeId(Date.UTC(2026, 0, 1)).slice(3, 12)).toBe(Date.UTC(2026, 0, 1).toString(32).padStart(9, '0'));
    expect(createCodeId(-5).slice(0, 12)).toBe('pc_000000000');
    expect(createCodeId(32 ** 9 + 7).slice(0, 12)).toBe('pc_vvvvvvvvv');
    expect(createCodeId(Number.NaN)).toMatch(ID);
  });

  it('keeps ids created in the same millisecond apart (78 random bits)', () => {
    const ids = new Set(Array.from({ length: 50_000 }, () => createCodeId(1_800_000_000_000)));
    expect(ids.size).toBe(50_000);
  });
});
