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
  consumeOnce(key: string, ttlMs: number): boolean;
  putValue(key: string, value: string, ttlMs: number): void;
  getValue(key: string): string | null;
  takeValue(key: string): string | null;
  deleteKey(key: string): void;
  hit(key: string, limit: number, windowMs: number): HitResult;
  /** Entries held per family, including expired ones not yet swept. */
  sizes(): { markers: number; values: number; counters: number };
}

/** Create the key tables; `now` (epoch ms) drives every TTL. */
export function createKeyTable(now: () => number): MemoryKeyTable {
  const markers = createExpiringMap<true>(now);
  const values = createExpiringMap<string>(now);
  const counters = createExpiringMap<number>(now);

  return {
    consumeOnce(key, ttlMs) {
      checkKey(key, 'consumeOnce');
      checkPositiveInt(ttlMs, 'consumeOnce', 'ttlMs');
      if (markers.get(key) !== undefined) return false;
      markers.set(key, true, now() + ttlMs);
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

    takeValue(key) {
      checkKey(key, 'takeValue');
      const value = values.get(key);
      if (value === undefined) return null;
      values.delete(key);
      return value;
    },

    deleteKey(key) {
      checkKey(key, 'deleteKey');
      markers.delete(key);
      values.delete(key);
      counters.delete(key);
    },

    hit(key, limit, windowMs) {
      checkKey(key, 'hit');
      checkPositiveInt(limit, 'hit', 'limit');
      checkPositiveInt(windowMs, 'hit', 'windowMs');
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
    },

    sizes: () => ({ markers: markers.size, values: values.size, counters: counters.size }),
  };
}
