import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { formatAmount, formatMoney, parseAmount, parseCurrency } from '../../src/money/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isPagoEfectivoKitError(error) ? error.code : 'untyped';
  }
  return undefined;
}

describe('parseAmount', () => {
  it.each([
    ['150.50', 15050],
    ['150.5', 15050],
    ['150', 15000],
    ['0.01', 1],
    ['007.10', 710],
    [' 12.34 ', 1234],
    ['9999999999999999.99', null],
  ])('reads %j exactly', (input, expected) => {
    if (expected === null) {
      expect(codeOf(() => parseAmount(input))).toBe('amount_invalid');
    } else {
      expect(parseAmount(input)).toBe(expected);
    }
  });

  it('accepts numbers whose decimal form has at most two decimals', () => {
    expect(parseAmount(150.5)).toBe(15050);
    expect(parseAmount(22.05)).toBe(2205);
    expect(parseAmount(0.1)).toBe(10);
  });

  it.each([
    ['zero', '0'],
    ['zero with decimals', '0.00'],
    ['negative', '-1.00'],
    ['three decimals', '1.005'],
    ['exponent', '1e3'],
    ['comma separator', '1,50'],
    ['empty', ''],
    ['letters', 'abc'],
    ['17 integer digits', '12345678901234567'],
    ['leading plus', '+5'],
  ])('rejects %s', (_label, input) => {
    expect(codeOf(() => parseAmount(input))).toBe('amount_invalid');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['float with more than two decimals', 0.1 + 0.2],
    ['exponent-formatted number', 1e21],
    ['negative number', -3],
  ])('rejects the number %s', (_label, input) => {
    expect(codeOf(() => parseAmount(input))).toBe('amount_invalid');
  });

  it('refuses numbers too large for a double to carry to the céntimo, and accepts their strings', () => {
    // The literal 90071992547409.91 is the double 90071992547409.90625, printed "90071992547409.9".
    expect(codeOf(() => parseAmount(90071992547409.91))).toBe('amount_invalid');
    expect(codeOf(() => parseAmount(10_000_000_000_000))).toBe('amount_invalid');
    expect(parseAmount('90071992547409.91')).toBe(9007199254740991);
    expect(parseAmount(9_999_999_999_999.99)).toBe(999_999_999_999_999);
  });

  it('rejects non-string, non-number input with a typed error', () => {
    expect(codeOf(() => parseAmount({} as unknown as string))).toBe('amount_invalid');
    expect(codeOf(() => parseAmount(null as unknown as string))).toBe('amount_invalid');
  });

  it('names the field in the issue path', () => {
    try {
      parseAmount('x', 'price.amount');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'amount_invalid', issues: [{ path: 'price.amount' }] });
    }
  });

  it('round-trips every minor-unit amount through its decimal string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (minor) => {
        expect(parseAmount(formatAmount(minor))).toBe(minor);
      }),
    );
  });

  it('round-trips every canonical decimal string', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: 0n, max: 90_071_992_547_409n }), fc.integer({ min: 0, max: 99 }))
      // 90071992547409.92–.99 lie beyond Number.MAX_SAFE_INTEGER minor units and are refused by design.
      .filter(([integer, cents]) => {
        const minor = integer * 100n + BigInt(cents);
        return minor > 0n && minor <= BigInt(Number.MAX_SAFE_INTEGER);
      })
      .map(([integer, cents]) => `${integer}.${String(cents).padStart(2, '0')}`);
    fc.assert(
      fc.property(decimal, (text) => {
        expect(formatAmount(parseAmount(text))).toBe(text);
      }),
    );
  });
});

describe('formatAmount and formatMoney', () => {
  it('formats minor units as two-decimal strings', () => {
    expect(formatAmount(1)).toBe('0.01');
    expect(formatAmount(15050)).toBe('150.50');
    expect(formatAmount(100)).toBe('1.00');
  });

  it('formats Peruvian money', () => {
    expect(formatMoney(123450, 'PEN')).toBe('S/ 1,234.50');
    expect(formatMoney(4000, 'USD')).toBe('US$ 40.00');
    expect(formatMoney(100000000, 'PEN')).toBe('S/ 1,000,000.00');
    expect(formatMoney(5, 'PEN')).toBe('S/ 0.05');
  });

  it('refuses non-integer minor units', () => {
    expect(codeOf(() => formatAmount(1.5))).toBe('amount_invalid');
    expect(codeOf(() => formatAmount(0))).toBe('amount_invalid');
  });
});

describe('parseCurrency', () => {
  it('accepts PEN and USD only', () => {
    expect(parseCurrency('PEN')).toBe('PEN');
    expect(parseCurrency('USD')).toBe('USD');
    expect(codeOf(() => parseCurrency('pen'))).toBe('currency_unsupported');
    expect(codeOf(() => parseCurrency('EUR'))).toBe('currency_unsupported');
    expect(codeOf(() => parseCurrency(undefined))).toBe('currency_unsupported');
  });
});
