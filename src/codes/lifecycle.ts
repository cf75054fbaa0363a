import { isPagoEfectivoKitError } from '../errors.js';
import type { Actor, CashCode, CodeStatus, LifecycleEntry, LifecycleEventType } from '../model/code.js';
import type { CodeEvent, CodeEventType, EventSource } from '../model/events.js';
import { log, type ServiceContext, sleep } from './_context.js';
import { createCodeId } from './ids.js';

/**
 * The state machine of a payment code: the only status changes the service ever makes.
 *
 * ```
 * reserving ──► pending ──► paid
 *     │            │  ├───► cancelled ──► review
 *     ▼            │  └───► review ──► paid | refund_required
 *   failed ─┐      ▼
 *           │   expired ──► paid | review | cancelled
 *           └─► cancelled | review
 * ```
 * `paid` and `refund_required` are final. A `reserving` code may also be written again in place (its
 * CIP recorded when the commit to `pending` failed), which is no status change.
 */
export const TRANSITIONS: Readonly<Record<CodeStatus, readonly CodeStatus[]>> = {
  reserving: ['pending', 'failed'],
  pending: ['paid', 'expired', 'cancelled', 'review'],
  expired: ['paid', 'cancelled', 'review'],
  failed: ['cancelled', 'review'],
  cancelled: ['review'],
  review: ['paid', 'refund_required'],
  paid: [],
  refund_required: [],
};

/** What a lifecycle entry says about a change. */
export interface LifecycleEvent {
  type: LifecycleEventType;
  actor: Actor;
  reason?: string | null;
  data?: Record<string, unknown>;
}

/** The outbox event a change yields: its type, the path that made it, and its data. */
export interface ChangeEvent {
  type: CodeEventType;
  source: EventSource;
  data?: Record<string, unknown>;
}

/** Build a lifecycle entry about `code`. */
export function entryFor(
  ctx: ServiceContext,
  code: CashCode,
  event: LifecycleEvent,
  from: CodeStatus | null = null,
  to: CodeStatus | null = null,
  id: string = createCodeId(),
): LifecycleEntry {
  return {
    id,
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
 * Build an outbox event about `code`. Transition events get an id derived from the code and the
 * version the change creates (a version is created once), so a re-executed commit carries the same
 * event; other events pass their own stable id.
 */
export function eventFor(ctx: ServiceContext, code: CashCode, change: ChangeEvent, id: string): CodeEvent {
  return {
    id,
    type: change.type,
    codeId: code.id,
    orderId: code.orderId,
    cip: code.cip,
    at: ctx.now(),
    source: change.source,
    data: change.data ?? {},
  };
}

/** The stable id of the event a change to `version` of `codeId` yields. */
export const transitionEventId = (codeId: string, version: number, type: CodeEventType): string =>
  `${codeId}:v${version}:${type}`;

/** How often an ambiguous store failure is retried with the same write id before giving up. */
const AMBIGUOUS_RETRIES = 3;
const RETRY_DELAY_MS = 25;
const CONFLICTS = new Set(['id_conflict', 'cip_conflict', 'cip_immutable']);

/**
 * Run a store write that is safe to re-execute, re-executing it after a `StorageError` (whose outcome
 * is unknown: the write may have landed and only its reply was lost). The store answers a re-execution
 * with the first answer, so the caller learns what really happened instead of guessing from the error.
 * The last error is rethrown when the store stays unreachable.
 */
export async function reexecute<T>(ctx: ServiceContext, what: string, write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isPagoEfectivoKitError(error, 'storage_error') || attempt >= AMBIGUOUS_RETRIES) throw error;
      // A refused write (an id or CIP that belongs to another code) is an answer, not a lost reply.
      if (CONFLICTS.has(String(error.details?.reason))) throw error;
      log(ctx, 'warn', 'store write failed; re-executing it', { what, attempt: attempt + 1 });
      await sleep(RETRY_DELAY_MS * 2 ** attempt);
    }
  }
}

/** Options of {@link transition}. */
export interface TransitionOptions {
  /** Entries written in the same commit before the transition's own entry (the provider call that led to it). */
  leading?: readonly LifecycleEntry[];
  /** Further entries written in the same commit (after the transition's own entry). */
  entries?: readonly LifecycleEntry[];
  /** The outbox event of the change, if it yields one. */
  event?: ChangeEvent;
}

/**
 * Change a code atomically (invariant 9): the compare-and-set on its version, its lifecycle entry,
 * and its outbox event are one store commit. Returns the stored code, or `null` when another writer
 * changed it first (re-read and re-decide). A store failure is re-executed with the same write id, so
 * a lost reply is resolved by the store's own answer; if the store stays down, the `StorageError`
 * reaches the caller and nothing that the caller could not retry was recorded.
 * Delivers the event to `onEvent` right after the commit (see `ServiceContext.afterCommit`).
 *
 * @throws {Error} if the change is not in {@link TRANSITIONS} (a bug, never a runtime condition).
 */
export async function transition(
  ctx: ServiceContext,
  code: CashCode,
  changes: Partial<CashCode>,
  event: LifecycleEvent,
  options: TransitionOptions = {},
): Promise<CashCode | null> {
  const to = changes.status ?? code.status;
  if (to !== code.status && !TRANSITIONS[code.status].includes(to)) {
    throw new Error(`pagoefectivo-kit bug: illegal transition ${code.status} -> ${to} for code ${code.id}`);
  }
  const next: CashCode = { ...code, ...changes, version: code.version + 1, updatedAt: ctx.now() };
  const entry = entryFor(
    ctx,
    next,
    event,
    code.status,
    to === code.status ? null : to,
    `${code.id}:v${next.version}:${event.type}`,
  );
  const events =
    options.event === undefined
      ? []
      : [eventFor(ctx, next, options.event, transitionEventId(next.id, next.version, options.event.type))];
  const commit = {
    code: next,
    expectedVersion: code.version,
    writeId: createCodeId(),
    entries: [...(options.leading ?? []), entry, ...(options.entries ?? [])],
    events,
  };
  const landed = await reexecute(ctx, 'commitCode', () => ctx.store.commitCode(commit));
  if (!landed) return null;
  if (events.length > 0) await ctx.afterCommit();
  return next;
}

/**
 * Record entries and events that change no code (refused payments, unknown notifications), atomically
 * and idempotently: their ids are stable, so a repeated notification records nothing new.
 */
export async function record(
  ctx: ServiceContext,
  entries: readonly LifecycleEntry[],
  events: readonly CodeEvent[],
): Promise<void> {
  await reexecute(ctx, 'appendRecords', () => ctx.store.appendRecords({ entries, events }));
  if (events.length > 0) await ctx.afterCommit();
}
