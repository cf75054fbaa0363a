import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIssueInput } from '../../src/codes/index.js';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { formatAmount } from '../../src/money/index.js';

const payer = { email: 'cliente@example.pe' };
const quotedAt = new Date('2026-03-02T14:00:00Z');

describe('parseIssueInput: the amount lock', () => {
  it('locks a decimal amount in minor units without floats', () => {
    expect(parseIssueInput({ orderId: 'O', amount: '0.10', currency: 'USD', payer })).toMatchObject({
      amountMinor: 10,
      currency: 'USD',
      fx: null,
    });
    expect(parseIssueInput({ orderId: 'O', amount: '90071992547409.91', currency: 'PEN', payer }).amountMinor).toBe(
      Number.MAX_SAFE_INTEGER,
    );
    // Beyond exact integers the amount is refused, never rounded.
    expect(() => parseIssueInput({ orderId: 'O', amount: '90071992547409.92', currency: 'PEN', payer })).toThrow(
      /too large/,
    );
  });

  it('converts any price at any rate exactly, rounding half up to the minor unit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_00 }),
        fc.integer({ min: 0, max: 999 }),
        fc
          .integer({ min: 0, max: 10 })
          .chain((digits) => fc.tuple(fc.constant(digits), fc.bigInt({ min: 0n, max: 10n ** BigInt(digits) - 1n }))),
        (priceMinor, whole, [digits, fraction]) => {
          const rate = digits === 0 ? String(whole) : `${whole}.${fraction.toString().padStart(digits, '0')}`;
          const scaled = BigInt(whole) * 10n ** BigInt(digits) + fraction;
          const exact = BigInt(priceMinor) * scaled;
          const divisor = 10n ** BigInt(digits);
          // Half up: add half the divisor, then floor.
          const expected = (exact * 2n + divisor) / (2n * divisor);
          const input = {
            orderId: 'O',
            price: { amount: formatAmount(priceMinor), currency: 'EUR' },
            fx: { rate, source: 'ECB', quotedAt },
            payer,
          };
          if (expected === 0n || scaled === 0n) {
            expect(() => parseIssueInput(input)).toThrow();
            return;
          }
          const request = parseIssueInput(input);
          expect(request.amountMinor).toBe(Number(expected));
          expect(request.currency).toBe('PEN');
          expect(request.fx).toEqual({
            from: 'EUR',
            to: 'PEN',
            originalAmount: formatAmount(priceMinor),
            rate,
            source: 'ECB',
            quotedAt,
            rounding: 'half_up',
          });
        },
      ),
    );
  });

  it('converts into USD when currency says so', () => {
    const request = parseIssueInput({
      orderId: 'O',
      currency: 'USD',
      price: { amount: '100.00', currency: 'PEN' },
      fx: { rate: '0.2667', source: 'SBS', quotedAt },
      payer,
    });
    expect(request).toMatchObject({ amountMinor: 2667, currency: 'USD' });
  });

  it('refuses a rate that is not a decimal string with fx_invalid', () => {
    try {
      parseIssueInput({
        orderId: 'O',
        price: { amount: '1.00', currency: 'EUR' },
        fx: { rate: '1e3', source: 'ECB', quotedAt },
        payer,
      });
      expect.unreachable();
    } catch (error) {
      expect(isPagoEfectivoKitError(error, 'fx_invalid')).toBe(true);
    }
  });
});
