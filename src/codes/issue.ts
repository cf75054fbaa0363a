import { GuardError, ValidationError } from '../errors.js';
import { parseIp } from '../guards/ip.js';
import { decideOrder, type OrderDecision } from '../guards/order.js';
import type { CashCode } from '../model/code.js';
import { providerSupports } from '../model/provider.js';
import { computeExpiry } from '../time/expiry.js';
import { type ServiceContext, sleep } from './_context.js';
import { confirmCipGoneOnce } from './confirm-once.js';
import { createAndCommit, createInput, newReservation, takeOver } from './create.js';
import { type IssueInput, type IssueRequest, parseIssueInput } from './input.js';
import { entryFor, reexecute, transition } from './lifecycle.js';
import { unsupported } from './unsupported.js';

/** What `issue` resolves to: the order's code and whether this call created it. */
export interface IssueResult {
  code: CashCode;
  /** `false` when an existing pending code for the same amount was returned. */
  created: boolean;
  /**
   * The code's signed voucher token (Ed25519, for the voucher's QR code), present when the service has
   * a `voucherKey`. Verify it with `verifyVoucherToken` from `pagoefectivo-kit/voucher/token`.
   */
  voucherToken?: string;
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
  const ip = request.clientIp;
  if ((ctx.allowList !== null || ctx.rateLimiter !== null) && ip !== undefined && parseIp(ip) === null) {
    // A raw header value must not pass for an address: the limit and the list key on the address.
    throw new ValidationError(
      `clientIp must be an IPv4 or IPv6 address, got ${JSON.stringify(String(ip).slice(0, 64))}.`,
      [{ path: 'clientIp', message: "pass the buyer's address itself, e.g. the first X-Forwarded-For hop you trust" }],
    );
  }
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
async function waitedFailure(ctx: ServiceContext, code: CashCode): Promise<GuardError | null | 'unlogged'> {
  const entries = await ctx.store.readLog(code.id);
  const failure = entries.findLast((entry) => entry.type === 'creation_failed');
  // The entry is appended right after the status change: with a remote store it may not be there yet.
  if (failure === undefined) return 'unlogged';
  if (failure.reason === 'lease_expired') return null;
  if (failure.reason === 'creation_outcome_unknown') {
    return new GuardError(
      'code_creation_outcome_unknown',
      `A concurrent request may or may not have created the CIP for order ${JSON.stringify(code.orderId)}; issue again.`,
      { details: { orderId: code.orderId, codeId: code.id } },
    );
  }
  return inFlight(code.orderId, `the concurrent creation of its code failed (${failure.reason ?? 'unknown reason'})`);
}

/**
 * What a claim-and-create attempt came to: the issued code, or a lost race with the order's current
 * code when the store answered it (`undefined`: re-read the order).
 */
type Attempt = { kind: 'issued'; result: IssueResult } | { kind: 'lost'; current?: CashCode | null };

/** Claim the order (optionally replacing its old code), then create and commit the CIP. */
async function reserveAndCreate(
  ctx: ServiceContext,
  request: IssueRequest,
  expiresAt: Date,
  replacing: CashCode | null,
): Promise<Attempt> {
  const reserved = newReservation(ctx, request, expiresAt);
  const data = {
    amountMinor: reserved.amountMinor,
    currency: reserved.currency,
    expiresAt: expiresAt.toISOString(),
    replaces: replacing?.id ?? null,
    fx: reserved.fx === null ? null : { ...reserved.fx, quotedAt: reserved.fx.quotedAt.toISOString() },
  };
  // The claim and its `reserved` entry are one atomic write; re-executed after a lost reply, the
  // store recognises the same code and answers the first answer.
  const entry = entryFor(
    ctx,
    reserved,
    { type: 'reserved', actor: 'merchant', data },
    null,
    'reserving',
    `${reserved.id}:v0:reserved`,
  );
  const options = {
    entries: [entry],
    ...(replacing !== null && { replacing: { id: replacing.id, version: replacing.version } }),
  };
  const claim = await reexecute(ctx, 'claimOrder', () => ctx.store.claimOrder(reserved, options));
  if (!claim.claimed) return { kind: 'lost', current: claim.current };
  const committed = await createAndCommit(ctx, claim.code, request);
  return committed === null ? { kind: 'lost' } : { kind: 'issued', result: { code: committed, created: true } };
}

/**
 * Issue the single payment code of an order (see `CashCodes.issue` for the rules). Every step that
 * changes the order is atomic in the store (claim, CAS); after any lost race the call re-reads the
 * order and decides again, so concurrent calls converge on one code and one `createCip`.
 */
export async function issue(ctx: ServiceContext, input: IssueInput): Promise<IssueResult> {
  const request = parseIssueInput(input);
  if (request.expiresInHours !== undefined && !providerSupports(ctx.provider, 'merchantExpiry')) {
    throw unsupported(
      ctx.provider,
      'merchantExpiry',
      'expiresInHours: the provider sets the expiry of its codes itself',
    );
  }
  const expiresAt = computeExpiry(ctx.policy, ctx.now(), request.expiresInHours);
  // Input the provider requires (dLocal: the payer's document) is refused before any write or request.
  ctx.provider.checkCreateInput?.(createInput(request, expiresAt));
  await runGuards(ctx, request);
  let waitedMs = 0;
  let pollMs = FIRST_POLL_MS;
  let waitedOn: string | null = null;
  // Codes whose CIP this call confirmed gone: a lost race on them must not wait for our own turn.
  const confirmed = new Set<string>();
  // Most orders are new: claim straight away instead of reading the order first (one round trip and,
  // on PostgreSQL, one transaction less). A lost claim answers the order's code, decided on below
  // exactly as if it had been read.
  const first = await reserveAndCreate(ctx, request, expiresAt, null);
  if (first.kind === 'issued') return first.result;
  let known = first.current;
  for (let round = 0; round < MAX_ROUNDS; ) {
    const current = known !== undefined ? known : await ctx.store.getCodeByOrder(request.orderId);
    known = undefined;
    let unlogged = false;
    if (current !== null && current.id === waitedOn && current.status === 'failed') {
      const failure = await waitedFailure(ctx, current);
      if (failure === 'unlogged') unlogged = true;
      else if (failure !== null) throw failure;
      else waitedOn = null;
    }
    const decision: OrderDecision =
      unlogged && current !== null ? { kind: 'wait', code: current } : decideOrder(current, request, ctx.now());
    if (decision.kind === 'refuse') throw decision.error;
    if (decision.kind === 'reuse') return { code: decision.code, created: false };
    let busy = false;
    if (decision.kind === 'replace' && decision.confirm && !confirmed.has(decision.code.id)) {
      busy = (await confirmCipGoneOnce(ctx, decision.code)) === 'busy';
      if (!busy) confirmed.add(decision.code.id);
    }
    if (decision.kind === 'wait' || busy) {
      // Waiting does not use up rounds: it is bounded by inFlightWaitMs instead.
      if (waitedMs >= ctx.inFlightWaitMs) {
        throw inFlight(
          request.orderId,
          busy
            ? 'another request is confirming its previous code with PagoEfectivo'
            : 'another request is still creating its code',
        );
      }
      if (decision.kind === 'wait') waitedOn = decision.code.id;
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
      // Its CIP, if any, was confirmed gone above by this call.
      previous = decision.code;
      if (previous.status === 'pending') {
        // Past its expiry and confirmed unpayable: record the expiry before the order moves on.
        previous = await transition(
          ctx,
          previous,
          { status: 'expired' },
          { type: 'expired', actor: 'system', reason: 'confirmed_with_api' },
          { event: { type: 'code.expired', source: 'issue', data: { reason: 'confirmed_with_api' } } },
        );
        if (previous === null) continue;
      }
    }
    const attempt = await reserveAndCreate(ctx, request, expiresAt, previous);
    if (attempt.kind === 'issued') return attempt.result;
    known = attempt.current;
  }
  throw inFlight(request.orderId, 'its code changed too many times during this call');
}
