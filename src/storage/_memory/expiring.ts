/**
 * A map whose entries expire at an absolute instant of an injected clock.
 *
 * Expired entries read as absent and are deleted when touched. Untouched expired entries (a dedupe key
 * nobody asks about again) are removed by a full sweep that runs when the map has doubled since the
 * last sweep, so the map never holds more than about twice its live entries (plus a small floor) and
 * the sweep costs O(1) amortised per insertion.
 */
export interface ExpiringMap<V> {
  /** The live value under `key`, or `undefined`. */
  get(key: string): V | undefined;
  /** Store `value` under `key` until `expiresAt` (epoch ms). */
  set(key: string, value: V, expiresAt: number): void;
  /** The expiry instant of the live entry under `key`, or `undefined`. */
  expiresAt(key: string): number | undefined;
  /** Remove `key`; whether a live entry was removed. */
  delete(key: string): boolean;
  /** Entries held, including expired ones not yet swept. */
  readonly size: number;
}

/** Sweeps never run below this many entries: tiny maps are cheap to keep. */
const SWEEP_FLOOR = 1024;

interface Slot<V> {
  value: V;
  expiresAt: number;
}

/** Create an {@link ExpiringMap} reading time from `now` (epoch ms). */
export function createExpiringMap<V>(now: () => number): ExpiringMap<V> {
  const slots = new Map<string, Slot<V>>();
  let sweepAt = SWEEP_FLOOR;

  function live(key: string): Slot<V> | undefined {
    const slot = slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= now()) {
      slots.delete(key);
      return undefined;
    }
    return slot;
  }

  function sweep(): void {
    const at = now();
    for (const [key, slot] of slots) if (slot.expiresAt <= at) slots.delete(key);
    // The next sweep waits until the map doubles again, which keeps the total work linear.
    sweepAt = Math.max(SWEEP_FLOOR, slots.size * 2);
  }

  return {
    get: (key) => live(key)?.value,
    set(key, value, expiresAt) {
      slots.set(key, { value, expiresAt });
      if (slots.size >= sweepAt) sweep();
    },
    expiresAt: (key) => live(key)?.expiresAt,
    delete: (key) => live(key) !== undefined && slots.delete(key),
    get size() {
      return slots.size;
    },
  };
}
