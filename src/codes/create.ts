import { ApiError, ConfigurationError, GuardError, isPagoEfectivoKitError } from '../errors.js';
import type { Actor, CashCode, LifecycleEntry } from '../model/code.js';
import type { CreateCipInput, CreatedCip } from '../model/provider.js';
import { formatAmount } from '../money/index.js';
import { log, type ServiceContext } from './_context.js';
import { checkCip, recordConfirmedPayment } from './confirm.js';
import { isValidCodeId } from './ids.js';
import type { IssueRequest } from './input.js';
import { entryFor, record, transition } from './lifecycle.js';
import { callProvider, logCall, loggedCall } from './provider-calls.js';
import { createdReference, referenceOf } from './reference.js';

/** Why a code ended `failed`; written as the `creation_failed` entry's reason. */
export type CreationFailure = 'creation_rejected' | 'creation_outcome_unknown' | 'lease_expired' | 'provider_mismatch';

const UNKNOWN_OUTCOME_CODES = new Set(['timeout', 'network_error', 'api_server_error', 'api_unexpected_response']);

/**
 * Whether a failed `createCip` may still have created the CIP: timeouts, network errors, 5xx and
 * unreadable answers (the PagoEfectivo client also flags them with `details.outcomeUnknown`). Errors
 * that are not SDK errors (a third-party provider's) are treated as unknown, the safe assumption.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (!isPagoEfectivoKitError(error)) return true;
  if (error.details?.outcomeUnknown === true) return true;
  if (UNKNOWN_OUTCOME_CODES.has(error.code)) return true;
  return error instanceof ApiError && error.status !== undefined && error.status >= 500;
}

/** Mark a `reserving` code `failed` (CAS, with its `code.failed` event); `null` if someone else changed it first. */
export function markFailed(
  ctx: ServiceContext,
  code: CashCode,
  reason: CreationFailure,
  actor: Actor,
  data: Record<string, unknown> = {},
  extra: Partial<CashCode> = {},
  leading: readonly LifecycleEntry[] = [],
): Promise<CashCode | null> {
  return transition(
    ctx,
    code,
    { ...extra, status: 'failed', leaseUntil: null },
    { type: 'creation_failed', actor, reason, data },
    {
      leading,
      event: { type: 'code.failed', source: actor === 'sweeper' ? 'sweeper' : 'issue', data: { reason, ...data } },
    },
  );
}

/** What deleting the CIP of an unfinished creation came to. */
type Cleanup = { deleted: true } | { deleted: false; error: unknown };

/**
 * Delete the CIP of a creation that never committed, and make sure it is gone: a delete that errors is
 * followed by a search, and only "deleted" or "expired past the grace" count. A CIP found paid is
 * recorded through the payment judgement (the caller's code then leaves `reserving`).
 */
async function deleteUnfinishedCip(ctx: ServiceContext, code: CashCode, cip: string): Promise<Cleanup> {
  try {
    await loggedCall(ctx, 'deleteCip', [{ ...code, cip }], 'system', (provider) =>
      provider.deleteCip(cip, referenceOf(code, cip)),
    );
    return { deleted: true };
  } catch (error) {
    const check = await checkCip(ctx, cip, referenceOf(code, cip), code, 'system').catch(() => null);
    if (check?.state === 'gone') return { deleted: true };
    if (check?.state === 'paid') {
      // Money arrived for a creation that never committed: fail the code with its CIP, then judge.
      const failed = await markFailed(ctx, code, 'lease_expired', 'system', { cip }, { cip });
      if (failed !== null) await recordConfirmedPayment(ctx, failed, check.status, 'sweeper');
    }
    return { deleted: false, error };
  }
}

/**
 * Take over a reservation whose lease ran out (its worker crashed or hung, or its commit failed): mark
 * it `failed` with reason `lease_expired` and log `lease_taken_over`; the order can then get a new code.
 * A reservation that holds a CIP (its commit to `pending` failed, see {@link createAndCommit}) has that
 * CIP deleted at the provider first; while the deletion cannot be confirmed the reservation stays, its
 * lease pushed back, and `null` is returned, so an order never gets a second payable CIP. If the old
 * worker is alive after all, its commit loses the version race and it deletes the CIP it created.
 */
export async function takeOver(ctx: ServiceContext, code: CashCode, actor: Actor): Promise<CashCode | null> {
  if (code.cip !== null) {
    const cleanup = await deleteUnfinishedCip(ctx, code, code.cip);
    if (!cleanup.deleted) {
      await transition(
        ctx,
        code,
        { leaseUntil: new Date(ctx.now().getTime() + ctx.leaseMs) },
        { type: 'note', actor, reason: 'orphan_cip_delete_failed', data: { cip: code.cip } },
      ).catch(() => null);
      log(ctx, 'error', 'could not delete the CIP of an unfinished creation; retried by the sweeper', {
        codeId: code.id,
        orderId: code.orderId,
        cip: code.cip,
      });
      return null;
    }
  }
  const failed = await markFailed(ctx, code, 'lease_expired', actor, {
    leaseUntil: code.leaseUntil?.toISOString() ?? null,
    cip: code.cip,
  });
  if (failed === null) return null;
  await record(
    ctx,
    [
      entryFor(
        ctx,
        failed,
        { type: 'lease_taken_over', actor, reason: 'lease_expired' },
        null,
        null,
        `${failed.id}:v${failed.version}:lease_taken_over`,
      ),
    ],
    [],
  );
  log(ctx, 'warn', 'stale reservation taken over', { codeId: code.id, orderId: code.orderId });
  return failed;
}

/** The `reserving` record that claims an order before its CIP exists. */
export function newReservation(ctx: ServiceContext, request: IssueRequest, expiresAt: Date): CashCode {
  const id = ctx.newId();
  if (!isValidCodeId(id)) {
    throw new ConfigurationError(
      'idGenerator must return 1–36 letters, digits, "-" or "_" (it becomes the transactionCode).',
    );
  }
  const now = ctx.now();
  return {
    id,
    orderId: request.orderId,
    status: 'reserving',
    version: 0,
    cip: null,
    cipUrl: null,
    amount: formatAmount(request.amountMinor),
    amountMinor: request.amountMinor,
    currency: request.currency,
    fx: request.fx,
    payer: request.payer,
    expiresAt,
    createdAt: now,
    updatedAt: now,
    leaseUntil: new Date(now.getTime() + ctx.leaseMs),
    payment: null,
    paymentConcept: request.paymentConcept ?? null,
    metadata: request.metadata,
  };
}

/**
 * Our commit lost to a takeover: the CIP we just created belongs to no live code, unless a stored code
 * holds it after all (a commit that landed although its reply was lost): then it is ours, never
 * deleted. Otherwise delete it (only a generated CIP can be deleted) and record it on our failed code so
 * that, if deletion failed and it is ever paid, the payment finds the code and goes to review.
 */
async function abandon(ctx: ServiceContext, code: CashCode, created: CreatedCip): Promise<CashCode | null> {
  const holder = await ctx.store.getCodeByCip(created.cip);
  if (holder !== null && holder.id === code.id && holder.status !== 'reserving')
    return holder.status === 'pending' ? holder : null;
  let deleted = true;
  try {
    await loggedCall(ctx, 'deleteCip', [{ ...code, cip: created.cip }], 'system', (provider) =>
      provider.deleteCip(created.cip, createdReference(code.id, created)),
    );
  } catch {
    deleted = false;
  }
  const current = await ctx.store.getCode(code.id);
  if (current !== null && current.status === 'failed' && current.cip === null) {
    await transition(
      ctx,
      current,
      { cip: created.cip, cipUrl: created.cipUrl, providerPaymentId: created.providerPaymentId ?? null },
      {
        type: 'orphan_cip',
        actor: 'system',
        reason: deleted ? 'orphan_cip_deleted' : 'orphan_cip_delete_failed',
        data: { cip: created.cip },
      },
    );
  }
  log(ctx, deleted ? 'warn' : 'error', 'CIP created after the reservation was taken over', {
    codeId: code.id,
    cip: created.cip,
    deleted,
  });
  return null;
}

/**
 * The commit to `pending` failed and the store stays unreachable (the re-executions failed too): the
 * CIP must not stay payable behind the buyer's back. Record it on the reservation if the store answers
 * (the sweeper or the next `issue` then deletes it before anything else happens to the order), then
 * delete it at the provider; when both fail, log the CIP at error level for a person.
 */
async function strandedCip(ctx: ServiceContext, reserved: CashCode, created: CreatedCip): Promise<CashCode | null> {
  let recorded: CashCode | null = null;
  try {
    recorded = await transition(
      ctx,
      reserved,
      {
        cip: created.cip,
        cipUrl: created.cipUrl,
        providerPaymentId: created.providerPaymentId ?? null,
        leaseUntil: ctx.now(),
      },
      { type: 'orphan_cip', actor: 'system', reason: 'commit_failed', data: { cip: created.cip } },
    );
    if (recorded === null) {
      // The reservation moved on: maybe our commit landed after all and only its replies were lost.
      const holder = await ctx.store.getCodeByCip(created.cip);
      if (holder !== null && holder.id === reserved.id) return holder.status === 'pending' ? holder : null;
      return abandon(ctx, reserved, created);
    }
  } catch {
    // Writes keep failing; reads may still work: never delete a CIP that a stored code holds.
    const holder = await ctx.store.getCodeByCip(created.cip).catch(() => undefined);
    if (holder !== undefined && holder !== null)
      return holder.id === reserved.id && holder.status === 'pending' ? holder : null;
  }
  if (recorded !== null) {
    // The reservation now holds the CIP: the takeover deletes it (or finds it paid) before moving on.
    const taken = await takeOver(ctx, recorded, 'system').catch(() => null);
    if (taken === null) {
      log(ctx, 'warn', 'CIP of a failed commit recorded; the sweeper deletes it', {
        codeId: reserved.id,
        cip: created.cip,
      });
    }
    return null;
  }
  let deleted = true;
  try {
    await loggedCall(ctx, 'deleteCip', [{ ...reserved, cip: created.cip }], 'system', (provider) =>
      provider.deleteCip(created.cip, createdReference(reserved.id, created)),
    );
  } catch {
    deleted = false;
  }
  log(
    ctx,
    'error',
    deleted ? 'CIP of a failed commit deleted' : 'CIP of a failed commit could be neither recorded nor deleted',
    { codeId: reserved.id, orderId: reserved.orderId, cip: created.cip, deleted },
  );
  return null;
}

/** The provider's creation input of a request, without the code id (see `checkCreateInput`). */
export function createInput(request: IssueRequest, dateExpiry: Date): Omit<CreateCipInput, 'transactionCode'> {
  const { payer } = request;
  return {
    currency: request.currency,
    amount: formatAmount(request.amountMinor),
    userEmail: payer.email,
    dateExpiry,
    ...(request.paymentConcept !== undefined && { paymentConcept: request.paymentConcept }),
    ...(payer.firstName !== undefined && { userName: payer.firstName }),
    ...(payer.lastName !== undefined && { userLastName: payer.lastName }),
    ...(payer.documentType !== undefined && { userDocumentType: payer.documentType }),
    ...(payer.documentNumber !== undefined && { userDocumentNumber: payer.documentNumber }),
    ...(payer.phone !== undefined && { userPhone: payer.phone }),
    ...(payer.phoneCountryCode !== undefined && { userCodeCountry: payer.phoneCountryCode }),
  };
}

/**
 * Phase two of creation: call `createCip` with the code id as `transactionCode`, then CAS-commit the CIP
 * (`reserving` → `pending`). Returns `null` when the commit lost to a takeover (the caller re-decides).
 *
 * @throws the provider's error after marking the code `failed` (`creation_rejected`), or
 * {@link GuardError} `code_creation_outcome_unknown` when the CIP may exist (`creation_outcome_unknown`).
 */
export async function createAndCommit(
  ctx: ServiceContext,
  reserved: CashCode,
  request: IssueRequest,
): Promise<CashCode | null> {
  // The call's log entry joins the commit it leads to (pending, or failed).
  const result = await callProvider(ctx, 'createCip', (provider) =>
    provider.createCip({ ...createInput(request, reserved.expiresAt), transactionCode: reserved.id }),
  );
  const call = result.call;
  if ('error' in result) {
    const error = result.error;
    const unknown = isOutcomeUnknown(error);
    const errorCode = isPagoEfectivoKitError(error) ? error.code : 'provider_error';
    const failed = await markFailed(
      ctx,
      reserved,
      unknown ? 'creation_outcome_unknown' : 'creation_rejected',
      'merchant',
      { errorCode },
      {},
      call.entries([reserved], 'merchant'),
    );
    // Taken over meanwhile: the call is still part of this code's history.
    if (failed === null) await logCall(ctx, call, [reserved], 'merchant');
    log(ctx, unknown ? 'error' : 'warn', 'createCip failed', {
      codeId: reserved.id,
      orderId: reserved.orderId,
      errorCode,
      unknown,
    });
    if (!unknown) throw error;
    throw new GuardError(
      'code_creation_outcome_unknown',
      `The provider may or may not have created the CIP for order ${JSON.stringify(reserved.orderId)} (${errorCode}). ` +
        'Issue again: the order gets a new code; if the first CIP exists and is paid, its notification is reported as an orphan.',
      { cause: error, details: { orderId: reserved.orderId, codeId: reserved.id, errorCode } },
    );
  }
  const created = result.value;
  const subject = { ...reserved, cip: created.cip };
  if (created.amount !== reserved.amount || created.currency !== reserved.currency) {
    const leading = call.entries([subject], 'merchant');
    await loggedCall(ctx, 'deleteCip', [subject], 'system', (provider) =>
      provider.deleteCip(created.cip, createdReference(reserved.id, created)),
    ).catch(() => undefined);
    await markFailed(
      ctx,
      reserved,
      'provider_mismatch',
      'merchant',
      { cip: created.cip, amount: created.amount, currency: created.currency },
      {},
      leading,
    );
    throw new ApiError(
      'api_unexpected_response',
      `The provider created CIP ${created.cip} for ${created.amount} ${created.currency} instead of ${reserved.amount} ${reserved.currency}; it was deleted.`,
    );
  }
  // The provider's expiry is authoritative (PagoEfectivo may round it; a gateway such as dLocal sets its own).
  const data: Record<string, unknown> = { cip: created.cip, expiresAt: created.dateExpiry.toISOString() };
  if (created.providerPaymentId) data.providerPaymentId = created.providerPaymentId;
  let committed: CashCode | null;
  try {
    committed = await transition(
      ctx,
      reserved,
      {
        status: 'pending',
        cip: created.cip,
        cipUrl: created.cipUrl,
        providerPaymentId: created.providerPaymentId ?? null,
        expiresAt: created.dateExpiry,
        leaseUntil: null,
      },
      { type: 'created', actor: 'merchant', data },
      { leading: call.entries([subject], 'merchant'), event: { type: 'code.created', source: 'issue', data } },
    );
  } catch (error) {
    await logCall(ctx, call, [subject], 'merchant');
    const landed = await strandedCip(ctx, reserved, created);
    if (landed !== null) return landed;
    throw error;
  }
  if (committed === null) {
    await logCall(ctx, call, [subject], 'merchant');
    return abandon(ctx, reserved, created);
  }
  log(ctx, 'info', 'code created', { codeId: committed.id, orderId: committed.orderId, cip: committed.cip });
  return committed;
}
