import type { HitResult } from '../contract.js';
import { checkKey, checkPositiveInt } from './args.js';
import { createExpiringMap } from './expiring.js';

/**
 * The key-value side of the memory store: consumeOnce markers, values and fixed-window counters.
 *
 * The three live in separate maps, so each key should be used by one family of operations (callers
 * prefix their keys). `deleteKey` clears a key from all three. Every method is synchronous, which makes
 * each read-and-write atomic in single-threaded JavaScript.
 */
export interface MemoryKeyTable {
  consumeOnce(key: string, ttlMs: number, owner?: string): boolean;
  putValue(key: string, value: string, ttlMs: number): void;
  getValue(key: string): string | null;
  takeValue(key: string, owner?: string): string | null;
  deleteKey(key: string): void;
  hit(key: string, limit: number, windowMs: number, hitId?: string): HitResult;
  /** Delete at most `limit` expired markers, values and counters (all with `null`); how many went. */
  purgeExpired(limit: number | null): number;
  /** Entries held per family, including expired ones not yet swept. */
  sizes(): { markers: number; values: number; counters: number };
}

/** Create the key tables; `now` (epoch ms) drives every TTL. */
export function createKeyTable(now: () => number): MemoryKeyTable {
  // A marker remembers who set it ('' for no owner), so the same owner's re-execution still wins.
  const markers = createExpiringMap<string>(now);
  const values = createExpiringMap<string>(now);
  // What an owner took, kept for the value's former lifetime so its re-executed take gets it again.
  const taken = createExpiringMap<{ owner: string; value: string }>(now);
  const counters = createExpiringMap<number>(now);
  // The last hit id of a counter and what it was answered.
  const lastHits = createExpiringMap<{ hitId: string; result: HitResult }>(now);

  return {
    consumeOnce(key, ttlMs, owner) {
      checkKey(key, 'consumeOnce');
      checkPositiveInt(ttlMs, 'consumeOnce', 'ttlMs');
      if (owner !== undefined) checkKey(owner, 'consumeOnce', 'owner');
      const holder = markers.get(key);
      if (holder !== undefined) return owner !== undefined && holder === owner;
      markers.set(key, owner ?? '', now() + ttlMs);
      return true;
    },

    putValue(key, value, ttlMs) {
      checkKey(key, 'putValue');
      if (typeof value !== 'string') checkKey(value, 'putValue', 'value');
      checkPositiveInt(ttlMs, 'putValue', 'ttlMs');
      values.set(key, value, now() + ttlMs);
    },

    getValue(key) {
      checkKey(key, 'getValue');
      return values.get(key) ?? null;
    },

    takeValue(key, owner) {
      checkKey(key, 'takeValue');
      if (owner !== undefined) checkKey(owner, 'takeValue', 'owner');
      const value = values.get(key);
      if (value === undefined) {
        const previous = owner === undefined ? undefined : taken.get(key);
        return previous !== undefined && previous.owner === owner ? previous.value : null;
      }
      const expiresAt = values.expiresAt(key);
      values.delete(key);
      if (owner !== undefined && expiresAt !== undefined) taken.set(key, { owner, value }, expiresAt);
      return value;
    },

    deleteKey(key) {
      checkKey(key, 'deleteKey');
      markers.delete(key);
      values.delete(key);
      taken.delete(key);
      counters.delete(key);
      lastHits.delete(key);
    },

    hit(key, limit, windowMs, hitId) {
      checkKey(key, 'hit');
      checkPositiveInt(limit, 'hit', 'limit');
      checkPositiveInt(windowMs, 'hit', 'windowMs');
      if (hitId !== undefined) checkKey(hitId, 'hit', 'hitId');
      const last = hitId === undefined ? undefined : lastHits.get(key);
      if (last !== undefined && last.hitId === hitId && counters.get(key) !== undefined) {
        return { ...last.result, resetAt: new Date(last.result.resetAt) };
      }
      const result = countHit(key, limit, windowMs);
      if (hitId === undefined) lastHits.delete(key);
      else lastHits.set(key, { hitId, result }, result.resetAt.getTime());
      return { ...result, resetAt: new Date(result.resetAt) };
    },

    purgeExpired(limit) {
      let left = limit ?? Number.POSITIVE_INFINITY;
      let deleted = 0;
      for (const family of [markers, values, counters]) {
        const count = family.purge(left);
        deleted += count;
        left -= count;
      }
      // The re-execution memos go with them; they are not keys of their own, so they are not counted.
      taken.purge(limit ?? Number.POSITIVE_INFINITY);
      lastHits.purge(limit ?? Number.POSITIVE_INFINITY);
      return deleted;
    },

    sizes: () => ({ markers: markers.size, values: values.size, counters: counters.size }),
  };

  function countHit(key: string, limit: number, windowMs: number): HitResult {
    const count = counters.get(key);
    const resetAt = counters.expiresAt(key);
    if (count === undefined || resetAt === undefined) {
      // The window starts at the first hit; later hits never move it.
      const start = now();
      counters.set(key, 1, start + windowMs);
      return { allowed: true, count: 1, resetAt: new Date(start + windowMs) };
    }
    if (count >= limit) return { allowed: false, count: Math.min(count, limit), resetAt: new Date(resetAt) };
    counters.set(key, count + 1, resetAt);
    return { allowed: true, count: count + 1, resetAt: new Date(resetAt) };
  }
}
