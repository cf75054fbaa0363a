/**
 * valibot schemas of PagoEfectivo notification bodies, the single source of the event field types.
 *
 * A subpath of its own (`pagoefectivo-kit/webhooks/schemas`) so that `pagoefectivo-kit/webhooks` stays
 * cheap to import: verification loads valibot only for notifications off the common `cip.paid` shape.
 *
 * @module webhooks/schemas
 */
import * as v from 'valibot';
import { isPagoEfectivoKitError } from '../errors.js';
import { formatAmount, parseAmount } from '../money/index.js';
import { CIP_PAID, type CipPaidFields, paidAtOf } from './events.js';

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
    // Empty or missing is allowed by the spec: '' then, and the CIP identifies the payment.
    operationNumber: v.nullish(v.union([v.pipe(v.string(), v.trim(), v.maxLength(0)), identifier(64)]), ''),
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
