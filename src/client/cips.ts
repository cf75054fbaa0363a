import { ApiError, ValidationError } from '../errors.js';
import type { CipStatus, CreateCipInput, CreatedCip } from '../model/provider.js';
import { formatAmount, isCurrency, parseAmount } from '../money/index.js';
import { formatLimaTimestamp, parseApiTimestamp } from '../time/index.js';
import type { RequestContext } from './_errors.js';
import { unexpectedResponse } from './_errors.js';
import type { CreatedCipData, SearchedCip } from './response-schemas.js';

/** The only status number PagoEfectivo documents: 22, "Generado." (pending payment). */
export const STATUS_GENERATED = 22;

/**
 * Serialise a validated create-CIP input as the documented JSON body.
 *
 * The amount is written as a JSON number token copied from the normalised decimal string
 * (`"150.5"` → `150.50`), never through a float. `parseFloat` would print the same digits for
 * everyday amounts, but a double holds only 15–17 significant digits, so large amounts (the API
 * allows 16 integer digits) could be sent rounded; the server reads the token as a decimal, so the
 * verbatim digits are exactly what PagoEfectivo stores. Every other field goes through `JSON.stringify`.
 */
export function buildCreateCipBody(input: CreateCipInput): string {
  const amount = formatAmount(parseAmount(input.amount));
  const { currency, amount: _amount, dateExpiry, ...rest } = input;
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) fields[key] = value as string;
  if (dateExpiry !== undefined) fields.dateExpiry = formatLimaTimestamp(dateExpiry, 'dateExpiry');
  const tail = JSON.stringify(fields).slice(1);
  return `{"currency":${JSON.stringify(currency)},"amount":${amount}${tail === '}' ? '}' : `,${tail}`}`;
}

/** Normalise an API amount (number or string) to the SDK's two-decimal string. */
function amountOf(value: number | string): string {
  return formatAmount(parseAmount(value));
}

function cipOf(value: number | string): string {
  const text = String(value);
  if (!/^\d{1,14}$/.test(text)) {
    throw new ValidationError(`cip ${JSON.stringify(text)} is not 1–14 digits.`, [
      { path: 'cip', message: 'not 1–14 digits' },
    ]);
  }
  return text;
}

/** Map the `data` of a create-CIP answer; any unreadable field makes the whole answer unexpected. */
export function toCreatedCip(data: CreatedCipData, context: RequestContext, status: number): CreatedCip {
  try {
    const dateExpiry = parseApiTimestamp(data.dateExpiry, 'dateExpiry');
    if (dateExpiry === null || !isCurrency(data.currency)) {
      throw unexpectedResponse(context, status, 'no dateExpiry, or a currency other than PEN/USD');
    }
    return {
      cip: cipOf(data.cip),
      cipUrl: data.cipUrl ?? null,
      amount: amountOf(data.amount),
      currency: data.currency,
      transactionCode: String(data.transactionCode),
      dateExpiry,
    };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw unexpectedResponse(context, status, `unreadable created CIP (${(error as Error).message})`);
  }
}

function dateOf(text: string | null | undefined, path: string): Date | null {
  return text ? parseApiTimestamp(text, path) : null;
}

/**
 * Derive a CIP's state from a search item. Only status 22 is documented, so the dates decide first:
 * a payment date (not the 1900 sentinel) means paid, a removal date means deleted, an expiry before
 * `now` means expired; otherwise 22 means pending and anything else is `unknown` (raw values kept).
 */
export function toCipStatus(item: SearchedCip, now: Date, context: RequestContext, status: number): CipStatus {
  try {
    const statusCode = item.status == null || item.status === '' ? null : Number(item.status);
    const dateExpiry = dateOf(item.dateExpiry, 'dateExpiry');
    const datePayment = dateOf(item.datePayment, 'datePayment');
    const dateRemoval = dateOf(item.dateRemoval, 'dateRemoval');
    let state: CipStatus['state'] = 'unknown';
    if (datePayment !== null) state = 'paid';
    else if (dateRemoval !== null) state = 'deleted';
    else if (dateExpiry !== null && dateExpiry.getTime() < now.getTime()) state = 'expired';
    else if (statusCode === STATUS_GENERATED) state = 'pending';
    return {
      cip: cipOf(item.cip),
      state,
      transactionCode: item.transactionCode == null ? '' : String(item.transactionCode),
      amount: amountOf(item.amount),
      currency: item.currency,
      statusCode: statusCode !== null && Number.isFinite(statusCode) ? statusCode : null,
      statusName: item.statusName ?? null,
      dateCreation: dateOf(item.dateCreation, 'dateCreation'),
      dateExpiry,
      datePayment,
      dateRemoval,
    };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw unexpectedResponse(context, status, `unreadable search item (${(error as Error).message})`);
  }
}
