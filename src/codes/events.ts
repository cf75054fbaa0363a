import { ConfigurationError, isPagoEfectivoKitError } from '../errors.js';
import type { CodeEvent, OutboxEvent } from '../model/events.js';
import type { CashCodeStore, EventPage, ListEventsFilter } from '../storage/contract.js';
import type { CashCodesLogger } from './_context.js';
import { createCodeId } from './ids.js';

/** The merchant's fulfilment hook: called at least once per event, with the same `id` on redelivery. */
export type EventHandler = (event: CodeEvent) => void | Promise<void>;

/** Options of the event delivery (`createCashCodes({ delivery })`). */
export interface EventDeliveryOptions {
  /** Attempts before an event moves to the dead-letter state (default 10). */
  maxAttempts?: number;
  /** Delay before the first retry (default 1 000 ms); doubled after each failed attempt. */
  backoffMs?: number;
  /** Longest delay between two attempts (default 3 600 000 ms = 1 h). */
  maxBackoffMs?: number;
  /** How long one `onEvent` call may take before the attempt counts as failed (default 30 000 ms). */
  timeoutMs?: number;
  /** Events taken per store claim and delivered concurrently, at most one per code (default 10). */
  batchSize?: number;
  /**
   * Deliver the events of a change right after it commits, inside the call that made it (default
   * `true`). With `false`, only `codes.events.drain()` (and `sweepExpired()`) deliver.
   */
  deliverAfterCommit?: boolean;
}

/** What {@link CashCodeEvents.drain} did. */
export interface DrainResult {
  /** Events handed to every consumer successfully in this drain. */
  delivered: number;
  /** Delivery attempts that failed in this drain (each event is retried later, or dead). */
  failed: number;
  /** Events still waiting for delivery after this drain (due later, leased elsewhere, or new). */
  pending: number;
}

/** The event side of the codes service (`codes.events`). */
export interface CashCodeEvents {
  /** Deliver due events to `onEvent` (and subscribers), at most `limit` (default 100) in this call. */
  drain(options?: { limit?: number }): Promise<DrainResult>;
  /**
   * Add a consumer next to `onEvent` (the webhook handler feeds `onPaid`/`onRejected` this way). An event
   * counts as delivered once every consumer accepted it; a consumer that throws makes the whole event be
   * delivered again later, so consumers must dedupe by `event.id`. Returns the unsubscribe function.
   */
  subscribe(handler: EventHandler): () => void;
  /** Page through the outbox (e.g. `{ state: 'dead' }` for the dead letters). */
  list(filter?: ListEventsFilter): Promise<EventPage>;
  /** Put a dead event back in the queue (attempts reset); `false` if it is not dead. */
  redrive(eventId: string): Promise<boolean>;
}

/** The delivery engine the service and its operations share (internal). */
export interface EventDelivery extends CashCodeEvents {
  /** Deliver what is due right after a commit, never throwing (failures stay in the outbox). */
  afterCommit(): Promise<void>;
}

interface ResolvedDelivery {
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  batchSize: number;
  deliverAfterCommit: boolean;
}

function positive(value: number | undefined, fallback: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1 || resolved > max) {
    throw new ConfigurationError(`delivery.${name} must be an integer from 1 to ${max} (got ${String(value)}).`);
  }
  return resolved;
}

function resolveDelivery(options: EventDeliveryOptions = {}): ResolvedDelivery {
  return {
    maxAttempts: positive(options.maxAttempts, 10, 'maxAttempts', 1000),
    backoffMs: positive(options.backoffMs, 1_000, 'backoffMs'),
    maxBackoffMs: positive(options.maxBackoffMs, 3_600_000, 'maxBackoffMs'),
    timeoutMs: positive(options.timeoutMs, 30_000, 'timeoutMs'),
    batchSize: positive(options.batchSize, 10, 'batchSize', 1000),
    deliverAfterCommit: options.deliverAfterCommit ?? true,
  };
}

/** A delivery error as the outbox keeps it: its name and message, short (consumers' errors are theirs). */
function describeError(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : `non-error thrown: ${String(error).slice(0, 100)}`;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** The error of a consumer call that did not settle within `timeoutMs`. */
class DeliveryTimeout extends Error {
  constructor(ms: number) {
    super(`onEvent did not settle within ${ms} ms`);
    this.name = 'DeliveryTimeout';
  }
}

function withTimeout(run: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryTimeout(ms)), ms);
  });
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Create the delivery engine over the store's outbox. Leases keep several workers (processes sharing
 * the store) from delivering one event at the same time; a crash leaves the event pending, and the
 * lease lapses so another worker delivers it. Events of one code are delivered in order, one at a time.
 */
export function createEventDelivery(input: {
  store: CashCodeStore;
  onEvent: EventHandler | undefined;
  options: EventDeliveryOptions | undefined;
  now: () => Date;
  logger: CashCodesLogger | null;
  /** Told the result of every drain (the `eventsPending` metric); must not throw. */
  onDrained?: (result: DrainResult) => void;
}): EventDelivery {
  const { store, now, logger } = input;
  if (input.onEvent !== undefined && typeof input.onEvent !== 'function') {
    throw new ConfigurationError('createCashCodes: onEvent must be a function (event) => void | Promise<void>.');
  }
  const config = resolveDelivery(input.options);
  const consumers = new Set<EventHandler>(input.onEvent === undefined ? [] : [input.onEvent]);
  // A lease must outlast a whole batch: its deliveries run concurrently, each bounded by timeoutMs.
  const leaseMs = config.timeoutMs + 30_000;
  const instance = createCodeId();

  function warn(message: string, fields: Record<string, unknown>): void {
    try {
      logger?.warn(message, fields);
    } catch {
      // A broken logger must not change a delivery's outcome.
    }
  }

  // Calls that timed out but have not settled yet, with when they started: the same event is not handed
  // to a consumer again while one still runs (a timeout stops the waiting, not the consumer), for at
  // most a lease, so a consumer that hangs for good cannot keep its event from ever being delivered.
  const stillRunning = new Map<string, number>();

  async function deliverOne(owner: string, outbox: OutboxEvent): Promise<boolean> {
    const { event } = outbox;
    const since = stillRunning.get(event.id);
    if (since !== undefined && now().getTime() - since < leaseMs) return false; // left leased, retried later
    let failure: unknown = null;
    let timedOut = false;
    for (const consumer of [...consumers]) {
      const call = Promise.resolve().then(() => consumer(structuredClone(event)));
      try {
        await withTimeout(call, config.timeoutMs);
      } catch (error) {
        failure = error;
        timedOut = error instanceof DeliveryTimeout;
        if (timedOut) {
          stillRunning.set(event.id, now().getTime());
          call.then(
            () => stillRunning.delete(event.id),
            () => stillRunning.delete(event.id),
          );
        }
        break;
      }
    }
    const attempts = outbox.attempts + 1;
    if (failure === null) {
      await store.settleEvent({ id: event.id, owner, attempt: outbox.attempts, outcome: { delivered: true } });
      return true;
    }
    const dead = attempts >= config.maxAttempts;
    const backoff = Math.min(config.backoffMs * 2 ** Math.min(outbox.attempts, 40), config.maxBackoffMs);
    // After a timeout the consumer may still be running (here or, after a crash, nowhere): the next
    // attempt waits at least a lease, so another worker does not start it alongside.
    const delay = timedOut ? Math.max(backoff, leaseMs) : backoff;
    await store.settleEvent({
      id: event.id,
      owner,
      attempt: outbox.attempts,
      outcome: {
        delivered: false,
        error: describeError(failure),
        nextAttemptAt: new Date(now().getTime() + delay),
        dead,
      },
    });
    warn(dead ? 'event moved to the dead letters' : 'event delivery failed; it will be retried', {
      eventId: event.id,
      type: event.type,
      codeId: event.codeId,
      attempts,
    });
    return false;
  }

  async function drain(options: { limit?: number } = {}): Promise<DrainResult> {
    const limit = positive(options.limit, 100, 'drain limit', 100_000);
    const result: DrainResult = { delivered: 0, failed: 0, pending: 0 };
    if (consumers.size > 0) {
      let handled = 0;
      while (handled < limit) {
        const owner = `${instance}:${createCodeId()}`;
        const batch = await store.claimEvents({
          limit: Math.min(config.batchSize, limit - handled),
          leaseMs,
          owner,
          now: now(),
        });
        if (batch.length === 0) break;
        handled += batch.length;
        const outcomes = await Promise.allSettled(batch.map((outbox) => deliverOne(owner, outbox)));
        for (const outcome of outcomes) {
          if (outcome.status === 'fulfilled' && outcome.value) result.delivered += 1;
          else result.failed += 1;
        }
      }
    }
    result.pending = await store.countEvents('pending');
    input.onDrained?.(result);
    return result;
  }

  return {
    drain,
    subscribe(handler) {
      if (typeof handler !== 'function') {
        throw new ConfigurationError('codes.events.subscribe(handler): handler must be a function.');
      }
      consumers.add(handler);
      return () => {
        consumers.delete(handler);
      };
    },
    list: (filter) => store.listEvents(filter),
    redrive: (eventId) => store.redriveEvent(eventId, now()),
    async afterCommit() {
      if (!config.deliverAfterCommit || consumers.size === 0) return;
      try {
        await drain({ limit: config.batchSize });
      } catch (error) {
        // The events are committed: a failed delivery pass leaves them pending for the next drain.
        warn('event delivery after commit failed; the events stay pending', {
          errorCode: isPagoEfectivoKitError(error) ? error.code : 'unknown',
        });
      }
    },
  };
}
