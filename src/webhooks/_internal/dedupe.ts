/**
 * The duplicate fast path. A record is written only after `applyPayment` returned, i.e. after the
 * notification's effect is durable; a delivery whose processing failed leaves no record, so
 * PagoEfectivo's retry is processed again. Correctness under concurrency does not depend on it: the
 * codes service's compare-and-set makes exactly one transition. The record also lets the retry of a
 * rejected payment get the same answer without recording the rejection twice.
 */
import type { PaymentOutcome, PaymentRejectReason } from '../../model/code.js';
import type { CipPaidEvent } from '../events.js';
import { jsonResponse } from './responses.js';

/** The store key of a notification: its CIP and PagoEfectivo operation number. */
export function dedupeKey(event: CipPaidEvent): string {
  // Without an operation number the CIP alone names the payment (a CIP is paid once).
  const operation = event.operationNumber === '' ? '-' : encodeURIComponent(event.operationNumber);
  return `pagoefectivo:webhook:${encodeURIComponent(event.cip)}:${operation}`;
}

/** What is remembered about a processed notification. */
export function encodeOutcome(outcome: PaymentOutcome): string {
  return outcome.kind === 'rejected' || outcome.kind === 'review' ? `${outcome.kind}:${outcome.reason}` : outcome.kind;
}

/** The answer to a redelivery, from its record; `null` if the record is not one of ours. */
export function replayResponse(record: string, refusedStatus: number): Response | null {
  if (record === 'paid' || record === 'duplicate') return jsonResponse(200, { status: 'duplicate' });
  for (const kind of ['rejected', 'review'] as const) {
    if (record.startsWith(`${kind}:`)) {
      const reason = record.slice(kind.length + 1) as PaymentRejectReason;
      return jsonResponse(refusedStatus, { status: kind, reason, duplicate: true });
    }
  }
  return null;
}

/** Whether `value` looks like a {@link PaymentOutcome} (a broken codes service must not pass for success). */
export function isOutcome(value: unknown): value is PaymentOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'paid' || kind === 'duplicate') return true;
  return (kind === 'rejected' || kind === 'review') && typeof (value as { reason?: unknown }).reason === 'string';
}
