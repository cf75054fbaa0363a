import { ConfigurationError, GuardError, ValidationError } from '../errors.js';
import type { CashCodeStore } from '../storage/contract.js';
import { parseIp } from './ip.js';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Where the counters live; share the store between instances to limit across processes. */
  store: Pick<CashCodeStore, 'hit'>;
  /** Requests allowed per IP per window. */
  limit: number;
  /** Window length in milliseconds (a fixed window that starts at the IP's first request). */
  windowMs: number;
  /** Key namespace, so several limiters can share one store. Default `rl:issue`. */
  keyPrefix?: string;
  /** Clock used to compute `retryAfterMs`. Default `() => new Date()`. */
  now?: () => Date;
}

/** A per-IP rate limiter. */
export interface RateLimiter {
  /**
   * Count one request from `ip`.
   * @throws {GuardError} `rate_limited` with `details.retryAfterMs` once the IP used up its window.
   */
  check(ip: string): Promise<void>;
}

/**
 * The counter key of an IP. Addresses are normalised (so `::ffff:1.2.3.4` and `1.2.3.4` share a
 * counter) and IPv6 clients are counted per /64, because one subscriber usually owns a whole /64 and
 * could otherwise rotate addresses to escape the limit. Anything that is not an address is refused.
 */
function counterKey(prefix: string, ip: string): string {
  const value = parseIp(ip);
  if (value === null) {
    // A raw header value ("1.2.3.4, 10.0.0.1", "unknown") would get a bucket of its own per spelling,
    // which every request could vary to bypass the limit.
    throw new ValidationError(`clientIp must be an IPv4 or IPv6 address, got ${JSON.stringify(ip.slice(0, 64))}.`, [
      { path: 'clientIp', message: "pass the buyer's address itself, e.g. the first X-Forwarded-For hop you trust" },
    ]);
  }
  const isMappedV4 = value >> 32n === 0xffffn;
  const bucket = isMappedV4 ? value : value >> 64n;
  return `${prefix}:${isMappedV4 ? 'v4' : 'v6/64'}:${bucket.toString(16)}`;
}

function hitId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * A per-IP fixed-window rate limiter on the store's atomic `hit` counter, so the limit holds across
 * every app instance sharing the store and concurrent requests never exceed it.
 *
 * @throws {ConfigurationError} `config_invalid` if `limit` or `windowMs` is not a positive integer.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { store, limit, windowMs } = options;
  if (!store || typeof store.hit !== 'function') {
    throw new ConfigurationError('rateLimit.store must be a CashCodeStore (it provides the atomic `hit` counter).');
  }
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ConfigurationError(`rateLimit.limit must be a positive integer (got ${String(limit)}).`);
  }
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new ConfigurationError(
      `rateLimit.windowMs must be a positive integer of milliseconds (got ${String(windowMs)}).`,
    );
  }
  const prefix = options.keyPrefix ?? 'rl:issue';
  const now = options.now ?? (() => new Date());
  return {
    async check(ip) {
      const key = counterKey(prefix, typeof ip === 'string' ? ip : '');
      // A hit id makes a re-sent hit (a lost reply) count once and answer the same.
      const result = await store.hit(key, limit, windowMs, hitId());
      if (result.allowed) return;
      const retryAfterMs = Math.max(0, result.resetAt.getTime() - now().getTime());
      throw new GuardError(
        'rate_limited',
        `Too many requests from this IP: at most ${limit} per ${windowMs} ms; retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
        { details: { retryAfterMs, limit, windowMs } },
      );
    },
  };
}
