import { ValidationError } from '../errors.js';

/** Currencies PagoEfectivo accepts. */
export type Currency = 'PEN' | 'USD';

/** Every supported currency, in display order. */
export const CURRENCIES: readonly Currency[] = ['PEN', 'USD'];

const MAX_INTEGER_DIGITS = 16;
/** 13 integer digits + 2 decimals = 15 significant digits, the most a double carries exactly. */
const MAX_EXACT_NUMBER = 1e13;
const DECIMAL_PATTERN = /^(\d+)(?:\.(\d{1,2}))?$/;

/** Whether `value` is a supported currency code. */
export function isCurrency(value: unknown): value is Currency {
  return value === 'PEN' || value === 'USD';
}

/**
 * Check a currency code and return it typed.
 * @throws {ValidationError} `currency_unsupported` for anything but `PEN` or `USD`.
 */
export function parseCurrency(value: unknown, path = 'currency'): Currency {
  if (isCurrency(value)) return value;
  throw new ValidationError(
    `Currency ${JSON.stringify(value)} is not supported: use "PEN" or "USD".`,
    [{ path, message: 'must be "PEN" or "USD"' }],
    { code: 'currency_unsupported' },
  );
}

function amountError(value: unknown, reason: string, path: string): ValidationError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new ValidationError(`Amount ${shown} is invalid: ${reason}.`, [{ path, message: reason }], {
    code: 'amount_invalid',
  });
}

/**
 * Parse a positive decimal amount into integer minor units (céntimos / cents).
 *
 * Accepts a decimal string (`"150.50"`, `"150.5"`, `"150"`) or a number below 10 000 000 000 000 whose
 * shortest decimal representation has at most two decimals (`150.5`). Never multiplies floats: the
 * digits are read. Larger amounts must be strings: a double cannot tell them apart to the céntimo.
 *
 * @throws {ValidationError} `amount_invalid` for zero, negatives, NaN, exponent notation, more than two
 * decimals, more than 16 integer digits, a value beyond `Number.MAX_SAFE_INTEGER` minor units, or a
 * number too large to be exact.
 */
export function parseAmount(value: string | number, path = 'amount'): number {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw amountError(value, 'it must be a finite number', path);
    // A double keeps any decimal of up to 15 significant digits exactly; beyond that, distinct amounts
    // share one double (90071992547409.91 reads back as 90071992547409.9), so the digits are lost.
    if (Math.abs(value) >= MAX_EXACT_NUMBER) {
      throw amountError(value, 'numbers of 10 000 000 000 000 or more are not exact; pass a decimal string', path);
    }
    text = String(value);
    if (/e/i.test(text)) throw amountError(value, 'exponent notation is not accepted; pass a decimal string', path);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    throw amountError(value, 'it must be a decimal string such as "150.50"', path);
  }
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) {
    throw amountError(value, 'use digits with an optional "." and at most 2 decimals, e.g. "150.50"', path);
  }
  const integerPart = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  if (integerPart.length > MAX_INTEGER_DIGITS) {
    throw amountError(value, `at most ${MAX_INTEGER_DIGITS} integer digits are allowed`, path);
  }
  const minor = BigInt(integerPart + fraction);
  if (minor <= 0n) throw amountError(value, 'it must be greater than zero', path);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw amountError(value, 'it is too large to be handled exactly', path);
  }
  return Number(minor);
}

/**
 * Check that `minor` is a positive safe integer amount in minor units.
 * @throws {ValidationError} `amount_invalid` otherwise.
 */
export function assertMinorUnits(minor: unknown, path = 'amount'): asserts minor is number {
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor) || minor <= 0) {
    throw amountError(minor, 'minor units must be a positive safe integer', path);
  }
}

/** Format integer minor units as the API's decimal string with two decimals: `15050` → `"150.50"`. */
export function formatAmount(minor: number): string {
  assertMinorUnits(minor);
  const text = String(minor).padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

const SYMBOLS: Record<Currency, string> = { PEN: 'S/', USD: 'US$' };

/**
 * Format minor units for people, Peruvian style: `S/ 1,234.50`, `US$ 40.00`.
 */
export function formatMoney(minor: number, currency: Currency): string {
  const [integer = '0', fraction = '00'] = formatAmount(minor).split('.');
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${SYMBOLS[currency]} ${grouped}.${fraction}`;
}
