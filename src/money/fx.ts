import { ValidationError } from '../errors.js';
import { type Currency, formatAmount, parseAmount, parseCurrency } from './amount.js';

/**
 * The record of a currency conversion, stored with the code it priced.
 * `rate` is the price of one unit of `from` in `to`, as the decimal string the caller gave.
 */
export interface FxLock {
  /** Currency of the original price (any ISO 4217 code, e.g. `EUR`). */
  from: string;
  /** Currency of the payment code. */
  to: Currency;
  /** The original price in `from`, as a decimal string. */
  originalAmount: string;
  /** Units of `to` per one unit of `from`, decimal string (up to 10 decimals). */
  rate: string;
  /** Where the rate came from (e.g. `"SBS"`, `"ECB"`, `"manual"`). */
  source: string;
  /** When the rate was quoted. */
  quotedAt: Date;
  /** The rounding rule applied: always `half_up` to the minor unit. */
  rounding: 'half_up';
}

/** Input of {@link convertPrice}. */
export interface ConvertPriceInput {
  /** The price as a decimal string in `from` (two decimals at most). */
  amount: string;
  /** ISO 4217 code of the price. */
  from: string;
  /** Target currency of the payment code. */
  to: Currency;
  /** Units of `to` per one unit of `from`, positive decimal string, up to 10 decimals. */
  rate: string;
  /** Where the rate came from. */
  source: string;
  /** When the rate was quoted. */
  quotedAt: Date;
}

const RATE_PATTERN = /^(\d{1,12})(?:\.(\d{1,10}))?$/;

function fxError(message: string, path: string): ValidationError {
  return new ValidationError(message, [{ path, message }], { code: 'fx_invalid' });
}

/**
 * Convert a price to a payment currency with a caller-given rate, exactly.
 *
 * Rounding rule (documented and fixed): the exact product is rounded **half up** (away from zero) to
 * the target's minor unit, e.g. 10.00 EUR × 4.0555 = 40.555 PEN → 40.56 PEN. The arithmetic uses
 * integers only; no float is ever involved.
 *
 * @returns the amount in minor units of `to`, and the {@link FxLock} to store with the code.
 */
export function convertPrice(input: ConvertPriceInput): { amountMinor: number; fx: FxLock } {
  const to = parseCurrency(input.to, 'fx.to');
  if (typeof input.from !== 'string' || !/^[A-Z]{3}$/.test(input.from)) {
    throw fxError('fx.from must be a three-letter ISO 4217 code such as "EUR".', 'fx.from');
  }
  if (typeof input.source !== 'string' || input.source.trim() === '') {
    throw fxError('fx.source must name where the rate came from (e.g. "SBS").', 'fx.source');
  }
  if (!(input.quotedAt instanceof Date) || Number.isNaN(input.quotedAt.getTime())) {
    throw fxError('fx.quotedAt must be a valid Date.', 'fx.quotedAt');
  }
  const rateMatch = typeof input.rate === 'string' ? RATE_PATTERN.exec(input.rate.trim()) : null;
  if (!rateMatch) {
    throw fxError('fx.rate must be a positive decimal string with at most 10 decimals, e.g. "3.7512".', 'fx.rate');
  }
  const rateDecimals = rateMatch[2] ?? '';
  const rateScaled = BigInt((rateMatch[1] ?? '0') + rateDecimals);
  if (rateScaled <= 0n) throw fxError('fx.rate must be greater than zero.', 'fx.rate');
  const priceMinor = BigInt(parseAmount(input.amount, 'price.amount'));
  // priceMinor has 2 implied decimals, rateScaled has rateDecimals; the result keeps 2 decimals.
  const divisor = 10n ** BigInt(rateDecimals.length);
  const product = priceMinor * rateScaled;
  const rounded = (product * 2n + divisor) / (divisor * 2n);
  if (rounded <= 0n) throw fxError('The converted amount rounds to zero.', 'fx.rate');
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) throw fxError('The converted amount is too large.', 'fx.rate');
  const amountMinor = Number(rounded);
  return {
    amountMinor,
    fx: {
      from: input.from,
      to,
      originalAmount: formatAmount(Number(priceMinor)),
      rate: input.rate.trim(),
      source: input.source.trim(),
      quotedAt: new Date(input.quotedAt.getTime()),
      rounding: 'half_up',
    },
  };
}
