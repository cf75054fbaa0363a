import { ApiError, ConfigurationError, GuardError, isPagoEfectivoKitError } from '../errors.js';
import type { Actor, CashCode } from '../model/code.js';
import type { CreatedCip } from '../model/provider.js';
import { formatAmount } from '../money/index.js';
import { log, type ServiceContext } from './_context.js';
import { isValidCodeId } from './ids.js';
import type { IssueRequest } from './input.js';
import { entryFor, transition } from './lifecycle.js';

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

/** Mark a `reserving` code `failed` (CAS); returns `null` if someone else changed it first. */
export function markFailed(
  ctx: ServiceContext,
  code: CashCode,
  reason: CreationFailure,
  actor: Actor,
  data: Record<string, unknown> = {},
): Promise<CashCode | null> {
  return transition(
    ctx,
    code,
    { status: 'failed', leaseUntil: null },
    { type: 'creation_failed', actor, reason, data },
  );
}

/**
 * Take over a reservation whose lease ran out (its worker crashed or hung): mark it `failed` with reason
 * `lease_expired` and log `lease_taken_over`. The order can then get a new code. If the old worker is
 * alive after all, its commit loses the version race and it deletes the CIP it created (see commit).
 */
export async function takeOver(ctx: ServiceContext, code: CashCode, actor: Actor): Promise<CashCode | null> {
  const failed = await markFailed(ctx, code, 'lease_expired', actor, {
    leaseUntil: code.leaseUntil?.toISOString() ?? null,
  });
  if (failed === null) return null;
  await ctx.store.appendLog(entryFor(ctx, failed, { type: 'lease_taken_over', actor, reason: 'lease_expired' }));
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
 * Our commit lost to a takeover: the CIP we just created belongs to no live code. Delete it (only a
 * generated CIP can be deleted) and record it on our failed code so that, if deletion failed and it is
 * ever paid, `applyPayment` finds the code and reports the orphan instead of "unknown CIP".
 */
async function abandon(ctx: ServiceContext, code: CashCode, created: CreatedCip): Promise<void> {
  let deleted = true;
  try {
    await ctx.provider.deleteCip(created.cip);
  } catch {
    deleted = false;
  }
  const current = await ctx.store.getCode(code.id);
  if (current !== null && current.status === 'failed' && current.cip === null) {
    await transition(
      ctx,
      current,
      { cip: created.cip, cipUrl: created.cipUrl },
      {
        type: 'note',
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
  const { payer } = reserved;
  let created: CreatedCip;
  try {
    created = await ctx.provider.createCip({
      currency: reserved.currency,
      amount: reserved.amount,
      transactionCode: reserved.id,
      userEmail: payer.email,
      dateExpiry: reserved.expiresAt,
      ...(request.paymentConcept !== undefined && { paymentConcept: request.paymentConcept }),
      ...(payer.firstName !== undefined && { userName: payer.firstName }),
      ...(payer.lastName !== undefined && { userLastName: payer.lastName }),
      ...(payer.documentType !== undefined && { userDocumentType: payer.documentType }),
      ...(payer.documentNumber !== undefined && { userDocumentNumber: payer.documentNumber }),
      ...(payer.phone !== undefined && { userPhone: payer.phone }),
      ...(payer.phoneCountryCode !== undefined && { userCodeCountry: payer.phoneCountryCode }),
    });
  } catch (error) {
    const unknown = isOutcomeUnknown(error);
    const errorCode = isPagoEfectivoKitError(error) ? error.code : 'provider_error';
    await markFailed(ctx, reserved, unknown ? 'creation_outcome_unknown' : 'creation_rejected', 'merchant', {
      errorCode,
    });
    log(ctx, unknown ? 'error' : 'warn', 'createCip failed', {
      codeId: reserved.id,
      orderId: reserved.orderId,
      errorCode,
      unknown,
    });
    if (!unknown) throw error;
    throw new GuardError(
      'code_creation_outcome_unknown',
      `PagoEfectivo may or may not have created the CIP for order ${JSON.stringify(reserved.orderId)} (${errorCode}). ` +
        'Issue again: the order gets a new code; if the first CIP exists and is paid, its notification is reported as an orphan.',
      { cause: error, details: { orderId: reserved.orderId, codeId: reserved.id, errorCode } },
    );
  }
  if (created.amount !== reserved.amount || created.currency !== reserved.currency) {
    await ctx.provider.deleteCip(created.cip).catch(() => undefined);
    await markFailed(ctx, reserved, 'provider_mismatch', 'merchant', {
      cip: created.cip,
      amount: created.amount,
      currency: created.currency,
    });
    throw new ApiError(
      'api_unexpected_response',
      `PagoEfectivo created CIP ${created.cip} for ${created.amount} ${created.currency} instead of ${reserved.amount} ${reserved.currency}; it was deleted.`,
    );
  }
  // PagoEfectivo's dateExpiry is authoritative (it may apply its own rounding or the merchant default).
  const committed = await transition(
    ctx,
    reserved,
    { status: 'pending', cip: created.cip, cipUrl: created.cipUrl, expiresAt: created.dateExpiry, leaseUntil: null },
    { type: 'created', actor: 'merchant', data: { cip: created.cip, expiresAt: created.dateExpiry.toISOString() } },
  );
  if (committed === null) await abandon(ctx, reserved, created);
  else log(ctx, 'info', 'code created', { codeId: committed.id, orderId: committed.orderId, cip: committed.cip });
  return committed;
}
