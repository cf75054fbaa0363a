/**
 * Validation of what goes into a voucher token, with errors that say how to fix the input.
 */

import { ValidationError, VoucherError } from '../../errors.js';
import type { CashCode } from '../../model/code.js';
import { assertMinorUnits, parseCurrency } from '../../money/index.js';
import { CIP_PATTERN, KID_PATTERN, MAX_ORDER_ID_BYTES, TOKEN_VERSION, type TokenClaims } from './token-codec.js';

const MAX_SECONDS = 0xffffffff;
const encoder = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function invalid(
  path: string,
  message: string,
  code: 'validation_failed' | 'date_invalid' = 'validation_failed',
): never {
  throw new ValidationError(`Voucher token field ${path} ${message}.`, [{ path, message }], { code });
}

function seconds(date: unknown, path: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) invalid(path, 'must be a valid Date', 'date_invalid');
  const value = Math.floor(date.getTime() / 1000);
  if (value < 0 || value > MAX_SECONDS) invalid(path, 'must be between 1970 and 2106', 'date_invalid');
  return new Date(value * 1000);
}

/**
 * Check the code fields, kid and issue time and return the claims to encode.
 * @throws {VoucherError} `voucher_not_payable` without a CIP, `key_invalid` for a bad kid.
 * @throws {ValidationError} for any field the token format cannot carry.
 */
export function checkTokenInput(
  code: Pick<CashCode, 'cip' | 'orderId' | 'amountMinor' | 'currency' | 'expiresAt'>,
  kid: unknown,
  issuedAt: Date,
): TokenClaims {
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
    throw new VoucherError('key_invalid', 'The kid must be 1–32 of A-Z a-z 0-9 . _ - (pass { kid }).');
  }
  if (code?.cip === null || code?.cip === undefined) {
    throw new VoucherError('voucher_not_payable', 'The code has no CIP yet, so it cannot be signed into a voucher.', {
      details: { orderId: code?.orderId },
    });
  }
  if (typeof code.cip !== 'string' || !CIP_PATTERN.test(code.cip)) invalid('cip', 'must be a string of 1–20 digits');
  const orderBytes = typeof code.orderId === 'string' ? encoder.encode(code.orderId).length : 0;
  if (orderBytes < 1 || orderBytes > MAX_ORDER_ID_BYTES) {
    invalid('orderId', `must be a non-empty string of at most ${MAX_ORDER_ID_BYTES} UTF-8 bytes`);
  }
  if (LONE_SURROGATE.test(code.orderId)) invalid('orderId', 'must be well-formed Unicode (no lone surrogates)');
  assertMinorUnits(code.amountMinor, 'amountMinor');
  return {
    v: TOKEN_VERSION,
    kid,
    cip: code.cip,
    orderId: code.orderId,
    amountMinor: code.amountMinor,
    currency: parseCurrency(code.currency),
    expiresAt: seconds(code.expiresAt, 'expiresAt'),
    issuedAt: seconds(issuedAt, 'issuedAt'),
  };
}
