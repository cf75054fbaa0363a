import { ValidationError } from '../errors.js';
import type { CashCode, PaymentNotice, PaymentRecord, PaymentRejectReason, PaymentSource } from '../model/code.js';
import { formatAmount } from '../money/index.js';

/**
 * Check the shape of a notice before any lookup.
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
  if (
    typeof notice?.operationNumber !== 'string' ||
    notice.operationNumber === '' ||
    notice.operationNumber.length > 64
  ) {
    issues.push({ path: 'operationNumber', message: 'must be a non-empty string of at most 64 characters' });
  }
  if (issues.length > 0)
    throw new ValidationError(`Invalid payment notice: ${issues.map((issue) => issue.path).join(', ')}.`, issues);
}

/** What the payment rules say about a notice for a known code. */
export type PaymentVerdict =
  | { kind: 'accept' }
  | { kind: 'duplicate' }
  | { kind: 'reject'; reason: PaymentRejectReason; message: string };

/**
 * Sources whose payment came from PagoEfectivo's search API, which does not return the operation
 * number: the sweeper stores `''`, reconciliation `reconcile:<cip>`, a refused cancel `''`.
 */
const RECOVERED_FROM_SEARCH: ReadonlySet<PaymentSource> = new Set(['sweeper', 'reconcile', 'cancel']);

/**
 * Whether a notice repeats the payment already recorded on a paid code: the same operation number, or,
 * for a payment recovered from a search (no operation number known), the same amount and currency —
 * a CIP is paid once, so the webhook that arrives late is that payment, not a second one.
 */
function isSamePayment(code: CashCode, payment: PaymentRecord, notice: PaymentNotice): boolean {
  if (payment.operationNumber === notice.operationNumber) return true;
  const recovered = payment.operationNumber === '' || RECOVERED_FROM_SEARCH.has(payment.source);
  return recovered && notice.amountMinor === code.amountMinor && notice.currency === code.currency;
}

/**
 * The payment rules (invariant 3), pure: accept only a `pending` code paid in exactly its locked
 * currency and amount (no partial, no over-payment), not after its expiry. The same operation on a
 * paid code is a duplicate (see `isSamePayment` for payments recovered from a search).
 */
export function judgePayment(code: CashCode, notice: PaymentNotice): PaymentVerdict {
  const reject = (reason: PaymentRejectReason, message: string): PaymentVerdict => ({
    kind: 'reject',
    reason,
    message,
  });
  switch (code.status) {
    case 'paid':
      if (code.payment !== null && isSamePayment(code, code.payment, notice)) return { kind: 'duplicate' };
      return reject('code_not_pending', `CIP ${notice.cip} was already paid by another operation.`);
    case 'cancelled':
      return reject('code_cancelled', `CIP ${notice.cip} belongs to a cancelled code.`);
    case 'expired':
      if (notice.paidAt instanceof Date && notice.paidAt.getTime() <= code.expiresAt.getTime()) {
        // A timely payment reported after the code was expired: money the buyer paid in time.
        return reject(
          'paid_after_expiry',
          `CIP ${notice.cip} was paid at ${notice.paidAt.toISOString()}, before its expiry, but reported after its code ` +
            'was expired; reconcile the order by hand (a larger settlementGraceMs avoids this).',
        );
      }
      return reject('paid_after_expiry', `CIP ${notice.cip} was paid after its code expired.`);
    case 'reserving':
    case 'failed':
      return reject('code_not_pending', `CIP ${notice.cip} belongs to a code in status ${code.status}.`);
    case 'pending':
      break;
  }
  if (notice.currency !== code.currency) {
    return reject(
      'currency_mismatch',
      `CIP ${notice.cip} was paid in ${notice.currency}, but the code is locked to ${code.currency}.`,
    );
  }
  if (notice.amountMinor !== code.amountMinor) {
    const kind = notice.amountMinor < code.amountMinor ? 'partial' : 'over';
    return reject(
      'amount_mismatch',
      `CIP ${notice.cip}: ${kind} payment of ${formatAmount(notice.amountMinor)}, locked amount is ${code.amount}.`,
    );
  }
  if (notice.paidAt instanceof Date && notice.paidAt.getTime() > code.expiresAt.getTime()) {
    return reject(
      'paid_after_expiry',
      `CIP ${notice.cip} was paid at ${notice.paidAt.toISOString()}, after its expiry.`,
    );
  }
  return { kind: 'accept' };
}
