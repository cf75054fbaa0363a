/**
 * Payment events: what the codes service tells the merchant, written to the store's outbox in the same
 * atomic commit as the change they describe and delivered at least once to `onEvent`.
 */

/** Which path of the SDK made the change an event describes. */
export type EventSource = 'webhook' | 'sweeper' | 'reconcile' | 'cancel' | 'issue' | 'support';

/**
 * The kinds of event. Every state change of a code and every refused or doubtful payment yields one.
 *
 * | type | when | ship / act |
 * |---|---|---|
 * | `code.created` | the CIP exists and the code is payable | send the voucher |
 * | `code.paid` | the exact amount was paid in time (or a person accepted a reviewed payment) | ship the order |
 * | `code.expired` | the code can no longer be paid (confirmed with the provider) | release the stock |
 * | `code.cancelled` | the merchant cancelled the order's code | release the stock |
 * | `code.failed` | the CIP could not be created, or a stale creation was taken over | nothing to ship |
 * | `payment.review` | money arrived that needs a person (wrong amount, late, cancelled or replaced code) | decide with `codes.resolve` |
 * | `payment.refund_required` | a person decided to give a reviewed payment back | refund the buyer |
 * | `payment.rejected` | an authentic payment that was refused and recorded (unknown CIP, second payment) | investigate |
 * | `notification.unknown` | an authentic notification of a type the SDK does not know (body kept) | investigate |
 */
export type CodeEventType =
  | 'code.created'
  | 'code.paid'
  | 'code.expired'
  | 'code.cancelled'
  | 'code.failed'
  | 'payment.review'
  | 'payment.refund_required'
  | 'payment.rejected'
  | 'notification.unknown';

/** Every {@link CodeEventType}. */
export const CODE_EVENT_TYPES: readonly CodeEventType[] = [
  'code.created',
  'code.paid',
  'code.expired',
  'code.cancelled',
  'code.failed',
  'payment.review',
  'payment.refund_required',
  'payment.rejected',
  'notification.unknown',
];

/**
 * One payment event. `id` is stable: a redelivery carries the same id, so a merchant dedupes with
 * one lookup (`if (await seen(event.id)) return;`). `data` holds JSON values only (amounts in minor
 * units and as decimal strings, instants as ISO strings), never payer data.
 */
export interface CodeEvent {
  id: string;
  type: CodeEventType;
  /** The code the event is about; `null` only for payments and notifications no code could be found for. */
  codeId: string | null;
  orderId: string | null;
  cip: string | null;
  at: Date;
  source: EventSource;
  data: Record<string, unknown>;
}

/** Where an outbox event is in its delivery. */
export type EventDeliveryState = 'pending' | 'delivered' | 'dead';

/** An outbox event with its delivery state, as the store keeps it. */
export interface OutboxEvent {
  event: CodeEvent;
  state: EventDeliveryState;
  /** Delivery attempts made so far. */
  attempts: number;
  /** Earliest instant of the next attempt (while `pending`). */
  nextAttemptAt: Date;
  /** The last delivery error's message (secret-free), or `null`. */
  lastError: string | null;
}
