/**
 * The typed events `verifyWebhook` and `parseWebhookEvent` return. No runtime dependency beyond the
 * SDK's own time helpers: the valibot schemas live in `schemas.ts` and load only when needed.
 */
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
  /**
   * PagoEfectivo's operation number (a number on the wire becomes a string); `''` when the notification
   * has none (the spec allows it empty), in which case the CIP alone identifies the payment.
   */
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

/**
 * `paidAt` of a notification. `paymentDate` is kept leniently: its exact spelling is not documented,
 * and a payment must not be lost over it. Internal (shared by the fast path and the schemas), not re-exported.
 */
export function paidAtOf(paymentDate: string | null): Date | null {
  if (paymentDate === null) return null;
  try {
    return parseApiTimestamp(paymentDate, 'data.paymentDate');
  } catch {
    return null;
  }
}
