import { StorageError } from '../errors.js';
import type {
  Actor,
  CashCode,
  LifecycleEntry,
  PaymentNotice,
  PaymentOutcome,
  PaymentRejectReason,
  PaymentSource,
} from '../model/code.js';
import { log, type ServiceContext } from './_context.js';
import { isValidCodeId } from './ids.js';
import { appendOnce, entryFor, transition } from './lifecycle.js';
import { checkNotice, judgePayment } from './payment-rules.js';

const ACTORS: Record<PaymentSource, Actor> = {
  webhook: 'pagoefectivo',
  sweeper: 'sweeper',
  reconcile: 'reconciler',
  cancel: 'system',
  manual: 'support',
};

async function rejected(
  ctx: ServiceContext,
  code: CashCode | null,
  notice: PaymentNotice,
  actor: Actor,
  reason: PaymentRejectReason,
  message: string,
  extra: Record<string, unknown> = {},
): Promise<PaymentOutcome> {
  const data = {
    lockedAmountMinor: code?.amountMinor ?? null,
    lockedCurrency: code?.currency ?? null,
    operationNumber: notice.operationNumber,
    amountMinor: notice.amountMinor,
    currency: notice.currency,
    ...extra,
  };
  const entry: LifecycleEntry =
    code === null
      ? {
          subject: `cip:${notice.cip}`,
          orderId: null,
          cip: notice.cip,
          type: 'payment_rejected',
          actor,
          at: ctx.now(),
          reason,
          from: null,
          to: null,
          data,
        }
      : { ...entryFor(ctx, code, { type: 'payment_rejected', actor, reason, data }), cip: notice.cip };
  await appendOnce(ctx, `reject:${notice.cip}:${notice.operationNumber}:${reason}`, entry);
  log(ctx, reason === 'unknown_cip' || extra.orphan === true ? 'error' : 'warn', 'payment rejected', {
    reason,
    cip: notice.cip,
    codeId: code?.id ?? null,
    orderId: code?.orderId ?? null,
  });
  return { kind: 'rejected', reason, message, code };
}

/**
 * A payment of a CIP created by an attempt we recorded as `failed` (its creation timed out, or its lease
 * was taken over): the money is real, but the order may have another code, so it is never accepted
 * silently. It is logged on that code as `order_already_paid` (the order has a paid code) or
 * `code_not_pending`, with `orphan: true`, for a person to reconcile (refund or keep).
 */
async function orphan(
  ctx: ServiceContext,
  owner: CashCode,
  notice: PaymentNotice,
  actor: Actor,
): Promise<PaymentOutcome> {
  const current = await ctx.store.getCodeByOrder(owner.orderId);
  const orderPaid = current !== null && current.status === 'paid';
  const reason: PaymentRejectReason = orderPaid ? 'order_already_paid' : 'code_not_pending';
  const message = `CIP ${notice.cip} was created for code ${owner.id} (status ${owner.status}), whose creation was never committed; reconcile the order by hand.`;
  return rejected(ctx, owner, notice, actor, reason, message, { orphan: true, codeStatus: owner.status });
}

/** A notice for a CIP the store does not hold; `transactionCode` may still name one of our codes. */
async function unknownCip(ctx: ServiceContext, notice: PaymentNotice, actor: Actor): Promise<PaymentOutcome> {
  const owner = isValidCodeId(notice.transactionCode) ? await ctx.store.getCode(notice.transactionCode) : null;
  if (owner !== null && owner.cip === null) return orphan(ctx, owner, notice, actor);
  return rejected(ctx, null, notice, actor, 'unknown_cip', `CIP ${notice.cip} is not a code of this store.`);
}

/**
 * Apply a payment notification (see `CashCodes.applyPayment`): accept only a known, pending CIP paid
 * in exactly its locked currency and amount, before its expiry; report repeats as duplicates; record
 * every refusal in the lifecycle log once per (CIP, operation, reason).
 */
export async function applyPayment(ctx: ServiceContext, notice: PaymentNotice): Promise<PaymentOutcome> {
  checkNotice(notice);
  const source = notice.source ?? 'webhook';
  const actor = ACTORS[source];
  let code = await ctx.store.getCodeByCip(notice.cip);
  if (code === null) return unknownCip(ctx, notice, actor);
  for (let attempt = 0; attempt < 16; attempt += 1) {
    const verdict = judgePayment(code, notice);
    if (verdict.kind === 'duplicate') {
      const entry = entryFor(ctx, code, {
        type: 'payment_duplicate',
        actor,
        data: { operationNumber: notice.operationNumber },
      });
      await appendOnce(ctx, `duplicate:${notice.cip}:${notice.operationNumber}`, entry);
      return { kind: 'duplicate', code };
    }
    if (verdict.kind === 'reject') {
      if (code.status === 'failed') return orphan(ctx, code, notice, actor);
      return rejected(ctx, code, notice, actor, verdict.reason, verdict.message);
    }
    const payment = {
      operationNumber: notice.operationNumber,
      amountMinor: notice.amountMinor,
      currency: notice.currency,
      paidAt: notice.paidAt ?? ctx.now(),
      source,
    };
    const paid = await transition(
      ctx,
      code,
      { status: 'paid', payment },
      {
        type: 'paid',
        actor,
        data: { operationNumber: notice.operationNumber, amountMinor: notice.amountMinor, source },
      },
    );
    if (paid !== null) {
      log(ctx, 'info', 'code paid', { codeId: paid.id, orderId: paid.orderId, cip: notice.cip, source });
      return { kind: 'paid', code: paid };
    }
    // Another writer changed the code first (a concurrent duplicate, the sweeper, a cancel): re-decide.
    code = (await ctx.store.getCode(code.id)) ?? code;
  }
  throw new StorageError(`Payment for CIP ${notice.cip} kept losing version races; the notification can be retried.`, {
    details: { cip: notice.cip },
  });
}
