/**
 * The structural fast path of `cip.paid` parsing: plain checks, written out by hand, for the shape
 * PagoEfectivo actually sends (documented camelCase keys, all five data fields present, a plain decimal
 * amount). It produces exactly the event that `CipPaidNotificationSchema` would, or `null` whenever the
 * body is anything else — unusual spelling, a missing field, an invalid value — and the caller then runs
 * the schema path, which yields the same event or the detailed issues. The schema stays the single
 * source of truth; `test/webhooks/fast-path.test.ts` proves both paths agree on random bodies.
 */
import { formatAmount } from '../../money/index.js';
import { CIP_PAID, type CipPaidEvent, paidAtOf } from '../events.js';
import { uniqueKeyValueText } from './json-number.js';

/** A string, or a non-negative safe integer as its decimal string; trimmed, 1–`maxLength` characters. */
function identifier(value: unknown, maxLength: number): string | null {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) text = String(value);
  else return null;
  return text.length >= 1 && text.length <= maxLength ? text : null;
}

function isDigits(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/**
 * Minor units of a decimal amount (`digits[.d{1,2}]` after trimming, as `parseAmount` accepts), or -1
 * when it is not one, is zero, or has more than 13 significant integer digits (then the schema path
 * decides, with BigInt). Up to 13 + 2 digits, plain number arithmetic is exact.
 */
function readAmount(token: string): number {
  const text = token.trim();
  const length = text.length;
  let position = 0;
  while (position < length && text.charCodeAt(position) === 48) position++; // leading zeros
  const significant = position;
  let minor = 0;
  while (position < length) {
    const digit = text.charCodeAt(position) - 48;
    if (digit < 0 || digit > 9) break;
    minor = minor * 10 + digit;
    position++;
  }
  if (position === 0 || position - significant > 13) return -1;
  let decimals = 0;
  if (position < length) {
    if (text.charCodeAt(position) !== 46) return -1; // .
    decimals = length - position - 1;
    if (decimals < 1 || decimals > 2) return -1;
    for (let index = position + 1; index < length; index++) {
      const digit = text.charCodeAt(index) - 48;
      if (digit < 0 || digit > 9) return -1;
      minor = minor * 10 + digit;
    }
  }
  if (decimals < 2) minor *= decimals === 0 ? 100 : 10;
  return minor > 0 ? minor : -1;
}

/**
 * The `cip.paid` event of `parsed` (the `JSON.parse` of `text`), or `null` when the body is not the
 * common valid shape and the schema path must decide. Only called when `parsed.eventType` is exactly
 * `cip.paid`.
 */
export function fastCipPaid(text: string, parsed: Record<string, unknown>): CipPaidEvent | null {
  const data = parsed.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  // JSON.parse output: own data properties only, and none of these names exist on Object.prototype,
  // so `undefined` means "no key of that exact spelling" and the schema path must look for others.
  const fields = data as Record<string, unknown>;
  // The spec allows an empty operation number; the CIP then identifies the payment (a CIP is paid once).
  // An absent key may be spelled otherwise (`OperationNumber`): the schema path looks for it.
  const rawOperation = parsed.operationNumber;
  if (rawOperation === undefined) return null;
  const operationNumber = rawOperation === null || rawOperation === '' ? '' : identifier(rawOperation, 64);
  if (operationNumber === null) return null;
  const cip = identifier(fields.cip, 20);
  if (cip === null || !isDigits(cip)) return null;
  const rawCurrency = fields.currency;
  if (typeof rawCurrency !== 'string') return null;
  const currency = rawCurrency.trim();
  if (currency.length === 0 || currency.length > 8) return null;

  const rawCode = fields.transactionCode;
  let transactionCode: string | null;
  if (rawCode === null) transactionCode = null;
  else if (typeof rawCode === 'string') {
    const trimmed = rawCode.trim();
    if (trimmed.length > 128) return null;
    transactionCode = trimmed === '' ? null : trimmed;
  } else if (typeof rawCode === 'number' && Number.isSafeInteger(rawCode)) transactionCode = String(rawCode);
  else return null;

  const rawDate = fields.paymentDate;
  if (rawDate === undefined) return null;
  const paymentDate = typeof rawDate === 'string' ? rawDate : null;

  const rawAmount = fields.amount;
  let token: string | null;
  if (typeof rawAmount === 'number') {
    // Money from digits, not from the float: the number token exactly as it was signed.
    token = uniqueKeyValueText(text, 'amount');
    if (token === null || Number(token) !== rawAmount) return null;
  } else if (typeof rawAmount === 'string') token = rawAmount;
  else return null;
  const amountMinor = readAmount(token);
  if (amountMinor < 0) return null;

  return {
    type: CIP_PAID,
    cip,
    amountMinor,
    amount: formatAmount(amountMinor),
    currency,
    operationNumber,
    transactionCode,
    paidAt: paidAtOf(paymentDate),
    paymentDate,
    raw: parsed,
  };
}
