import { GuardError, isPagoEfectivoKitError } from '../errors.js';
import type { Actor, CashCode, PaymentSource } from '../model/code.js';
import type { CipStatus } from '../model/provider.js';
import { parseAmount } from '../money/index.js';
import { log, type ServiceContext } from './_context.js';
import { appendOnce, entryFor, transition } from './lifecycle.js';

/** What PagoEfectivo says about a code's CIP. */
export type CipCheck =
  | { state: 'gone'; status: CipStatus | null }
  | { state: 'paid'; status: CipStatus }
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
 * Ask PagoEfectivo about one CIP. `gone` covers deleted, absent (search results simply omit unknown
 * CIPs) and expired for longer than the settlement grace; `settling` is expired within the grace.
 * Provider errors propagate: the caller decides what "could not confirm" means.
 */
export async function checkCip(ctx: ServiceContext, cip: string): Promise<CipCheck> {
  const statuses = await ctx.provider.searchCips([cip]);
  const status = statuses.find((candidate) => candidate.cip === cip) ?? null;
  if (status !== null && inSettlementGrace(ctx, status)) return { state: 'settling', status };
  if (status === null || status.state === 'expired' || status.state === 'deleted') return { state: 'gone', status };
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

/**
 * Record a payment that PagoEfectivo's search reports (a notification that never arrived, or one that
 * raced with an expiry): `pending`/`expired` → `paid` by CAS, with `operationNumber` `""` because the
 * search API does not return it. A search amount or currency that differs from the lock is logged as a
 * rejected payment instead. A `failed` code holding the CIP (an orphan of a taken-over creation) is
 * logged, never turned into `paid`. Returns the code as stored afterwards.
 */
export async function recordConfirmedPayment(
  ctx: ServiceContext,
  code: CashCode,
  status: CipStatus,
  source: PaymentSource,
  actor: Actor,
): Promise<CashCode> {
  const amountMinor = minorOf(status);
  const facts = { operationNumber: '', amountMinor, currency: status.currency, source };
  if (status.currency !== code.currency || amountMinor !== code.amountMinor) {
    const reason = status.currency !== code.currency ? 'currency_mismatch' : 'amount_mismatch';
    await appendOnce(
      ctx,
      `search:${status.cip}:${reason}`,
      entryFor(ctx, code, { type: 'payment_rejected', actor, reason, data: facts }),
    );
    log(ctx, 'error', 'PagoEfectivo reports a payment that does not match the locked amount', {
      codeId: code.id,
      cip: status.cip,
      reason,
    });
    return code;
  }
  let current: CashCode | null = code;
  for (let attempt = 0; attempt < 8 && current !== null; attempt += 1) {
    if (current.status === 'paid') return current;
    if (current.status !== 'pending' && current.status !== 'expired') {
      const reason = 'code_not_pending';
      const data = { ...facts, orphan: current.status === 'failed' };
      await appendOnce(
        ctx,
        `search:${status.cip}:${reason}`,
        entryFor(ctx, current, { type: 'payment_rejected', actor, reason, data }),
      );
      log(ctx, 'error', 'PagoEfectivo reports a paid CIP for a code that cannot take it', {
        codeId: current.id,
        status: current.status,
      });
      return current;
    }
    const payment = {
      operationNumber: '',
      amountMinor: code.amountMinor,
      currency: code.currency,
      paidAt: status.datePayment ?? ctx.now(),
      source,
    };
    const paid = await transition(
      ctx,
      current,
      { status: 'paid', payment, leaseUntil: null },
      {
        type: 'paid',
        actor,
        reason: 'confirmed_with_api',
        data: { ...facts, recovered: true },
      },
    );
    if (paid !== null) {
      log(ctx, 'warn', 'payment recovered from PagoEfectivo search', {
        codeId: paid.id,
        orderId: paid.orderId,
        source,
      });
      return paid;
    }
    current = await ctx.store.getCode(code.id);
  }
  return current ?? code;
}

/**
 * Before an order gets a new code, make sure its old CIP can no longer be paid (invariant 1).
 * Resolves when the CIP is expired, deleted or unknown to PagoEfectivo.
 *
 * @throws {GuardError} `order_already_paid` after recording the payment when the CIP turns out paid;
 * `order_previous_code_unconfirmed` when the API cannot be asked or still reports the CIP payable.
 */
export async function confirmCipGone(ctx: ServiceContext, code: CashCode): Promise<void> {
  if (code.cip === null) return;
  const details = { orderId: code.orderId, codeId: code.id, cip: code.cip };
  let check: CipCheck;
  try {
    check = await checkCip(ctx, code.cip);
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
    await recordConfirmedPayment(ctx, code, check.status, 'reconcile', 'system');
    throw new GuardError(
      'order_already_paid',
      `Order ${JSON.stringify(code.orderId)} is already paid (CIP ${code.cip}).`,
      { details },
    );
  }
  const until = check.status.dateExpiry?.toISOString() ?? 'unknown';
  const why =
    check.state === 'settling'
      ? `expired at ${until}, but a payment made before then may still be reported; retry after the settlement grace`
      : `still reported as ${check.state} (expiry ${until}); a new code is issued only once it is not payable`;
  throw new GuardError(
    'order_previous_code_unconfirmed',
    `CIP ${code.cip} of order ${JSON.stringify(code.orderId)} is ${why}.`,
    { details: { ...details, reason: check.state } },
  );
}
