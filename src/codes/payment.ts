import { StorageError } from '../errors.js';
import type {
  Actor,
  CashCode,
  LifecycleEntry,
  PaymentNotice,
  PaymentOutcome,
  PaymentRecord,
  PaymentRejectReason,
  PaymentSource,
} from '../model/code.js';
import type { CodeEvent, EventSource } from '../model/events.js';
import { formatAmount } from '../money/index.js';
import { log, type ServiceContext } from './_context.js';
import { isValidCodeId } from './ids.js';
import { checkNotice, judgePayment, type OrderFacts, type PaymentObservation } from './judgement.js';
import { entryFor, eventFor, record, transition } from './lifecycle.js';

const ACTORS: Record<PaymentSource, Actor> = {
  webhook: 'pagoefectivo',
  sweeper: 'sweeper',
  reconcile: 'reconciler',
  cancel: 'system',
  issue: 'system',
  manual: 'support',
};

/** The event source of a payment source (`manual` payments are support's). */
export const eventSource = (source: PaymentSource): EventSource => (source === 'manual' ? 'support' : source);

/** The observation's facts as entries and events carry them (JSON values only). */
function observed(observation: PaymentObservation): Record<string, unknown> {
  return {
    operationNumber: observation.operationNumber,
    amountMinor: observation.amountMinor,
    amount: observation.amountMinor === null ? null : formatAmount(observation.amountMinor),
    currency: observation.currency,
    paidAt: observation.paidAt?.toISOString() ?? null,
    source: observation.source,
  };
}

/**
 * What the webhook handler verified and answers for this outcome, for the lifecycle entry only (the
 * event keeps the payment's facts): accepted and duplicate notifications are answered 200.
 */
function answered(observation: PaymentObservation, accepted: boolean): Record<string, unknown> {
  const delivery = observation.delivery;
  if (delivery === undefined) return {};
  return { verified: delivery.verified, httpStatus: accepted ? 200 : delivery.refusedStatus };
}

/** The stable part of ids about one observation: a repeated notification maps to the same records. */
const observationKey = (observation: PaymentObservation): string =>
  `${observation.cip}:${observation.operationNumber === null || observation.operationNumber === '' ? '-' : observation.operationNumber}`;

/** The payment record a code keeps (amounts as observed; search answers have no operation number). */
function paymentRecord(ctx: ServiceContext, observation: PaymentObservation, code: CashCode): PaymentRecord {
  return {
    operationNumber: observation.operationNumber ?? '',
    amountMinor: observation.amountMinor ?? code.amountMinor,
    currency: observation.currency,
    paidAt: observation.paidAt ?? ctx.now(),
    source: observation.source,
  };
}

/** Record a refused payment (entry + `payment.rejected` event) once per CIP, operation and reason. */
async function refuse(
  ctx: ServiceContext,
  code: CashCode | null,
  observation: PaymentObservation,
  reason: PaymentRejectReason,
  message: string,
): Promise<PaymentOutcome> {
  const actor = ACTORS[observation.source];
  const data = {
    ...observed(observation),
    lockedAmountMinor: code?.amountMinor ?? null,
    lockedCurrency: code?.currency ?? null,
    codeStatus: code?.status ?? null,
    reason,
    message,
  };
  const key = `${observationKey(observation)}:${reason}`;
  const entryData = { ...data, ...answered(observation, false) };
  const entry: LifecycleEntry =
    code === null
      ? {
          id: `rejected:${key}`,
          subject: `cip:${observation.cip}`,
          orderId: null,
          cip: observation.cip,
          type: 'payment_rejected',
          actor,
          at: ctx.now(),
          reason,
          from: null,
          to: null,
          data: entryData,
        }
      : {
          ...entryFor(
            ctx,
            code,
            { type: 'payment_rejected', actor, reason, data: entryData },
            null,
            null,
            `rejected:${key}`,
          ),
          cip: observation.cip,
        };
  const event: CodeEvent =
    code === null
      ? {
          id: `payment.rejected:${key}`,
          type: 'payment.rejected',
          codeId: null,
          orderId: null,
          cip: observation.cip,
          at: ctx.now(),
          source: eventSource(observation.source),
          data,
        }
      : {
          ...eventFor(
            ctx,
            code,
            { type: 'payment.rejected', source: eventSource(observation.source), data },
            `payment.rejected:${key}`,
          ),
          cip: observation.cip,
        };
  await record(ctx, [entry], [event]);
  log(ctx, reason === 'unknown_cip' ? 'error' : 'warn', 'payment rejected', {
    reason,
    cip: observation.cip,
    codeId: code?.id ?? null,
    orderId: code?.orderId ?? null,
  });
  return { kind: 'rejected', reason, message, code };
}

async function orderFacts(ctx: ServiceContext, code: CashCode): Promise<OrderFacts> {
  const now = ctx.now();
  if (code.status !== 'expired' && code.status !== 'failed') return { current: true, orderPaid: false, now };
  const current = await ctx.store.getCodeByOrder(code.orderId);
  return { current: current?.id === code.id, orderPaid: current?.status === 'paid', now };
}

/**
 * Apply an observed payment to a known code: THE one path every source takes (webhook, sweeper,
 * reconciliation, cancel, re-issue), judged by `judgePayment`, so no source turns into `paid` what
 * another refused. Accepting writes `paid` + `code.paid`; a doubtful payment writes `review` +
 * `payment.review`; a refusal writes its entry + `payment.rejected`; all in one commit each.
 *
 * @throws {StorageError} when the code is still being created (nothing recorded: retry), or when the
 * store fails or keeps losing version races.
 */
export async function observePayment(
  ctx: ServiceContext,
  found: CashCode,
  observation: PaymentObservation,
): Promise<PaymentOutcome> {
  const actor = ACTORS[observation.source];
  const source = eventSource(observation.source);
  let code = found;
  for (let attempt = 0; attempt < 16; attempt += 1) {
    const verdict = judgePayment(code, observation, await orderFacts(ctx, code));
    if (verdict.kind === 'duplicate') {
      const entry = entryFor(
        ctx,
        code,
        { type: 'payment_duplicate', actor, data: { ...observed(observation), ...answered(observation, true) } },
        null,
        null,
        `duplicate:${observationKey(observation)}`,
      );
      await record(ctx, [entry], []);
      return { kind: 'duplicate', code };
    }
    if (verdict.kind === 'reject') return refuse(ctx, code, observation, verdict.reason, verdict.message);
    if (verdict.kind === 'retry') {
      throw new StorageError(verdict.message, {
        details: { cip: observation.cip, codeId: code.id, reason: 'code_reserving' },
      });
    }
    const payment = paymentRecord(ctx, observation, code);
    const facts = {
      ...observed(observation),
      lockedAmountMinor: code.amountMinor,
      lockedAmount: code.amount,
      lockedCurrency: code.currency,
    };
    if (verdict.kind === 'accept') {
      const paid = await transition(
        ctx,
        code,
        { status: 'paid', payment, leaseUntil: null, cip: code.cip ?? observation.cip },
        {
          type: 'paid',
          actor,
          reason: observation.source === 'webhook' ? null : 'confirmed_with_api',
          data: { ...facts, ...answered(observation, true) },
        },
        { event: { type: 'code.paid', source, data: facts } },
      );
      if (paid !== null) {
        log(ctx, observation.source === 'webhook' ? 'info' : 'warn', 'code paid', {
          codeId: paid.id,
          orderId: paid.orderId,
          cip: observation.cip,
          source: observation.source,
        });
        return { kind: 'paid', code: paid };
      }
    } else {
      const review = {
        reason: verdict.reason,
        message: verdict.message,
        at: ctx.now(),
        previousStatus: code.status,
        decision: null,
        decidedBy: null,
        note: null,
        decidedAt: null,
      };
      const data = { ...facts, reason: verdict.reason, message: verdict.message, previousStatus: code.status };
      const held = await transition(
        ctx,
        code,
        // A replaced code learns its CIP here when the notification named it by transactionCode only.
        { status: 'review', payment, review, leaseUntil: null, cip: code.cip ?? observation.cip },
        { type: 'review', actor, reason: verdict.reason, data: { ...data, ...answered(observation, false) } },
        { event: { type: 'payment.review', source, data } },
      );
      if (held !== null) {
        log(ctx, 'error', 'payment needs a decision', {
          codeId: held.id,
          orderId: held.orderId,
          cip: observation.cip,
          reason: verdict.reason,
        });
        return { kind: 'review', reason: verdict.reason, message: verdict.message, code: held };
      }
    }
    // Another writer changed the code first (a concurrent duplicate, the sweeper, a cancel): re-decide.
    code = (await ctx.store.getCode(code.id)) ?? code;
  }
  throw new StorageError(
    `Payment for CIP ${observation.cip} kept losing version races; the notification can be retried.`,
    {
      details: { cip: observation.cip },
    },
  );
}

/** The code a payment is about: by CIP, else (a creation whose CIP was never recorded) by transactionCode. */
export async function codeOfPayment(
  ctx: ServiceContext,
  cip: string,
  transactionCode: string | null | undefined,
): Promise<CashCode | null> {
  const byCip = await ctx.store.getCodeByCip(cip);
  if (byCip !== null) return byCip;
  if (!isValidCodeId(transactionCode)) return null;
  const owner = await ctx.store.getCode(transactionCode);
  // Only a code without a CIP can be the creator of this one (a code's CIP never changes).
  return owner !== null && owner.cip === null ? owner : null;
}

/**
 * Apply a payment notification (see `CashCodes.applyPayment`): find the code, then judge and record
 * through {@link observePayment}. An unknown CIP is recorded as a refused payment.
 */
export async function applyPayment(ctx: ServiceContext, notice: PaymentNotice): Promise<PaymentOutcome> {
  checkNotice(notice);
  const observation: PaymentObservation = {
    cip: notice.cip,
    amountMinor: notice.amountMinor,
    currency: notice.currency,
    paidAt: notice.paidAt ?? null,
    operationNumber: notice.operationNumber === '' ? null : (notice.operationNumber ?? null),
    source: notice.source ?? 'webhook',
    ...(notice.delivery !== undefined && {
      delivery: { verified: notice.delivery.verified === true, refusedStatus: Number(notice.delivery.refusedStatus) },
    }),
  };
  // Reconciliation of 0.1 named search payments `reconcile:<cip>`: that is no operation number.
  if (observation.operationNumber?.startsWith('reconcile:')) observation.operationNumber = null;
  const code = await codeOfPayment(ctx, notice.cip, notice.transactionCode);
  if (code === null) {
    return refuse(ctx, null, observation, 'unknown_cip', `CIP ${notice.cip} is not a code of this store.`);
  }
  return observePayment(ctx, code, observation);
}
