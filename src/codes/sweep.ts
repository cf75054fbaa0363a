import { isPagoEfectivoKitError } from '../errors.js';
import type { CashCode, CodeStatus } from '../model/code.js';
import type { CipStatus } from '../model/provider.js';
import { log, type ServiceContext } from './_context.js';
import { classify, recordConfirmedPayment } from './confirm.js';
import { takeOver } from './create.js';
import type { DrainResult } from './events.js';
import { createCodeId } from './ids.js';
import { reexecute, transition } from './lifecycle.js';
import { loggedCall } from './provider-calls.js';
import { referenceOf } from './reference.js';

/** Options of `CashCodes.sweepExpired`. */
export interface SweepOptions {
  /** Codes per run (default 100): one `searchCips` call covers them all. */
  limit?: number;
  /** The instant codes must have expired by, before the settlement grace (default: the service clock). */
  now?: Date;
  /** Deliver due events after the sweep (default `true`); see `codes.events.drain`. */
  drain?: boolean;
}

/** One code the sweep changed. */
export interface SweptCode {
  codeId: string;
  orderId: string;
  /** The status the sweep moved it to. */
  status: CodeStatus;
}

/** What one sweep did. */
export interface SweepSummary {
  /** Pending codes confirmed unpaid with the API and marked `expired`. */
  expired: number;
  /** Codes the API reports paid and the payment judgement accepted (missed notifications). */
  paid: number;
  /** Codes the API reports paid in a way that needs a person: moved to `review`. */
  review: number;
  /**
   * Codes left pending: the API still reports them payable, in an unknown state or expired within the
   * settlement grace, or a race moved them.
   */
  skipped: number;
  /**
   * Codes left pending because the provider's search answer did not include their CIP: a missing
   * fact is not proof that the CIP is gone (it is checked again after its lease).
   */
  unconfirmed: number;
  /** Codes left pending because the API or the store failed; they are retried after their lease. */
  errors: number;
  /** Reservations whose lease expired (crashed workers, failed commits) marked `failed`, freeing their orders. */
  released: number;
  /** Every code this sweep changed, with its new status. */
  changed: SweptCode[];
  /** What the event delivery after the sweep did (`null` with `drain: false`). */
  events: DrainResult | null;
}

async function settle(
  ctx: ServiceContext,
  code: CashCode,
  status: CipStatus | null,
  summary: SweepSummary,
): Promise<void> {
  const cip = code.cip ?? '';
  const check = classify(ctx, cip, status);
  if (check.state === 'paid') {
    const outcome = await recordConfirmedPayment(ctx, code, check.status, 'sweeper');
    if (outcome.kind === 'paid') summary.paid += 1;
    else if (outcome.kind === 'review') summary.review += 1;
    else summary.skipped += 1;
    if (outcome.kind === 'paid' || outcome.kind === 'review') {
      summary.changed.push({ codeId: code.id, orderId: code.orderId, status: outcome.code.status });
    }
    return;
  }
  if (check.state === 'absent') {
    summary.unconfirmed += 1;
    log(ctx, 'warn', 'sweep: CIP missing from the search answer; left pending', { codeId: code.id, cip });
    return;
  }
  if (check.state !== 'gone') {
    summary.skipped += 1;
    return;
  }
  const reason = check.status.state === 'deleted' ? 'deleted_at_provider' : 'confirmed_with_api';
  const expired = await transition(
    ctx,
    code,
    { status: 'expired' },
    { type: 'expired', actor: 'sweeper', reason },
    { event: { type: 'code.expired', source: 'sweeper', data: { reason } } },
  );
  if (expired === null) summary.skipped += 1;
  else {
    summary.expired += 1;
    summary.changed.push({ codeId: code.id, orderId: code.orderId, status: 'expired' });
  }
}

async function releaseStaleReservations(
  ctx: ServiceContext,
  now: Date,
  limit: number,
  summary: SweepSummary,
): Promise<void> {
  const page = await ctx.store.listCodes({ statuses: ['reserving'], limit });
  for (const code of page.codes) {
    if (code.leaseUntil !== null && code.leaseUntil.getTime() > now.getTime()) continue;
    try {
      const failed = await takeOver(ctx, code, 'sweeper');
      if (failed !== null) {
        summary.released += 1;
        summary.changed.push({ codeId: failed.id, orderId: failed.orderId, status: failed.status });
      }
    } catch (error) {
      summary.errors += 1;
      log(ctx, 'error', 'sweep could not release a reservation', {
        codeId: code.id,
        errorCode: isPagoEfectivoKitError(error) ? error.code : 'unknown',
      });
    }
  }
}

/**
 * Expire pending codes past their expiry after confirming with the provider (see
 * `CashCodes.sweepExpired`), finish creations whose commit failed, then deliver due events. Safe to
 * run from several workers at once: `claimExpired` leases each code to one worker, and every change is
 * an atomic commit.
 */
export async function sweepExpired(ctx: ServiceContext, options: SweepOptions = {}): Promise<SweepSummary> {
  const limit = options.limit ?? 100;
  const now = options.now ?? ctx.now();
  const summary: SweepSummary = {
    expired: 0,
    paid: 0,
    review: 0,
    skipped: 0,
    unconfirmed: 0,
    errors: 0,
    released: 0,
    changed: [],
    events: null,
  };
  // Codes still inside the settlement grace are not due: a payment may yet be reported for them.
  const cutoff = new Date(now.getTime() - ctx.settlementGraceMs);
  const owner = createCodeId();
  const due = await reexecute(ctx, 'claimExpired', () =>
    ctx.store.claimExpired({ now: cutoff, limit, leaseMs: ctx.leaseMs, owner }),
  );
  if (due.length > 0) {
    let statuses: Map<string, CipStatus> | null = null;
    try {
      const withCip = due.filter((code) => code.cip !== null);
      const found = await loggedCall(ctx, 'searchCips', withCip, 'sweeper', (provider) =>
        provider.searchCips(
          withCip.map((code) => code.cip as string),
          withCip.map((code) => referenceOf(code)),
        ),
      );
      statuses = new Map(found.map((status) => [status.cip, status]));
    } catch (error) {
      // Leave every code pending: the lease hides them for leaseMs, then the next sweep retries.
      summary.errors += due.length;
      log(ctx, 'warn', 'sweep could not search CIPs', {
        count: due.length,
        errorCode: isPagoEfectivoKitError(error) ? error.code : 'provider_error',
      });
    }
    for (const code of statuses === null ? [] : due) {
      try {
        await settle(ctx, code, code.cip === null ? null : (statuses?.get(code.cip) ?? null), summary);
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
  await releaseStaleReservations(ctx, ctx.now(), limit, summary);
  if (options.drain !== false) summary.events = await ctx.events.drain();
  log(ctx, 'info', 'sweep finished', { ...summary, changed: summary.changed.length, events: summary.events });
  return summary;
}
