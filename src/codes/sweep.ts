import { isPagoEfectivoKitError, ValidationError } from '../errors.js';
import type { CashCode, CodeStatus } from '../model/code.js';
import type { CipStatus } from '../model/provider.js';
import { MAX_PURGE_BATCH } from '../storage/_memory/args.js';
import { log, type ServiceContext } from './_context.js';
import { commitBatch } from './batch-commit.js';
import { classify, recordConfirmedPayment } from './confirm.js';
import { takeOver } from './create.js';
import type { DrainResult } from './events.js';
import { createCodeId } from './ids.js';
import { type PreparedChange, prepareTransition, reexecute } from './lifecycle.js';
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
  /**
   * Expired keys (dedupe markers, values, counters) the sweep asks the store to delete afterwards
   * (`store.purgeExpired`, when the store has it), so key storage stays bounded. Default 1000, at most
   * 100000; `0` disables the purge.
   */
  purgeLimit?: number;
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
  /** Expired keys the store deleted after the sweep (see {@link SweepOptions.purgeLimit}). */
  purged: number;
  /** Every code this sweep changed, with its new status. */
  changed: SweptCode[];
  /** What the event delivery after the sweep did (`null` with `drain: false`). */
  events: DrainResult | null;
}

/**
 * Judge one due code on its search answer. Payments are recorded right away through the payment
 * judgement; a code confirmed gone is only prepared for expiry and added to `expiring`, which the
 * sweep then writes as one batch (see {@link expireBatch}).
 */
async function settle(
  ctx: ServiceContext,
  code: CashCode,
  status: CipStatus | null,
  summary: SweepSummary,
  expiring: PreparedChange[],
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
  expiring.push(
    prepareTransition(
      ctx,
      code,
      { status: 'expired' },
      { type: 'expired', actor: 'sweeper', reason },
      { event: { type: 'code.expired', source: 'sweeper', data: { reason } } },
    ),
  );
}

/** Write the sweep's expirations together (one commit on stores with `commitCodes`) and count them. */
async function expireBatch(
  ctx: ServiceContext,
  expiring: readonly PreparedChange[],
  summary: SweepSummary,
): Promise<void> {
  const outcomes = await commitBatch(ctx, expiring);
  for (const [index, outcome] of outcomes.entries()) {
    const code = expiring[index]!.next;
    if ('error' in outcome) {
      summary.errors += 1;
      log(ctx, 'error', 'sweep could not settle a code', {
        codeId: code.id,
        errorCode: isPagoEfectivoKitError(outcome.error) ? outcome.error.code : 'unknown',
      });
    } else if (outcome.stored === null) summary.skipped += 1;
    else {
      summary.expired += 1;
      summary.changed.push({ codeId: code.id, orderId: code.orderId, status: 'expired' });
    }
  }
}

async function releaseStaleReservations(
  ctx: ServiceContext,
  now: Date,
  limit: number,
  summary: SweepSummary,
): Promise<void> {
  // From the store's lease index when it has one; else the reserving codes, whose live leases are skipped.
  const stale =
    ctx.store.listStaleReservations === undefined
      ? (await ctx.store.listCodes({ statuses: ['reserving'], limit })).codes
      : await ctx.store.listStaleReservations({ now, limit: Math.min(limit, 1000) });
  for (const code of stale) {
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
 * Search the due codes' CIPs in batches of the provider's `searchBatchSize` (when it declares one), so
 * a sweep limit above it is never cut short and a failed batch leaves only its own codes pending (the
 * lease hides them for leaseMs, then the next sweep retries). Codes without a CIP need no search.
 */
async function searchDue(
  ctx: ServiceContext,
  due: readonly CashCode[],
  summary: SweepSummary,
): Promise<{ statuses: Map<string, CipStatus>; searched: CashCode[] }> {
  const statuses = new Map<string, CipStatus>();
  const searched = due.filter((code) => code.cip === null);
  const withCip = due.filter((code) => code.cip !== null);
  const declared = (ctx.provider as { readonly searchBatchSize?: unknown }).searchBatchSize;
  const size =
    typeof declared === 'number' && Number.isSafeInteger(declared) && declared > 0 ? declared : withCip.length;
  for (let start = 0; start < withCip.length; start += size) {
    const batch = withCip.slice(start, start + size);
    try {
      const found = await loggedCall(ctx, 'searchCips', batch, 'sweeper', (provider) =>
        provider.searchCips(
          batch.map((code) => code.cip as string),
          batch.map((code) => referenceOf(code)),
        ),
      );
      for (const status of found) statuses.set(status.cip, status);
      searched.push(...batch);
    } catch (error) {
      summary.errors += batch.length;
      log(ctx, 'warn', 'sweep could not search CIPs', {
        count: batch.length,
        errorCode: isPagoEfectivoKitError(error) ? error.code : 'provider_error',
      });
    }
  }
  // Settle in the order claimExpired handed the codes out (oldest expiry first).
  const order = new Map(due.map((code, index) => [code.id, index]));
  searched.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { statuses, searched };
}

/** `purgeLimit`: 0 (off) up to the largest batch a store's `purgeExpired` takes, default 1000. */
function checkPurgeLimit(value: unknown): number {
  if (value === undefined) return 1000;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_PURGE_BATCH) {
    throw new ValidationError(`sweepExpired(): purgeLimit must be an integer from 0 (off) to ${MAX_PURGE_BATCH}.`, [
      { path: 'purgeLimit', message: `must be an integer from 0 to ${MAX_PURGE_BATCH}, got ${String(value)}.` },
    ]);
  }
  return value;
}

/** Ask the store to delete expired keys; a failure is logged and counted, never thrown. */
async function purgeKeys(ctx: ServiceContext, limit: number, summary: SweepSummary): Promise<void> {
  if (limit === 0 || ctx.store.purgeExpired === undefined) return;
  try {
    summary.purged = await ctx.store.purgeExpired({ limit });
  } catch (error) {
    summary.errors += 1;
    log(ctx, 'error', 'sweep could not purge expired keys', {
      errorCode: isPagoEfectivoKitError(error) ? error.code : 'unknown',
    });
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
  const purgeLimit = checkPurgeLimit(options.purgeLimit);
  const now = options.now ?? ctx.now();
  const summary: SweepSummary = {
    expired: 0,
    paid: 0,
    review: 0,
    skipped: 0,
    unconfirmed: 0,
    errors: 0,
    released: 0,
    purged: 0,
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
    const { statuses, searched } = await searchDue(ctx, due, summary);
    const expiring: PreparedChange[] = [];
    for (const code of searched) {
      try {
        await settle(ctx, code, code.cip === null ? null : (statuses?.get(code.cip) ?? null), summary, expiring);
      } catch (error) {
        summary.errors += 1;
        log(ctx, 'error', 'sweep could not settle a code', {
          codeId: code.id,
          errorCode: isPagoEfectivoKitError(error) ? error.code : 'unknown',
        });
      }
    }
    await expireBatch(ctx, expiring, summary);
  }
  // Leases are judged on the service clock: `options.now` only picks which codes count as expired.
  await releaseStaleReservations(ctx, ctx.now(), limit, summary);
  await purgeKeys(ctx, purgeLimit, summary);
  if (options.drain !== false) summary.events = await ctx.events.drain();
  log(ctx, 'info', 'sweep finished', { ...summary, changed: summary.changed.length, events: summary.events });
  return summary;
}
