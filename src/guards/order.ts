import { GuardError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import { formatAmount } from '../money/index.js';

/** What a new `issue` asks for: the amount lock it wants on the order. */
export interface OrderRequest {
  orderId: string;
  amountMinor: number;
  currency: string;
}

/**
 * What to do with an `issue` request given the order's current code (DESIGN invariant 1).
 *
 * - `claim`: the order has no code; claim it.
 * - `reuse`: a pending, unexpired code with the same amount and currency exists; return it.
 * - `wait`: another request holds a live reservation; wait for it to commit.
 * - `take_over`: a reservation's lease ran out (its worker crashed or hung); fail it, then retry.
 * - `replace`: the current code is expired, failed or pending past its expiry; a new code may be issued
 *   once the old CIP (if any, `confirm: true`) is confirmed not paid and not payable with the API.
 * - `refuse`: the order is paid, cancelled, in review, or locked to another amount; `error` says which.
 */
export type OrderDecision =
  | { kind: 'claim' }
  | { kind: 'reuse'; code: CashCode }
  | { kind: 'wait'; code: CashCode }
  | { kind: 'take_over'; code: CashCode }
  | { kind: 'replace'; code: CashCode; confirm: boolean }
  | { kind: 'refuse'; error: GuardError };

function sameLock(code: CashCode, request: OrderRequest): boolean {
  return code.amountMinor === request.amountMinor && code.currency === request.currency;
}

function conflict(code: CashCode, request: OrderRequest): GuardError {
  const requested = `${formatAmount(request.amountMinor)} ${request.currency}`;
  const locked = `${code.amount} ${code.currency}`;
  return new GuardError(
    'order_amount_conflict',
    `Order ${JSON.stringify(request.orderId)} already has a code for ${locked}, not ${requested}. ` +
      'Cancel the order first or use a new order id for a different amount.',
    {
      details: { orderId: request.orderId, codeId: code.id, lockedAmount: code.amount, lockedCurrency: code.currency },
    },
  );
}

/**
 * Decide what an `issue` request may do with an order, from the order's current code alone.
 * Pure: the caller performs the store/API steps and re-decides after every change.
 */
export function decideOrder(current: CashCode | null, request: OrderRequest, now: Date): OrderDecision {
  if (current === null) return { kind: 'claim' };
  const details = { orderId: request.orderId, codeId: current.id };
  switch (current.status) {
    case 'paid':
      return {
        kind: 'refuse',
        error: new GuardError('order_already_paid', `Order ${JSON.stringify(request.orderId)} is already paid.`, {
          details,
        }),
      };
    case 'cancelled':
      return {
        kind: 'refuse',
        error: new GuardError(
          'order_cancelled',
          `Order ${JSON.stringify(request.orderId)} was cancelled and never gets a new code; use a new order id.`,
          { details },
        ),
      };
    case 'reserving':
      if (!sameLock(current, request)) return { kind: 'refuse', error: conflict(current, request) };
      if (current.leaseUntil !== null && current.leaseUntil.getTime() > now.getTime()) {
        return { kind: 'wait', code: current };
      }
      return { kind: 'take_over', code: current };
    case 'pending':
      if (current.expiresAt.getTime() > now.getTime()) {
        return sameLock(current, request)
          ? { kind: 'reuse', code: current }
          : { kind: 'refuse', error: conflict(current, request) };
      }
      return { kind: 'replace', code: current, confirm: true };
    case 'review':
      return {
        kind: 'refuse',
        error: new GuardError(
          'order_payment_in_review',
          `Order ${JSON.stringify(request.orderId)} has a payment that waits for a decision (codes.resolve); no new code until then.`,
          { details },
        ),
      };
    case 'expired':
    case 'failed':
      return { kind: 'replace', code: current, confirm: current.cip !== null };
    case 'refund_required':
      // Its CIP was paid (the money goes back), so it can never be paid again: nothing to confirm.
      return { kind: 'replace', code: current, confirm: false };
  }
}
