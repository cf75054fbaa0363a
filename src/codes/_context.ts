import { toStorageError } from '../errors.js';
import type { IpAllowList } from '../guards/ip.js';
import type { RateLimiter } from '../guards/rate-limit.js';
import type { CashCodeProvider } from '../model/provider.js';
import type { CashCodeStore } from '../storage/contract.js';
import type { ResolvedExpiryPolicy } from '../time/expiry.js';
import type { EventDelivery } from './events.js';
import type { IdGenerator } from './ids.js';

/**
 * A structured logger: console and winston fit as they are; pino-style `(fields, message)` loggers are
 * adapted by `toKitLogger`. Fields are secret-free: ids, order ids, CIP numbers, statuses, amounts in
 * minor units and error codes — never payer data or keys.
 */
export interface CashCodesLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Everything the service's operations share (internal). */
export interface ServiceContext {
  provider: CashCodeProvider;
  store: CashCodeStore;
  policy: ResolvedExpiryPolicy;
  logger: CashCodesLogger | null;
  now: () => Date;
  newId: IdGenerator;
  /** How long a reservation protects an order while its CIP is being created. */
  leaseMs: number;
  /** How long a concurrent `issue` waits for another request's reservation to commit. */
  inFlightWaitMs: number;
  /** How long after its expiry a CIP may still turn out paid; until then it is not confirmed gone. */
  settlementGraceMs: number;
  allowList: IpAllowList | null;
  rateLimiter: RateLimiter | null;
  /** The outbox delivery engine. */
  events: EventDelivery;
  /** Deliver what is due right after a commit that wrote events; never throws. */
  afterCommit: () => Promise<void>;
}

/**
 * Wrap a store so that every rejection is a typed `StorageError` (adapters should already do this;
 * third-party stores may not). Results pass through untouched.
 */
export function typedStore(store: CashCodeStore): CashCodeStore {
  const wrapped = { name: store.name } as Record<string, unknown>;
  const methods = [
    'claimOrder',
    'getCode',
    'getCodeByCip',
    'getCodeByOrder',
    'updateCode',
    'commitCode',
    'listCodes',
    'claimExpired',
    'consumeOnce',
    'putValue',
    'getValue',
    'takeValue',
    'deleteKey',
    'hit',
    'appendLog',
    'readLog',
    'appendRecords',
    'claimEvents',
    'settleEvent',
    'listEvents',
    'countEvents',
    'redriveEvent',
  ] as const;
  // Optional methods are passed on only when the store has them: the service checks for them.
  const optional = ['readLogPage', 'listStaleReservations', 'purgeExpired', 'commitCodes'] as const;
  for (const method of [...methods, ...optional.filter((name) => typeof store[name] === 'function')]) {
    const original = store[method] as (...args: unknown[]) => Promise<unknown>;
    wrapped[method] = async (...args: unknown[]): Promise<unknown> => {
      try {
        return await original.apply(store, args);
      } catch (error) {
        throw toStorageError(error, method);
      }
    };
  }
  return wrapped as unknown as CashCodeStore;
}

/** Log without ever letting a broken logger break a payment operation. */
export function log(
  ctx: ServiceContext,
  level: keyof CashCodesLogger,
  message: string,
  fields: Record<string, unknown> = {},
): void {
  try {
    ctx.logger?.[level](message, fields);
  } catch {
    // A logger failure must not change the outcome of a payment operation.
  }
}

/** Sleep without holding the event loop open beyond the wait. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
