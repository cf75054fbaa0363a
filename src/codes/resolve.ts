import { GuardError, StorageError, ValidationError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import { log, type ServiceContext } from './_context.js';
import { transition } from './lifecycle.js';

/** A person's decision on a payment under review (`codes.resolve`). */
export interface ResolveInput {
  /** `accept`: the order counts as paid (`code.paid`); `refund`: the money goes back (`payment.refund_required`). */
  decision: 'accept' | 'refund';
  /** Who decided: a staff name or id, kept in the lifecycle log (1–100 characters). */
  actor: string;
  /** Why, for the log and the event (at most 500 characters). */
  note?: string;
}

function checkInput(input: ResolveInput): { decision: 'accept' | 'refund'; actor: string; note: string | null } {
  const issues: { path: string; message: string }[] = [];
  if (input?.decision !== 'accept' && input?.decision !== 'refund') {
    issues.push({ path: 'decision', message: "must be 'accept' or 'refund'" });
  }
  if (typeof input?.actor !== 'string' || input.actor.trim() === '' || input.actor.length > 100) {
    issues.push({ path: 'actor', message: 'must name who decided (1–100 characters)' });
  }
  if (input?.note !== undefined && (typeof input.note !== 'string' || input.note.length > 500)) {
    issues.push({ path: 'note', message: 'must be a string of at most 500 characters' });
  }
  if (issues.length > 0) {
    throw new ValidationError(`Invalid resolve input: ${issues.map((issue) => issue.path).join(', ')}.`, issues);
  }
  return { decision: input.decision, actor: input.actor.trim(), note: input.note ?? null };
}

/**
 * Accepting a payment of a code that is no longer its order's code must not leave the order with a
 * second payable (or paid) code: one order, one paid code.
 */
async function checkOrderFree(ctx: ServiceContext, code: CashCode): Promise<void> {
  const current = await ctx.store.getCodeByOrder(code.orderId);
  if (current === null || current.id === code.id) return;
  const details = { codeId: code.id, orderId: code.orderId, currentCodeId: current.id, currentStatus: current.status };
  if (current.status === 'paid' || current.status === 'review') {
    throw new GuardError(
      'order_already_paid',
      `Order ${JSON.stringify(code.orderId)} already has a ${current.status === 'paid' ? 'paid' : 'reviewed'} code (${current.id}); accepting this payment too would collect the order twice: refund it instead.`,
      { details },
    );
  }
  if (current.status === 'pending' || current.status === 'reserving') {
    throw new GuardError(
      'order_code_in_flight',
      `Order ${JSON.stringify(code.orderId)} has another payable code (${current.id}); cancel it first (codes.cancel(orderId)), then accept this payment.`,
      { details },
    );
  }
}

/**
 * Settle a payment under review (see `CashCodes.resolve`). Idempotent: resolving a code again with the
 * decision it already has returns it unchanged; a different decision is refused.
 */
export async function resolve(ctx: ServiceContext, codeId: string, input: ResolveInput): Promise<CashCode> {
  const { decision, actor, note } = checkInput(input);
  let code = typeof codeId === 'string' && codeId !== '' ? await ctx.store.getCode(codeId) : null;
  if (code === null) {
    throw new GuardError('code_not_found', `No payment code with id ${JSON.stringify(codeId)}.`, {
      details: { codeId },
    });
  }
  for (let attempt = 0; attempt < 8; attempt += 1) {
    if (code.status !== 'review') {
      if (code.review?.decision === decision) return code;
      throw new GuardError(
        'code_not_in_review',
        `Code ${code.id} is ${code.status}${code.review?.decision ? ` (decided: ${code.review.decision})` : ''}; there is no payment waiting for a decision.`,
        { details: { codeId: code.id, status: code.status } },
      );
    }
    if (decision === 'accept') await checkOrderFree(ctx, code);
    const review = { ...code.review!, decision, decidedBy: actor, note, decidedAt: ctx.now() };
    const data = {
      decision,
      decidedBy: actor,
      note,
      reason: review.reason,
      previousStatus: review.previousStatus,
      amountMinor: code.payment?.amountMinor ?? null,
      currency: code.payment?.currency ?? null,
      operationNumber: code.payment?.operationNumber || null,
      lockedAmountMinor: code.amountMinor,
      lockedCurrency: code.currency,
    };
    const next = await transition(
      ctx,
      code,
      { status: decision === 'accept' ? 'paid' : 'refund_required', review },
      { type: 'resolved', actor: 'support', reason: decision, data },
      { event: { type: decision === 'accept' ? 'code.paid' : 'payment.refund_required', source: 'support', data } },
    );
    if (next !== null) {
      log(ctx, 'warn', 'payment review resolved', { codeId: next.id, orderId: next.orderId, decision });
      return next;
    }
    code = (await ctx.store.getCode(code.id)) ?? code;
  }
  throw new StorageError(`Resolving code ${codeId} kept losing version races; retry.`, { details: { codeId } });
}
