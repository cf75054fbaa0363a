import { GuardError, isPagoEfectivoKitError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import type { ServiceContext } from './_context.js';
import { confirmCipGone } from './confirm.js';
import { createCodeId } from './ids.js';
import { reexecute } from './lifecycle.js';

/** How long a failed confirmation is replayed to other callers instead of asking the API again. */
const FAILURE_TTL_MS = 2_000;

// Per code, not per version: once this code's CIP is confirmed gone, the order moves on at once, and
// a turn taken again in between (the code just went pending → expired) would only repeat the search.
const turnKey = (code: CashCode): string => `confirm:${code.id}`;
const failureKey = (code: CashCode): string => `confirm-failed:${code.id}`;

function readReplay(text: string | null): { message: string; details: Record<string, unknown> } | null {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; details?: unknown };
    if (typeof parsed.message !== 'string' || typeof parsed.details !== 'object' || parsed.details === null)
      return null;
    return { message: parsed.message, details: parsed.details as Record<string, unknown> };
  } catch {
    return null;
  }
}

/**
 * {@link confirmCipGone}, but asked by one caller at a time across every instance sharing the store:
 * a burst of `issue` calls for an order whose code just expired sends one search, not one per call.
 *
 * Resolves `confirmed` when this caller confirmed the CIP gone (it then moves the order on), or `busy`
 * when another caller is confirming it right now (wait and re-read the order). The turn is an atomic
 * `consumeOnce` marker that lives at most `inFlightWaitMs`, so a crashed caller never blocks the order
 * for longer. A refusal (`order_previous_code_unconfirmed`) is replayed to callers for two seconds.
 *
 * @throws {GuardError} as {@link confirmCipGone}.
 */
export async function confirmCipGoneOnce(ctx: ServiceContext, code: CashCode): Promise<'confirmed' | 'busy'> {
  const replay = readReplay(await ctx.store.getValue(failureKey(code)));
  if (replay !== null) throw new GuardError('order_previous_code_unconfirmed', replay.message, replay);
  // The owner makes the claim safe to re-execute: a re-sent claim of ours still says "your turn".
  const owner = createCodeId();
  const turn = await reexecute(ctx, 'consumeOnce', () =>
    ctx.store.consumeOnce(turnKey(code), ctx.inFlightWaitMs, owner),
  );
  if (!turn) return 'busy';
  try {
    await confirmCipGone(ctx, code);
    return 'confirmed';
  } catch (error) {
    if (isPagoEfectivoKitError(error, 'order_previous_code_unconfirmed')) {
      const text = JSON.stringify({ message: error.message, details: error.details ?? {} });
      await ctx.store.putValue(failureKey(code), text, FAILURE_TTL_MS).catch(() => undefined);
    }
    // Hand the turn back: the next caller may ask the API again (after the replay window).
    await ctx.store.deleteKey(turnKey(code)).catch(() => undefined);
    throw error;
  }
}
