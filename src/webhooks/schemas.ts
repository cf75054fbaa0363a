import * as v from 'valibot';
import { isPagoEfectivoKitError } from '../errors.js';
import { formatAmount, parseAmount } from '../money/index.js';
import { parseApiTimestamp } from '../time/index.js';

/** The one event type PagoEfectivo documents: a CIP was paid ("Cancelado"). */
export const CIP_PAID = 'cip.paid';

/**
 * The fields of a `cip.paid` notification, normalised. Directly assignable to the codes service's
 * `PaymentNotice`, so `codes.applyPayment(event)` works.
 */
export interface CipPaidFields {
  /** The CIP number, always a string. */
  cip: string;
  /** The paid amount in integer minor units, read from the JSON number's digits (`150.5` → `15050`). */
  amountMinor: number;
  /** The same amount as the API's two-decimal string, e.g. `"150.50"`. */
  amount: string;
  /** The notified currency, as sent (normally `PEN` or `USD`; not narrowed so a wrong one is recordable). */
  currency: string;
  /** PagoEfectivo's operation number (a number on the wire becomes a string). */
  operationNumber: string;
  /** The merchant reference sent when the CIP was created, or `null`. */
  transactionCode: string | null;
  /** When the buyer paid, or `null` if `paymentDate` is absent or in an unrecognised format. */
  paidAt: Date | null;
  /** `paymentDate` exactly as sent, or `null`. */
  paymentDate: string | null;
}

/** A verified `cip.paid` notification. */
export interface CipPaidEvent extends CipPaidFields {
  readonly type: 'cip.paid';
  /** The parsed JSON body, untouched (original key spelling, amount as a float: do not use it for money). */
  raw: Record<string, unknown>;
}

/**
 * A verified notification of a type this SDK does not know (PagoEfectivo documents only `cip.paid`).
 * It is returned, never thrown, so a new event type cannot break a deployed receiver.
 */
export interface UnknownWebhookEvent {
  readonly type: 'unknown';
  /** The `eventType` as sent. */
  eventType: string;
  /** The parsed JSON body. */
  raw: Record<string, unknown>;
}

/** Every event `verifyWebhook` and `parseWebhookEvent` can return. Switch on `type`. */
export type WebhookEvent = CipPaidEvent | UnknownWebhookEvent;

/** A JSON string, or a non-negative safe integer turned into its decimal string; trimmed, 1–`maxLength` chars. */
function identifier(maxLength: number): v.GenericSchema<unknown, string> {
  return v.pipe(
    v.union(
      [v.string(), v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.transform(String))],
      'must be a string or a non-negative integer',
    ),
    v.trim(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(maxLength, `must be at most ${maxLength} characters`),
  );
}

/** The merchant reference: optional; blank means absent. */
const TransactionCodeSchema: v.GenericSchema<unknown, string | null> = v.pipe(
  v.nullish(v.union([v.string(), v.pipe(v.number(), v.safeInteger(), v.transform(String))], 'must be a string'), null),
  v.transform((value) => (value === null ? null : value.trim() || null)),
  v.check((value) => value === null || value.length <= 128, 'must be at most 128 characters'),
);

/** An amount as a JSON number or decimal string, to minor units (parseAmount reads digits, never floats). */
const AmountSchema: v.GenericSchema<unknown, number> = v.pipe(
  v.union([v.string(), v.number()], 'must be a number such as 150.50'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return parseAmount(dataset.value);
    } catch (error) {
      addIssue({ message: isPagoEfectivoKitError(error) ? error.message : 'is not a valid amount' });
      return NEVER;
    }
  }),
);

/**
 * `paidAt` of a notification. `paymentDate` is kept leniently: its exact spelling is not documented,
 * and a payment must not be lost over it. Internal (shared with the parser's fast path), not re-exported.
 */
export function paidAtOf(paymentDate: string | null): Date | null {
  if (paymentDate === null) return null;
  try {
    return parseApiTimestamp(paymentDate, 'data.paymentDate');
  } catch {
    return null;
  }
}

/**
 * valibot schema of a `cip.paid` notification body (documented camelCase keys), producing
 * {@link CipPaidFields}. `data.amount` may be a JSON number or a decimal string; for exact amounts
 * beyond 15 significant digits pass the number's source text as a string (as `parseWebhookEvent` does).
 */
export const CipPaidNotificationSchema: v.GenericSchema<unknown, CipPaidFields> = v.pipe(
  v.object({
    eventType: v.pipe(
      v.string(),
      v.check((type) => type.trim().toLowerCase() === CIP_PAID, `must be "${CIP_PAID}"`),
    ),
    operationNumber: identifier(64),
    data: v.object({
      // CIP numbers are digits (up to 14 today); a string in notifications, a number elsewhere.
      cip: v.pipe(identifier(20), v.regex(/^\d+$/, 'must be the CIP number (digits only)')),
      currency: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(8)),
      amount: AmountSchema,
      transactionCode: TransactionCodeSchema,
      paymentDate: v.nullish(v.unknown(), null),
    }),
  }),
  v.transform(({ operationNumber, data }): CipPaidFields => {
    const paymentDate = typeof data.paymentDate === 'string' ? data.paymentDate : null;
    return {
      cip: data.cip,
      amountMinor: data.amount,
      amount: formatAmount(data.amount),
      currency: data.currency,
      operationNumber,
      transactionCode: data.transactionCode,
      paidAt: paidAtOf(paymentDate),
      paymentDate,
    };
  }),
);

/** valibot schema of what every notification has in common: a JSON object with a string `eventType`. */
export const WebhookEnvelopeSchema: v.GenericSchema<unknown, { eventType: string }> = v.looseObject({
  eventType: v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')),
});
