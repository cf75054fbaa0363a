import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount } from '../../src/money/index.js';
import { parseSettlementAmount } from '../../src/reconcile/index.js';

describe('parseSettlementAmount', () => {
  it.each([
    ['150.50', 15050],
    ['150,50', 15050],
    ['150,5', 15050],
    ['150', 15000],
    ['1,234.50', 123450],
    ['1.234,50', 123450],
    ['1 234,50', 123450],
    ['1\u00a0234.50', 123450],
    ['1,234,567', 123456700],
    ['1.234.567,89', 123456789],
    ['S/ 150.50', 15050],
    ['S/. 1,234.50', 123450],
    ['US$ 40.00', 4000],
    ['PEN 12.3', 1230],
    [' 0.01 ', 1],
  ])('reads %j as %i minor units', (text, minor) => {
    expect(parseSettlementAmount(text)).toEqual({ ok: true, minor });
  });

  it.each([
    ['', 'empty'],
    ['1,234', 'ambiguous'],
    ['1.234', 'ambiguous'],
    ['-150.00', 'negative'],
    ['(150.00)', 'negative'],
    ['150.505', 'ambiguous'],
    ['150.5055', 'more than two decimals'],
    ['1.234.56', 'misplaced'],
    ['12,34.50', 'inconsistently'],
    ['1.234.567.8,90', 'inconsistently'],
    ['150.', 'ends with a separator'],
    ['1e3', 'not a plain amount'],
    ['12 34', 'not a plain amount'],
    ['0.00', 'greater than zero'],
    ['abc', 'not a plain amount'],
  ])('refuses %j (%s)', (text, why) => {
    const result = parseSettlementAmount(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(why);
  });

  it('reads every two-decimal amount exactly in both conventions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999_999 }), (minor) => {
        const plain = formatAmount(minor);
        const [integer = '', fraction = ''] = plain.split('.');
        const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        expect(parseSettlementAmount(plain)).toEqual({ ok: true, minor });
        expect(parseSettlementAmount(`${grouped}.${fraction}`)).toEqual({ ok: true, minor });
        expect(parseSettlementAmount(`${grouped.replaceAll(',', '.')},${fraction}`)).toEqual({ ok: true, minor });
      }),
    );
  });
});
