import { ValidationError } from '../../errors.js';
import type { CipStatus } from '../../model/provider.js';
import { formatAmount, parseAmount } from '../../money/index.js';
import { memberText } from '../../webhooks/_internal/json-number.js';

/** The payment statuses dLocal documents; anything else is kept as sent and treated as not final. */
export type DlocalPaymentStatus =
  | 'PENDING'
  | 'PAID'
  | 'REJECTED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'AUTHORIZED'
  | 'VERIFIED'
  | 'REFUNDED'
  | (string & {});

/** The ticket of a cash payment (dLocal's ticket object), the fields the SDK uses. */
export interface DlocalTicket {
  /** The code the payer pays with; for PagoEfectivo (`EF`) the CIP. */
  number: string | null;
  /** `EF-<number>` in dLocal's example. */
  id: string | null;
  type: string | null;
  barcode: string | null;
  expirationDate: Date | null;
  /** dLocal's full voucher page. */
  imageUrl: string | null;
  companyName: string | null;
  providerName: string | null;
}

/** A dLocal payment object (create answer, `GET /payments/{id}`, notification body), normalised. */
export interface DlocalPayment {
  /** dLocal's payment id (`D-4-…`). */
  id: string;
  /** Decimal string with two decimals, read from the JSON number's digits (never a float). */
  amount: string;
  amountMinor: number;
  currency: string;
  status: DlocalPaymentStatus;
  /** dLocal sends it as a string (`"200"`); a number is accepted too. */
  statusCode: string | null;
  statusDetail: string | null;
  /** The merchant's `order_id`: the SDK sends the code id. */
  orderId: string | null;
  paymentMethodId: string | null;
  paymentMethodFlow: string | null;
  country: string | null;
  ticket: DlocalTicket | null;
  /** The REDIRECT flow's payment page. */
  redirectUrl: string | null;
  createdDate: Date | null;
  /** When the payment was approved, if the object carries it (documented on the order object only). */
  approvedDate: Date | null;
  /** The parsed JSON, untouched (amounts as floats: never use them for money). */
  raw: Record<string, unknown>;
}

const str = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;

/**
 * dLocal's dates: `2020-02-24T04:59:00.000+0000` (offset without a colon), `…-00:00` in one 2019
 * example, or `Z`. `null` for anything else (a date never makes a payment unreadable).
 */
export function parseDlocalDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!match) return null;
  const zone = match[2] ?? 'Z';
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const date = new Date(`${match[1]}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function ticketOf(value: unknown): DlocalTicket | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const ticket = value as Record<string, unknown>;
  return {
    number: str(ticket.number),
    id: str(ticket.id),
    type: str(ticket.type),
    barcode: str(ticket.barcode),
    expirationDate: parseDlocalDate(ticket.expiration_date),
    imageUrl: str(ticket.image_url),
    companyName: str(ticket.company_name),
    providerName: str(ticket.provider_name),
  };
}

function invalid(message: string, path: string): ValidationError {
  return new ValidationError(`Not a dLocal payment object: ${message}.`, [{ path, message }]);
}

/**
 * Read a dLocal payment object from its JSON text. The amount is read from the number's digits. Only
 * `id`, `amount`, `currency` and `status` are required; every other field is optional (several are
 * UNKNOWN in the protocol notes), and unknown fields are ignored.
 * @throws {ValidationError} when the text is not JSON or lacks a required field.
 */
export function parseDlocalPayment(text: string): DlocalPayment {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('Not a dLocal payment object: the body is not JSON.', [], { cause: error });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('not a JSON object', '');
  const object = raw as Record<string, unknown>;
  const id = str(object.id);
  if (id === null) throw invalid('id is missing', 'id');
  const status = typeof object.status === 'string' ? object.status.toUpperCase() : null;
  if (status === null || status === '') throw invalid('status is missing', 'status');
  const currency = str(object.currency);
  if (currency === null) throw invalid('currency is missing', 'currency');
  const amountText = typeof object.amount === 'number' ? memberText(text, ['amount']) : str(object.amount);
  let amountMinor: number;
  try {
    amountMinor = parseAmount(amountText ?? '', 'amount');
  } catch {
    throw invalid('amount is not a positive amount with at most 2 decimals', 'amount');
  }
  return {
    id,
    amount: formatAmount(amountMinor),
    amountMinor,
    currency,
    status,
    statusCode: str(object.status_code),
    statusDetail: str(object.status_detail),
    orderId: str(object.order_id),
    paymentMethodId: str(object.payment_method_id),
    paymentMethodFlow: str(object.payment_method_flow),
    country: str(object.country),
    ticket: ticketOf(object.ticket),
    redirectUrl: str(object.redirect_url),
    createdDate: parseDlocalDate(object.created_date),
    approvedDate: parseDlocalDate(object.approved_date),
    raw: object,
  };
}

/**
 * The CIP of a dLocal PagoEfectivo payment: `ticket.number` (inferred from dLocal's example, no dLocal
 * text says "CIP"), else the digits after `EF-` in `ticket.id`. `null` when neither is 1–20 digits: the
 * SDK never stores a code it cannot match to PagoEfectivo's CIP.
 */
export function cipOf(payment: Pick<DlocalPayment, 'ticket'>): string | null {
  const number = payment.ticket?.number?.trim() ?? '';
  if (/^\d{1,20}$/.test(number)) return number;
  const fromId = /^EF-(\d{1,20})$/i.exec(payment.ticket?.id?.trim() ?? '');
  return fromId ? (fromId[1] as string) : null;
}

/**
 * The SDK state of a dLocal status. `CANCELLED` and `EXPIRED` both end an unpaid ticket (which one
 * dLocal uses is UNKNOWN): at or after the ticket's expiry they mean `expired`, before it `deleted`
 * (cancelled). `REJECTED` is `deleted` (never payable). Undocumented statuses are `unknown` (not final).
 */
export function stateOf(status: string, expiresAt: Date | null, now: Date): CipStatus['state'] {
  switch (status) {
    case 'PENDING':
      return 'pending';
    case 'PAID':
      return 'paid';
    case 'CANCELLED':
    case 'EXPIRED':
      if (expiresAt !== null && now.getTime() >= expiresAt.getTime()) return 'expired';
      return status === 'EXPIRED' && expiresAt === null ? 'expired' : 'deleted';
    case 'REJECTED':
      return 'deleted';
    default:
      return 'unknown';
  }
}

/** A dLocal payment as the provider contract's {@link CipStatus}. */
export function cipStatusOf(
  payment: DlocalPayment,
  cip: string,
  fallbackExpiry: Date | null,
  transactionCode: string | null,
  now: Date,
): CipStatus {
  const dateExpiry = payment.ticket?.expirationDate ?? fallbackExpiry;
  const state = stateOf(payment.status, dateExpiry, now);
  const code = payment.statusCode === null ? Number.NaN : Number(payment.statusCode);
  return {
    cip,
    state,
    transactionCode: payment.orderId ?? transactionCode ?? '',
    amount: payment.amount,
    currency: payment.currency,
    statusCode: Number.isSafeInteger(code) ? code : null,
    statusName: payment.status,
    dateCreation: payment.createdDate,
    dateExpiry,
    datePayment: state === 'paid' ? payment.approvedDate : null,
    dateRemoval: null,
  };
}
