import { GuardError, isPagoEfectivoKitError } from '../errors.js';
import type { Actor, CashCode, PaymentOutcome, PaymentSource } from '../model/code.js';
import type { CipReference, CipStatus } from '../model/provider.js';
import { parseAmount } from '../money/index.js';
import type { ServiceContext } from './_context.js';
import type { PaymentObservation } from './judgement.js';
import { observePayment } from './payment.js';
import { type CallSubject, loggedCall } from './provider-calls.js';
import { referenceOf } from './reference.js';

/** What PagoEfectivo says about a code's CIP. */
export type CipCheck =
  | { state: 'gone'; status: CipStatus }
  | { state: 'paid'; status: CipStatus }
  | { state: 'absent'; cip: string }
  | { state: 'payable' | 'unknown' | 'settling'; status: CipStatus };

/**
 * Whether an expired CIP is still inside the settlement grace: a payment made just before its expiry
 * may not be reported yet (PagoEfectivo reflects payments asynchronously, "usually within 5 minutes").
 * The API's "expired" is derived from `dateExpiry` and the clock, so only time makes it final.
 */
export function inSettlementGrace(ctx: ServiceContext, status: CipStatus): boolean {
  if (status.state !== 'expired' || status.dateExpiry === null) return false;
  return status.dateExpiry.getTime() + ctx.settlementGraceMs > ctx.now().getTime();
}

/**
 * Ask the provider about one CIP. `gone` covers deleted and expired for longer than the settlement
 * grace; `settling` is expired within the grace. A CIP the search answer omits is `unknown`, never
 * `gone` (invariant 12: a missing fact fails closed). Provider errors propagate: the caller decides
 * what "could not confirm" means.
 */
export async function checkCip(
  ctx: ServiceContext,
  cip: string,
  reference: CipReference,
  subject: CallSubject,
  actor: Actor,
): Promise<CipCheck> {
  const statuses = await loggedCall(ctx, 'searchCips', [{ ...subject, cip }], actor, (provider) =>
    provider.searchCips([cip], [reference]),
  );
  const status = statuses.find((candidate) => candidate.cip === cip) ?? null;
  return classify(ctx, cip, status);
}

/** What a search answer (or its absence) says about a CIP; see {@link checkCip}. */
export function classify(ctx: ServiceContext, cip: string, status: CipStatus | null): CipCheck {
  if (status === null) return { state: 'absent', cip };
  if (inSettlementGrace(ctx, status)) return { state: 'settling', status };
  if (status.state === 'expired' || status.state === 'deleted') return { state: 'gone', status };
  if (status.state === 'paid') return { state: 'paid', status };
  return { state: status.state === 'pending' ? 'payable' : 'unknown', status };
}

function minorOf(status: CipStatus): number | null {
  try {
    return parseAmount(status.amount);
  } catch {
    return null;
  }
}

/** A search answer's payment as an observation for the one payment judgement. */
export function searchObservation(status: CipStatus, source: PaymentSource): PaymentObservation {
  return {
    cip: status.cip,
    amountMinor: minorOf(status),
    currency: status.currency,
    paidAt: status.datePayment,
    operationNumber: null,
    source,
  };
}

/**
 * Record a payment that the provider's search reports (a notification that never arrived, or one that
 * raced with an expiry, a cancel or a re-issue), judged like every other payment. Returns the outcome.
 */
export function recordConfirmedPayment(
  ctx: ServiceContext,
  code: CashCode,
  status: CipStatus,
  source: PaymentSource,
): Promise<PaymentOutcome> {
  return observePayment(ctx, code, searchObservation(status, source));
}

/**
 * Before an order gets a new code, make sure its old CIP can no longer be paid (invariant 1).
 * Resolves when the CIP is expired (past the settlement grace) or deleted at the provider.
 *
 * @throws {GuardError} `order_already_paid` (or `order_payment_in_review`) after recording the payment
 * when the CIP turns out paid; `order_previous_code_unconfirmed` when the API cannot be asked, still
 * reports the CIP payable, or leaves it out of its answer.
 */
/** The refusal when a previous code turns out paid: paid, or paid in a way that waits for a person. */
export function paidError(code: CashCode, outcome: PaymentOutcome): GuardError {
  const details = { orderId: code.orderId, codeId: code.id, cip: code.cip, outcome: outcome.kind };
  if (outcome.kind === 'review' || (outcome.kind === 'duplicate' && outcome.code.status === 'review')) {
    return new GuardError(
      'order_payment_in_review',
      `Order ${JSON.stringify(code.orderId)} has a payment of CIP ${code.cip} that waits for a decision (codes.resolve).`,
      { details },
    );
  }
  return new GuardError(
    'order_already_paid',
    `Order ${JSON.stringify(code.orderId)} is already paid (CIP ${code.cip}).`,
    {
      details,
    },
  );
}

export async function confirmCipGone(ctx: ServiceContext, code: CashCode): Promise<void> {
  if (code.cip === null) return;
  const details = { orderId: code.orderId, codeId: code.id, cip: code.cip };
  let check: CipCheck;
  try {
    check = await checkCip(ctx, code.cip, referenceOf(code), code, 'system');
  } catch (error) {
    const reason = isPagoEfectivoKitError(error) ? error.code : 'provider_error';
    throw new GuardError(
      'order_previous_code_unconfirmed',
      `Could not confirm with PagoEfectivo that CIP ${code.cip} of order ${JSON.stringify(code.orderId)} is expired (${reason}); retry later.`,
      { cause: error, details: { ...details, reason } },
    );
  }
  if (check.state === 'gone') return;
  if (check.state === 'paid') {
    const outcome = await recordConfirmedPayment(ctx, code, check.status, 'issue');
    throw paidError(code, outcome);
  }
  const until = check.state === 'absent' ? 'unknown' : (check.status.dateExpiry?.toISOString() ?? 'unknown');
  const why =
    check.state === 'settling'
      ? `expired at ${until}, but a payment made before then may still be reported; retry after the settlement grace`
      : check.state === 'absent'
        ? "missing from the provider's search answer, so it is not known to be unpayable; retry later or check it by hand"
        : `still reported as ${check.state} (expiry ${until}); a new code is issued only once it is not payable`;
  throw new GuardError(
    'order_previous_code_unconfirmed',
    `CIP ${code.cip} of order ${JSON.stringify(code.orderId)} is ${why}.`,
    { details: { ...details, reason: check.state } },
  );
}
