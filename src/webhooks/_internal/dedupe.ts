/**
 * The duplicate fast path. A record is written only after `applyPayment` returned, i.e. after the
 * notification's effect is durable; a delivery whose processing failed leaves no record, so
 * PagoEfectivo's retry is processed again. Correctness under concurrency does not depend on it: the
 * codes service's compare-and-set makes exactly one transition. The record also lets the retry of a
 * rejected payment get the same answer without recording the rejection twice.
 */
import type { PaymentOutcome, PaymentRejectReason } from '../../model/code.js';
import type { CipPaidEvent } from '../events.js';
import { jsonResponse, REJECTED_STATUS } from './responses.js';

/** The store key of a notification: its CIP and PagoEfectivo operation number. */
export function dedupeKey(event: CipPaidEvent): string {
  return `pagoefectivo:webhook:${encodeURIComponent(event.cip)}:${encodeURIComponent(event.operationNumber)}`;
}

/** What is remembered about a processed notification. */
export function encodeOutcome(outcome: PaymentOutcome): string {
  return outcome.kind === 'rejected' ? `rejected:${outcome.reason}` : outcome.kind;
}

/** The answer to a redelivery, from its record; `null` if the record is not one of ours. */
export function replayResponse(record: string): Response | null {
  if (record === 'paid' || record === 'duplicate') return jsonResponse(200, { status: 'duplicate' });
  if (record.startsWith('rejected:')) {
    const reason = record.slice('rejected:'.length) as PaymentRejectReason;
    return jsonResponse(REJECTED_STATUS, { status: 'rejected', reason, duplicate: true });
  }
  return null;
}

/** Whether `value` looks like a {@link PaymentOutcome} (a broken codes service must not pass for success). */
export function isOutcome(value: unknown): value is PaymentOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'paid' || kind === 'duplicate') return true;
  return kind === 'rejected' && typeof (value as { reason?: unknown }).reason === 'string';
}
