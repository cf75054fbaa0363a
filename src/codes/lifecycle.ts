import type { Actor, CashCode, CodeStatus, LifecycleEntry, LifecycleEventType } from '../model/code.js';
import type { ServiceContext } from './_context.js';

/**
 * The state machine of a payment code: the only status changes the service ever makes.
 *
 * ```
 * reserving ──► pending ──► paid
 *     │            │  └───► cancelled
 *     ▼            ▼
 *   failed      expired ──► paid       (a payment the API confirms, found by the sweeper or a re-issue)
 *                  └──────► cancelled
 * failed ──► cancelled
 * ```
 * `paid` and `cancelled` are final.
 */
export const TRANSITIONS: Readonly<Record<CodeStatus, readonly CodeStatus[]>> = {
  reserving: ['pending', 'failed'],
  pending: ['paid', 'expired', 'cancelled'],
  expired: ['paid', 'cancelled'],
  failed: ['cancelled'],
  paid: [],
  cancelled: [],
};

/** What a lifecycle entry says about a change. */
export interface LifecycleEvent {
  type: LifecycleEventType;
  actor: Actor;
  reason?: string | null;
  data?: Record<string, unknown>;
}

/** Build a lifecycle entry about `code`. */
export function entryFor(
  ctx: ServiceContext,
  code: CashCode,
  event: LifecycleEvent,
  from: CodeStatus | null = null,
  to: CodeStatus | null = null,
): LifecycleEntry {
  return {
    subject: code.id,
    orderId: code.orderId,
    cip: code.cip,
    type: event.type,
    actor: event.actor,
    at: ctx.now(),
    reason: event.reason ?? null,
    from,
    to,
    data: event.data ?? {},
  };
}

/**
 * Change a code with compare-and-set on its version, then append the lifecycle entry (invariant 6).
 * Returns the stored code, or `null` when another writer changed it first (re-read and re-decide).
 *
 * The store has no multi-key transaction, so the entry is appended right after the CAS: if the store
 * fails in between, the change stands and the error (a `StorageError`) reaches the caller, who retries.
 *
 * @throws {Error} if the change is not in {@link TRANSITIONS} (a bug, never a runtime condition).
 */
export async function transition(
  ctx: ServiceContext,
  code: CashCode,
  changes: Partial<CashCode>,
  event: LifecycleEvent,
): Promise<CashCode | null> {
  const to = changes.status ?? code.status;
  if (to !== code.status && !TRANSITIONS[code.status].includes(to)) {
    throw new Error(`pagoefectivo-kit bug: illegal transition ${code.status} -> ${to} for code ${code.id}`);
  }
  const next: CashCode = { ...code, ...changes, version: code.version + 1, updatedAt: ctx.now() };
  if (!(await ctx.store.updateCode(next, code.version))) return null;
  await ctx.store.appendLog(entryFor(ctx, next, event, code.status, to === code.status ? null : to));
  return next;
}

/** How long "log this rejection once" markers live: longer than any notification retry schedule. */
const ONCE_TTL_MS = 90 * 24 * 3_600_000;

/**
 * Append `entry` unless an entry with the same `onceKey` was appended before (repeated notifications
 * must not flood the log). If the append fails, the marker is released so a retry logs it.
 * @returns whether the entry was appended now.
 */
export async function appendOnce(ctx: ServiceContext, onceKey: string, entry: LifecycleEntry): Promise<boolean> {
  if (!(await ctx.store.consumeOnce(`log-once:${onceKey}`, ONCE_TTL_MS))) return false;
  try {
    await ctx.store.appendLog(entry);
    return true;
  } catch (error) {
    await ctx.store.deleteKey(`log-once:${onceKey}`).catch(() => undefined);
    throw error;
  }
}
