/**
 * The Redis store: shared state for several app instances, webhook workers and sweepers.
 *
 * It takes an ioredis client that you create and own; the SDK imports nothing from ioredis at run time
 * and never connects or quits. Every decision is one atomic Redis command or Lua script: claiming an
 * order and committing a code together with its lifecycle entries and outbox events, leasing expired
 * codes to one sweeper (a sorted set by expiry plus a lease set), leasing outbox events in per-code
 * order (sorted sets of stream heads), `SET NX PX` for dedupe keys, `GETDEL` for one-time values, and
 * a counter whose TTL is set only when its window starts. Listings read sorted-set indexes near their
 * page (by id per status, by update time per status, reservations by lease end), which the same
 * scripts keep in step with every code; `migrate()` backfills indexes that an earlier version did not
 * write. Every write is safe to re-execute: ioredis re-sends unanswered commands after a reconnect,
 * and a re-sent script answers what its first run answered (write ids, owners, hit ids and entry ids
 * are recorded). Needs Redis 7 or later (or Valkey 7.2+).
 *
 * @module storage/redis
 */
import type { CashCode } from '../../model/code.js';
import type { CashCodeStore, CodeCommit, LogPage, LogPageOptions, StaleReservationsOptions } from '../contract.js';
import { type RedisClient, redisCommands, scriptRunner } from './_internal/redis/client.js';
import { createRedisCodeTable } from './_internal/redis/codes.js';
import { createRedisKeyTable } from './_internal/redis/keys.js';
import { createRedisListing } from './_internal/redis/listing.js';
import { createRedisOutbox } from './_internal/redis/outbox.js';
import { schemaUpgrade } from './_internal/redis/schema.js';
import { checkPrefix, guard, guardedStore } from './_internal/shared.js';

export type { RedisClient } from './_internal/redis/client.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * Prefix of every key the store writes, after the client's own `keyPrefix` if it has one. Printable
   * ASCII without spaces, 1–64 characters, conventionally ending in `:`. Default `pagoefectivo:`.
   * On Redis Cluster include a hash tag (`{pagoefectivo}:`) so that every key of the store shares a
   * slot, which the Lua scripts need.
   */
  keyPrefix?: string;
}

/** A {@link CashCodeStore} kept in Redis. */
export interface RedisStore extends CashCodeStore {
  /** The validated key prefix. */
  readonly keyPrefix: string;
  commitCodes(commits: readonly CodeCommit[]): Promise<boolean[]>;
  readLogPage(subject: string, options: LogPageOptions): Promise<LogPage>;
  listStaleReservations(options: StaleReservationsOptions): Promise<CashCode[]>;
  /**
   * Bring the store's indexes to the current layout: a store written by an earlier version gets its
   * update-time and reservation indexes, 500 codes per script call, resumable and safe to run from
   * several processes at once. Resolves to the number of codes indexed (0 when already current). The
   * listings that need those indexes run it themselves on first use; call it at deploy time to do the
   * work up front. `{ reindex: true }` walks every code again: run it once after a rolling upgrade,
   * when no instance of an earlier version writes any more.
   */
  migrate(options?: { reindex?: boolean }): Promise<number>;
}

/** The key prefix used when none is given. */
export const DEFAULT_KEY_PREFIX = 'pagoefectivo:';

/**
 * Create a {@link CashCodeStore} backed by Redis.
 *
 * Codes and lifecycle logs never expire, so give this store a Redis with persistence (AOF) and a
 * `maxmemory-policy` of `noeviction` (or a `volatile-*` policy): an `allkeys-*` policy would silently
 * evict payment codes. Dedupe markers, values and counters carry their own TTLs. When the connection is
 * lost, ioredis re-sends what was unanswered (the default; safe, see above) or operations reject with a
 * `StorageError` (how fast depends on `maxRetriesPerRequest`, the offline queue and `commandTimeout`;
 * with `autoResendUnfulfilledCommands: false` set a `commandTimeout`), and because each operation is a
 * single command or script nothing is half-written.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createCashCodes } from 'pagoefectivo-kit';
 * import { redisStore } from 'pagoefectivo-kit/storage/redis';
 *
 * const codes = createCashCodes({ client, store: redisStore(new Redis(process.env.REDIS_URL!)) });
 * ```
 */
export function redisStore(client: RedisClient, options: RedisStoreOptions = {}): RedisStore {
  const prefix = checkPrefix(
    'redisStore',
    'keyPrefix',
    options.keyPrefix,
    DEFAULT_KEY_PREFIX,
    /^[\x21-\x7e]{1,64}$/,
    'must be 1–64 printable ASCII characters without spaces',
  );
  const redis = redisCommands(client);
  const run = scriptRunner(redis, prefix);
  const upgrade = schemaUpgrade(run, () => redis.del(`${prefix}schema`, `${prefix}schema:cursor`));
  const codes = { ...createRedisCodeTable(redis, run, prefix), ...createRedisListing(run, () => upgrade()) };
  const keys = { ...createRedisKeyTable(redis, run, prefix), ...createRedisOutbox(redis, run, prefix) };
  const op = <T>(operation: string, task: () => Promise<T>): Promise<T> => guard('redis', operation, task);

  return {
    ...guardedStore('redis', codes, keys),
    keyPrefix: prefix,
    commitCodes: (commits) => op('commitCodes', () => codes.commitCodes(commits)),
    readLogPage: (subject, options) => op('readLogPage', () => keys.readLogPage(subject, options)),
    listStaleReservations: (options) => op('listStaleReservations', () => codes.listStaleReservations(options)),
    migrate: (migrateOptions) => op('migrate', () => upgrade(migrateOptions?.reindex === true)),
  };
}
