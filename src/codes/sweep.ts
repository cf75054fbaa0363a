import { isPagoEfectivoKitError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import type { CipStatus } from '../model/provider.js';
import { log, type ServiceContext } from './_context.js';
import { inSettlementGrace, recordConfirmedPayment } from './confirm.js';
import { takeOver } from './create.js';
import { transition } from './lifecycle.js';

/** Options of `CashCodes.sweepExpired`. */
export interface SweepOptions {
  /** Codes per run (default 100): one `searchCips` call covers them all. */
  limit?: number;
  /** The instant codes must have expired by, before the settlement grace (default: the service clock). */
  now?: Date;
}

/** What one sweep did. */
export interface SweepSummary {
  /** Pending codes confirmed unpaid with the API and marked `expired`. */
  expired: number;
  /** Codes the API reports paid: missed notifications, recorded as payments (source `sweeper`). */
  paid: number;
  /**
   * Codes left pending: the API still reports them payable, in an unknown state or expired within the
   * settlement grace, or a race moved them.
   */
  skipped: number;
  /** Codes left pending because the API or the store failed; they are retried after their lease. */
  errors: number;
  /** Reservations whose lease expired (crashed workers) marked `failed`, freeing their orders. */
  released: number;
}

async function settle(
  ctx: ServiceContext,
  code: CashCode,
  status: CipStatus | null,
  summary: SweepSummary,
): Promise<void> {
  if (status?.state === 'paid') {
    const after = await recordConfirmedPayment(ctx, code, status, 'sweeper', 'sweeper');
    if (after.status === 'paid') summary.paid += 1;
    else summary.skipped += 1;
    return;
  }
  const live = status !== null && status.state !== 'expired' && status.state !== 'deleted';
  if (live || (status !== null && inSettlementGrace(ctx, status))) {
    summary.skipped += 1;
    return;
  }
  const reason =
    status === null ? 'absent_at_provider' : status.state === 'deleted' ? 'deleted_at_provider' : 'confirmed_with_api';
  const expired = await transition(ctx, code, { status: 'expired' }, { type: 'expired', actor: 'sweeper', reason });
  if (expired === null) summary.skipped += 1;
  else summary.expired += 1;
}

async function releaseStaleReservations(ctx: ServiceContext, now: Date, limit: number): Promise<number> {
  const page = await ctx.store.listCodes({ statuses: ['reserving'], limit });
  let released = 0;
  for (const code of page.codes) {
    if (code.leaseUntil !== null && code.leaseUntil.getTime() > now.getTime()) continue;
    if ((await takeOver(ctx, code, 'sweeper')) !== null) released += 1;
  }
  return released;
}

/**
 * Expire pending codes past their expiry after confirming with PagoEfectivo (see
 * `CashCodes.sweepExpired`). Safe to run from several workers at once: `claimExpired` leases each code
 * to one worker, and every change is a CAS.
 */
export async function sweepExpired(ctx: ServiceContext, options: SweepOptions = {}): Promise<SweepSummary> {
  const limit = options.limit ?? 100;
  const now = options.now ?? ctx.now();
  const summary: SweepSummary = { expired: 0, paid: 0, skipped: 0, errors: 0, released: 0 };
  // Codes still inside the settlement grace are not due: a payment may yet be reported for them.
  const cutoff = new Date(now.getTime() - ctx.settlementGraceMs);
  const due = await ctx.store.claimExpired({ now: cutoff, limit, leaseMs: ctx.leaseMs });
  if (due.length > 0) {
    let statuses: Map<string, CipStatus>;
    try {
      const found = await ctx.provider.searchCips(due.map((code) => code.cip).filter((cip) => cip !== null));
      statuses = new Map(found.map((status) => [status.cip, status]));
    } catch (error) {
      // Leave every code pending: the lease hides them for leaseMs, then the next sweep retries.
      summary.errors += due.length;
      log(ctx, 'warn', 'sweep could not search CIPs', {
        count: due.length,
        errorCode: isPagoEfectivoKitError(error) ? error.code : 'provider_error',
      });
      return summary;
    }
    for (const code of due) {
      try {
        await settle(ctx, code, code.cip === null ? null : (statuses.get(code.cip) ?? null), summary);
      } catch (error) {
        summary.errors += 1;
        log(ctx, 'error', 'sweep could not settle a code', {
          codeId: code.id,
          errorCode: isPagoEfectivoKitError(error) ? error.code : 'unknown',
        });
      }
    }
  }
  // Leases are judged on the service clock: `options.now` only picks which codes count as expired.
  summary.released = await releaseStaleReservations(ctx, ctx.now(), limit);
  log(ctx, 'info', 'sweep finished', { ...summary });
  return summary;
}
