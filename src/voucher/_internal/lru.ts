/**
 * A tiny least-recently-used map with a fixed capacity, for per-process render caches that must
 * never grow without bound (one entry per recently rendered CIP or token).
 */

/** A bounded LRU cache. */
export interface Lru<V> {
  /** The value under `key`, computing and remembering it on a miss. */
  get(key: string, compute: () => V): V;
  /** How many entries are held (at most the capacity). */
  readonly size: number;
}

/** Create a bounded LRU cache holding at most `capacity` entries. */
export function createLru<V>(capacity: number): Lru<V> {
  const entries = new Map<string, V>();
  return {
    get(key: string, compute: () => V): V {
      if (entries.has(key)) {
        const hit = entries.get(key) as V;
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const value = compute();
      entries.set(key, value);
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
      return value;
    },
    get size(): number {
      return entries.size;
    },
  };
}
