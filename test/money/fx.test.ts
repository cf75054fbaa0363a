import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { convertPrice, formatAmount } from '../../src/money/index.js';

const quotedAt = new Date('2026-11-26T15:00:00Z');

function fxCode(input: Parameters<typeof convertPrice>[0]): string | undefined {
  try {
    convertPrice(input);
  } catch (error) {
    return isPagoEfectivoKitError(error) ? error.code : 'untyped';
  }
  return undefined;
}

describe('convertPrice', () => {
  it('rounds half up to the minor unit and records the lock', () => {
    const { amountMinor, fx } = convertPrice({
      amount: '10.00',
      from: 'EUR',
      to: 'PEN',
      rate: '4.0555',
      source: 'ECB',
      quotedAt,
    });
    expect(amountMinor).toBe(4056);
    expect(fx).toEqual({
      from: 'EUR',
      to: 'PEN',
      originalAmount: '10.00',
      rate: '4.0555',
      source: 'ECB',
      quotedAt,
      rounding: 'half_up',
    });
    expect(fx.quotedAt).not.toBe(quotedAt);
  });

  it('rounds down below the half', () => {
    expect(
      convertPrice({ amount: '1.00', from: 'USD', to: 'PEN', rate: '3.754', source: 'SBS', quotedAt }).amountMinor,
    ).toBe(375);
  });

  it('matches exact integer arithmetic for any price and rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_00 }),
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.integer({ min: 0, max: 8 }),
        (priceMinor, rateDigits, rateScale) => {
          const rateText = (rateDigits / 10 ** rateScale).toFixed(rateScale);
          const scaled = BigInt(rateText.replace('.', ''));
          const divisor = 10n ** BigInt(rateScale);
          const product = BigInt(priceMinor) * scaled;
          const floor = product / divisor;
          const remainder = product % divisor;
          const expected = remainder * 2n >= divisor ? floor + 1n : floor;
          fc.pre(expected > 0n && expected <= BigInt(Number.MAX_SAFE_INTEGER));
          const { amountMinor } = convertPrice({
            amount: formatAmount(priceMinor),
            from: 'USD',
            to: 'PEN',
            rate: rateText,
            source: 'test',
            quotedAt,
          });
          expect(BigInt(amountMinor)).toBe(expected);
        },
      ),
    );
  });

  it.each([
    ['negative rate', { rate: '-1' }],
    ['zero rate', { rate: '0' }],
    ['float rate', { rate: 3.75 as unknown as string }],
    ['too many rate decimals', { rate: '1.12345678901' }],
    ['lowercase currency', { from: 'eur' }],
    ['empty source', { source: ' ' }],
    ['invalid date', { quotedAt: new Date('x') }],
    ['result rounds to zero', { amount: '0.01', rate: '0.001' }],
  ])('rejects %s', (_label, patch) => {
    const base = { amount: '10.00', from: 'EUR', to: 'PEN' as const, rate: '4.05', source: 'ECB', quotedAt };
    expect(fxCode({ ...base, ...patch })).toBe('fx_invalid');
  });

  it('rejects an unsupported target currency and a bad price', () => {
    const base = { amount: '10.00', from: 'EUR', to: 'PEN' as const, rate: '4.05', source: 'ECB', quotedAt };
    expect(fxCode({ ...base, to: 'EUR' as 'PEN' })).toBe('currency_unsupported');
    expect(fxCode({ ...base, amount: '10.001' })).toBe('amount_invalid');
  });
});
