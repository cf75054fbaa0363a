import { GuardError, isPagoEfectivoKitError, StorageError } from '../errors.js';
import type { CashCode, PaymentOutcome } from '../model/code.js';
import { providerSupports } from '../model/provider.js';
import { log, type ServiceContext } from './_context.js';
import { checkCip, confirmCipGone, recordConfirmedPayment } from './confirm.js';
import { transition } from './lifecycle.js';
import { loggedCall } from './provider-calls.js';
import { referenceOf } from './reference.js';
import { unsupported } from './unsupported.js';

function notCancellable(code: CashCode, why: string): GuardError {
  return new GuardError('code_not_cancellable', `Order ${JSON.stringify(code.orderId)} cannot be cancelled: ${why}.`, {
    details: { orderId: code.orderId, codeId: code.id, status: code.status },
  });
}

/**
 * Delete a pending code's CIP at PagoEfectivo. If the API refuses, search: a CIP that turns out paid
 * has its payment recorded and the cancel is refused; an expired or deleted one can be cancelled; in
 * any other case the API's error is rethrown and nothing changed.
 */
async function deleteAtProvider(ctx: ServiceContext, code: CashCode): Promise<void> {
  if (code.cip === null) return;
  try {
    const cip = code.cip;
    await loggedCall(ctx, 'deleteCip', [code], 'merchant', (provider) => provider.deleteCip(cip, referenceOf(code)));
    return;
  } catch (deleteError) {
    const check = await checkCip(ctx, code.cip, referenceOf(code), code, 'merchant').catch(() => null);
    if (check?.state === 'gone') return;
    if (check?.state === 'paid') {
      const outcome = await recordConfirmedPayment(ctx, code, check.status, 'cancel');
      throw notCancellable(code, paidReason(outcome));
    }
    throw deleteError;
  }
}

function paidReason(outcome: PaymentOutcome): string {
  return outcome.kind === 'paid' || (outcome.kind === 'duplicate' && outcome.code.status === 'paid')
    ? 'PagoEfectivo reports it paid; the payment was recorded'
    : 'PagoEfectivo reports it paid; the payment was recorded and waits for a decision (codes.resolve)';
}

/** For an expired or failed code: refuse if its CIP turns out paid (the payment is then recorded). */
async function confirmBeforeClosing(ctx: ServiceContext, code: CashCode): Promise<void> {
  try {
    await confirmCipGone(ctx, code);
  } catch (error) {
    if (isPagoEfectivoKitError(error, 'order_already_paid')) {
      throw notCancellable(code, 'PagoEfectivo reports it paid; the payment was recorded');
    }
    if (isPagoEfectivoKitError(error, 'order_payment_in_review')) {
      throw notCancellable(code, 'PagoEfectivo reports it paid; the payment was recorded and waits for a decision');
    }
    throw error;
  }
}

/**
 * Cancel an order (see `CashCodes.cancel`): its code becomes `cancelled` and the order never gets
 * another code. Idempotent for an already-cancelled order.
 */
export async function cancel(ctx: ServiceContext, orderId: string): Promise<CashCode> {
  let code = await ctx.store.getCodeByOrder(orderId);
  if (code === null) {
    throw new GuardError('code_not_found', `Order ${JSON.stringify(orderId)} has no payment code.`, {
      details: { orderId },
    });
  }
  let deleted = false;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    switch (code.status) {
      case 'cancelled':
        return code;
      case 'paid':
        throw notCancellable(code, 'it is paid');
      case 'review':
        throw notCancellable(code, 'a payment of it waits for a decision (codes.resolve)');
      case 'refund_required':
        throw notCancellable(code, 'its payment is to be refunded; the code is settled');
      case 'reserving':
        throw new GuardError(
          'order_code_in_flight',
          `Order ${JSON.stringify(orderId)}'s code is being created; cancel again in a moment.`,
          {
            details: { orderId, codeId: code.id },
          },
        );
      case 'pending':
        // Never mark a code cancelled whose CIP stays payable at a provider that cannot cancel it.
        if (!providerSupports(ctx.provider, 'deleteCip')) {
          throw unsupported(ctx.provider, 'deleteCip', `order ${JSON.stringify(orderId)} was not cancelled`);
        }
        if (!deleted) await deleteAtProvider(ctx, code);
        deleted = true;
        break;
      case 'expired':
      case 'failed':
        // No live CIP to delete, but a late payment could still exist: confirm before closing the order.
        await confirmBeforeClosing(ctx, code);
        break;
    }
    const cancelled = await transition(
      ctx,
      code,
      { status: 'cancelled', leaseUntil: null },
      { type: 'cancelled', actor: 'merchant' },
      { event: { type: 'code.cancelled', source: 'cancel', data: { previousStatus: code.status } } },
    );
    if (cancelled !== null) {
      log(ctx, 'info', 'order cancelled', { codeId: cancelled.id, orderId, cip: cancelled.cip });
      return cancelled;
    }
    code = (await ctx.store.getCode(code.id)) ?? code;
  }
  throw new StorageError(`Cancelling order ${JSON.stringify(orderId)} kept losing version races; retry.`, {
    details: { orderId },
  });
}
