import { GuardError, ValidationError } from '../errors.js';
import { decideOrder } from '../guards/order.js';
import { computeExpiry } from '../time/expiry.js';
import { type ServiceContext, sleep } from './_context.js';
import { confirmCipGone } from './confirm.js';
import { createAndCommit, newReservation, takeOver } from './create.js';
import { type IssueInput, type IssueRequest, parseIssueInput } from './input.js';
import { entryFor, transition } from './lifecycle.js';
import type { CashCode } from './types.js';

/** What `issue` resolves to: the order's code and whether this call created it. */
export interface IssueResult {
  code: CashCode;
  /** `false` when an existing pending code for the same amount was returned. */
  created: boolean;
}

/** Decisions per call before giving up; each needs another writer to have changed the order. */
const MAX_ROUNDS = 32;
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;

function inFlight(orderId: string, reason: string): GuardError {
  return new GuardError(
    'order_code_in_flight',
    `Order ${JSON.stringify(orderId)}: ${reason}; retry in a moment and the order's code will be returned.`,
    { details: { orderId } },
  );
}

async function runGuards(ctx: ServiceContext, request: IssueRequest): Promise<void> {
  if (ctx.allowList !== null) ctx.allowList.check(request.clientIp);
  if (ctx.rateLimiter !== null) {
    if (request.clientIp === undefined) {
      throw new ValidationError('clientIp is required when a rate limit is configured.', [
        { path: 'clientIp', message: "pass the buyer's IP address" },
      ]);
    }
    await ctx.rateLimiter.check(request.clientIp);
  }
}

/**
 * The reservation we waited on failed: report why instead of sending a second `createCip` for the same
 * burst of requests. A reservation that was merely taken over (lease expired) is no failure of the
 * creation: `null`, and the caller carries on deciding.
 */
async function waitedFailure(ctx: ServiceContext, code: CashCode): Promise<GuardError | null> {
  const entries = await ctx.store.readLog(code.id);
  const failure = entries.findLast((entry) => entry.type === 'creation_failed');
  if (failure?.reason === 'lease_expired') return null;
  if (failure?.reason === 'creation_outcome_unknown') {
    return new GuardError(
      'code_creation_outcome_unknown',
      `A concurrent request may or may not have created the CIP for order ${JSON.stringify(code.orderId)}; issue again.`,
      { details: { orderId: code.orderId, codeId: code.id } },
    );
  }
  return inFlight(code.orderId, `the concurrent creation of its code failed (${failure?.reason ?? 'unknown reason'})`);
}

/** Claim the order (optionally replacing its old code), then create and commit the CIP. */
async function reserveAndCreate(
  ctx: ServiceContext,
  request: IssueRequest,
  expiresAt: Date,
  replacing: CashCode | null,
): Promise<IssueResult | null> {
  const reserved = newReservation(ctx, request, expiresAt);
  const claim = await ctx.store.claimOrder(
    reserved,
    replacing === null ? undefined : { replacing: { id: replacing.id, version: replacing.version } },
  );
  if (!claim.claimed) return null;
  const data = {
    amountMinor: reserved.amountMinor,
    currency: reserved.currency,
    expiresAt: expiresAt.toISOString(),
    replaces: replacing?.id ?? null,
    fx: reserved.fx === null ? null : { ...reserved.fx, quotedAt: reserved.fx.quotedAt.toISOString() },
  };
  await ctx.store.appendLog(entryFor(ctx, reserved, { type: 'reserved', actor: 'merchant', data }, null, 'reserving'));
  const committed = await createAndCommit(ctx, claim.code, request);
  return committed === null ? null : { code: committed, created: true };
}

/**
 * Issue the single payment code of an order (see `CashCodes.issue` for the rules). Every step that
 * changes the order is atomic in the store (claim, CAS); after any lost race the call re-reads the
 * order and decides again, so concurrent calls converge on one code and one `createCip`.
 */
export async function issue(ctx: ServiceContext, input: IssueInput): Promise<IssueResult> {
  const request = parseIssueInput(input);
  await runGuards(ctx, request);
  const expiresAt = computeExpiry(ctx.policy, ctx.now(), request.expiresInHours);
  let waitedMs = 0;
  let pollMs = FIRST_POLL_MS;
  let waitedOn: string | null = null;
  for (let round = 0; round < MAX_ROUNDS; ) {
    const current = await ctx.store.getCodeByOrder(request.orderId);
    if (current !== null && current.id === waitedOn && current.status === 'failed') {
      const failure = await waitedFailure(ctx, current);
      if (failure !== null) throw failure;
      waitedOn = null;
    }
    const decision = decideOrder(current, request, ctx.now());
    if (decision.kind === 'refuse') throw decision.error;
    if (decision.kind === 'reuse') return { code: decision.code, created: false };
    if (decision.kind === 'wait') {
      // Waiting does not use up rounds: it is bounded by inFlightWaitMs instead.
      if (waitedMs >= ctx.inFlightWaitMs) throw inFlight(request.orderId, 'another request is still creating its code');
      waitedOn = decision.code.id;
      await sleep(pollMs);
      waitedMs += pollMs;
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
      continue;
    }
    round += 1;
    if (decision.kind === 'take_over') {
      await takeOver(ctx, decision.code, 'system');
      continue;
    }
    let previous: CashCode | null = null;
    if (decision.kind === 'replace') {
      if (decision.confirm) await confirmCipGone(ctx, decision.code);
      previous = decision.code;
      if (previous.status === 'pending') {
        // Past its expiry and confirmed unpayable: record the expiry before the order moves on.
        previous = await transition(
          ctx,
          previous,
          { status: 'expired' },
          { type: 'expired', actor: 'system', reason: 'confirmed_with_api' },
        );
        if (previous === null) continue;
      }
    }
    const result = await reserveAndCreate(ctx, request, expiresAt, previous);
    if (result !== null) return result;
  }
  throw inFlight(request.orderId, 'its code changed too many times during this call');
}
