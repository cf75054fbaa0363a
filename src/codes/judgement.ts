import { ValidationError } from '../errors.js';
import type { CashCode, PaymentNotice, PaymentRecord, PaymentRejectReason, PaymentSource } from '../model/code.js';
import { formatAmount } from '../money/index.js';

/**
 * A payment as one path of the SDK observed it: a webhook notification, or a search answer of the
 * provider (the sweeper, reconciliation, a cancel or a re-issue). Every path judges it with
 * {@link judgePayment}, so no path accepts what another refused (invariant 10).
 */
export interface PaymentObservation {
  cip: string;
  /** The paid amount in minor units; `null` when the source's amount could not be read. */
  amountMinor: number | null;
  currency: string;
  /** When the buyer paid; `null` when the source does not say. */
  paidAt: Date | null;
  /** The provider's operation number; `null` when the source has none (search answers, empty notices). */
  operationNumber: string | null;
  source: PaymentSource;
  /** How the notification was delivered (webhooks only; see `PaymentNotice.delivery`). */
  delivery?: { verified: boolean; refusedStatus: number };
}

/** What the judgement says about a payment of a known code. */
export type PaymentVerdict =
  /** Exactly the locked amount and currency, in time, on a code that can take it: the code is paid. */
  | { kind: 'accept' }
  /** The payment already recorded on the code, seen again. */
  | { kind: 'duplicate' }
  /** Real money that needs a person: the code moves to `review` and waits for `codes.resolve`. */
  | { kind: 'review'; reason: PaymentRejectReason; message: string }
  /** Refused and recorded, the code unchanged (a second payment of a settled code). */
  | { kind: 'reject'; reason: PaymentRejectReason; message: string }
  /** The code is still being created: nothing is recorded, the sender should retry. */
  | { kind: 'retry'; message: string };

/** Facts about the code's order that the judgement needs besides the code itself. */
export interface OrderFacts {
  /** Whether the code is still its order's current code (not replaced by a newer one). */
  current: boolean;
  /** Whether the order's current code is paid. */
  orderPaid: boolean;
  /** When the payment is judged (the service clock). */
  now: Date;
}

/**
 * Sources whose payments come from a search answer, which carries no operation number. 0.1 stored
 * `''` (sweeper, cancel) or `reconcile:<cip>` (reconciliation) for them.
 */
const FROM_SEARCH: ReadonlySet<PaymentSource> = new Set(['sweeper', 'reconcile', 'cancel', 'issue']);

function withoutOperation(payment: PaymentRecord): boolean {
  return (
    payment.operationNumber === '' ||
    FROM_SEARCH.has(payment.source) ||
    payment.operationNumber.startsWith('reconcile:')
  );
}

/**
 * Whether an observation repeats the payment recorded on a code: the same operation number, or, when
 * either side has no operation number (a search answer), the same amount and currency: a CIP is paid
 * once, so the late webhook of a payment the sweeper found is that payment, not a second one.
 */
export function isSamePayment(payment: PaymentRecord, observation: PaymentObservation): boolean {
  const number = observation.operationNumber;
  if (number !== null && number !== '' && payment.operationNumber === number) return true;
  const anonymous = number === null || number === '' || withoutOperation(payment);
  return anonymous && observation.amountMinor === payment.amountMinor && observation.currency === payment.currency;
}

function mismatch(code: CashCode, observation: PaymentObservation): PaymentVerdict | null {
  const { cip } = observation;
  if (observation.currency !== code.currency) {
    return {
      kind: 'review',
      reason: 'currency_mismatch',
      message: `CIP ${cip} was paid in ${observation.currency}, but the code is locked to ${code.currency}.`,
    };
  }
  if (observation.amountMinor === null) {
    return {
      kind: 'review',
      reason: 'amount_mismatch',
      message: `CIP ${cip} is reported paid with an unreadable amount.`,
    };
  }
  if (observation.amountMinor !== code.amountMinor) {
    const kind = observation.amountMinor < code.amountMinor ? 'partial' : 'over';
    return {
      kind: 'review',
      reason: 'amount_mismatch',
      message: `CIP ${cip}: ${kind} payment of ${formatAmount(observation.amountMinor)}, locked amount is ${code.amount}.`,
    };
  }
  return null;
}

const timely = (code: CashCode, paidAt: Date | null): boolean =>
  paidAt !== null && paidAt.getTime() <= code.expiresAt.getTime();

/**
 * THE payment judgement (invariants 3 and 10), pure. The outcome table (docs/codes.md):
 *
 * | code status | exact, in time | other amount or currency | paid after expiry / time unknown |
 * |---|---|---|---|
 * | `pending` | accept → `paid` | review | review (`paid_after_expiry`); unknown time: accept before the expiry, review after |
 * | `expired`, still the order's code | accept (paid in time) | review | review (`paid_after_expiry`) |
 * | `expired`/`failed`, replaced | review (`code_replaced`, or `order_already_paid`) | review | review |
 * | `cancelled` | review (`code_cancelled`) | review | review |
 * | `reserving` | retry (nothing recorded) | retry | retry |
 * | `paid` | same payment: duplicate; another: reject (`code_not_pending`) |
 * | `review`, `refund_required` | same payment: duplicate; another: reject (`code_in_review`) |
 */
export function judgePayment(code: CashCode, observation: PaymentObservation, facts: OrderFacts): PaymentVerdict {
  const { cip } = observation;
  switch (code.status) {
    case 'paid':
      if (code.payment !== null && isSamePayment(code.payment, observation)) return { kind: 'duplicate' };
      return {
        kind: 'reject',
        reason: 'code_not_pending',
        message: `CIP ${cip} was already paid by another operation.`,
      };
    case 'review':
    case 'refund_required':
      if (code.payment !== null && isSamePayment(code.payment, observation)) return { kind: 'duplicate' };
      return {
        kind: 'reject',
        reason: 'code_in_review',
        message: `CIP ${cip} already has a payment waiting for a decision; this second payment is recorded, not applied.`,
      };
    case 'reserving':
      return { kind: 'retry', message: `CIP ${cip} belongs to a code that is still being created; retry shortly.` };
    case 'cancelled':
      return {
        kind: 'review',
        reason: 'code_cancelled',
        message: `CIP ${cip} was paid after its order was cancelled; accept or refund it with codes.resolve().`,
      };
    case 'failed':
    case 'expired': {
      if (!facts.current || code.status === 'failed') {
        const reason = facts.orderPaid ? 'order_already_paid' : 'code_replaced';
        return {
          kind: 'review',
          reason,
          message: `CIP ${cip} belongs to code ${code.id} (${code.status}), which is no longer its order's code${
            facts.orderPaid ? ' and the order is paid' : ''
          }; accept or refund it with codes.resolve().`,
        };
      }
      const wrong = mismatch(code, observation);
      if (wrong !== null) return wrong;
      if (timely(code, observation.paidAt)) return { kind: 'accept' };
      return {
        kind: 'review',
        reason: 'paid_after_expiry',
        message:
          observation.paidAt === null
            ? `CIP ${cip} is reported paid after its code expired, with no payment time; accept or refund it.`
            : `CIP ${cip} was paid at ${observation.paidAt.toISOString()}, after its expiry; accept or refund it.`,
      };
    }
    case 'pending': {
      const wrong = mismatch(code, observation);
      if (wrong !== null) return wrong;
      if (observation.paidAt !== null && !timely(code, observation.paidAt)) {
        return {
          kind: 'review',
          reason: 'paid_after_expiry',
          message: `CIP ${cip} was paid at ${observation.paidAt.toISOString()}, after its expiry; accept or refund it.`,
        };
      }
      // No payment time and the code has already expired: it may have been paid late (fail closed).
      if (observation.paidAt === null && facts.now.getTime() > code.expiresAt.getTime()) {
        return {
          kind: 'review',
          reason: 'paid_after_expiry',
          message: `CIP ${cip} is reported paid after its expiry, with no payment time; accept or refund it.`,
        };
      }
      return { kind: 'accept' };
    }
  }
}

/**
 * Check the shape of a notice before any lookup. `operationNumber` may be empty or `null` (the spec
 * allows it; the CIP then identifies the payment).
 * @throws {ValidationError} naming every malformed field.
 */
export function checkNotice(notice: PaymentNotice): void {
  const issues: { path: string; message: string }[] = [];
  if (typeof notice?.cip !== 'string' || !/^\d{1,20}$/.test(notice.cip))
    issues.push({ path: 'cip', message: 'must be a string of digits' });
  if (!Number.isSafeInteger(notice?.amountMinor) || notice.amountMinor <= 0)
    issues.push({ path: 'amountMinor', message: 'must be a positive integer of minor units' });
  if (typeof notice?.currency !== 'string' || !/^[A-Za-z]{3}$/.test(notice.currency))
    issues.push({ path: 'currency', message: 'must be a three-letter currency code' });
  const number = notice?.operationNumber;
  if (number !== null && number !== undefined && (typeof number !== 'string' || number.length > 64)) {
    issues.push({ path: 'operationNumber', message: 'must be a string of at most 64 characters, or null' });
  }
  if (
    notice?.paidAt !== undefined &&
    notice.paidAt !== null &&
    !(notice.paidAt instanceof Date && !Number.isNaN(notice.paidAt.getTime()))
  ) {
    issues.push({ path: 'paidAt', message: 'must be a valid Date or null' });
  }
  if (issues.length > 0)
    throw new ValidationError(`Invalid payment notice: ${issues.map((issue) => issue.path).join(', ')}.`, issues);
}
