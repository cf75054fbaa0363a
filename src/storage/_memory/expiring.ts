/**
 * A map whose entries expire at an absolute instant of an injected clock.
 *
 * Expired entries read as absent and are deleted when touched. Untouched expired entries (a dedupe key
 * nobody asks about again) leave through a min-heap of expiry instants: `purge(limit)` deletes the
 * `limit` oldest expired ones in O(limit · log N), and every `set` deletes up to two, so expired
 * entries never pile up faster than they go, even if nobody calls `purge`.
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
  /** Delete at most `limit` expired entries, oldest expiry first; how many went. */
  purge(limit: number): number;
  /** Entries held, including expired ones not yet deleted. */
  readonly size: number;
}

interface Slot<V> {
  key: string;
  value: V;
  expiresAt: number;
}

/** Expired entries each `set` deletes on its way: more than one, so the backlog shrinks. */
const CLEANUP_PER_SET = 2;

/** Create an {@link ExpiringMap} reading time from `now` (epoch ms). */
export function createExpiringMap<V>(now: () => number): ExpiringMap<V> {
  const slots = new Map<string, Slot<V>>();
  // A binary min-heap of slots by expiry. A slot replaced or deleted stays in the heap until it
  // reaches the top, where it is recognised (no longer the map's slot for its key) and dropped.
  const heap: Slot<V>[] = [];

  function push(slot: Slot<V>): void {
    heap.push(slot);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.expiresAt <= slot.expiresAt) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = slot;
  }

  function pop(): void {
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    while (true) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.expiresAt < heap[left]!.expiresAt ? right : left;
      if (heap[child]!.expiresAt >= last.expiresAt) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }

  function live(key: string): Slot<V> | undefined {
    const slot = slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= now()) {
      slots.delete(key);
      return undefined;
    }
    return slot;
  }

  function purge(limit: number): number {
    const at = now();
    let deleted = 0;
    while (deleted < limit && heap.length > 0 && heap[0]!.expiresAt <= at) {
      const slot = heap[0]!;
      pop();
      if (slots.get(slot.key) !== slot) continue;
      slots.delete(slot.key);
      deleted += 1;
    }
    return deleted;
  }

  return {
    get: (key) => live(key)?.value,
    set(key, value, expiresAt) {
      const current = slots.get(key);
      if (current !== undefined && current.expiresAt === expiresAt) {
        // Same expiry (a counter's next hit): the heap already holds this slot.
        current.value = value;
        return;
      }
      const slot = { key, value, expiresAt };
      slots.set(key, slot);
      push(slot);
      purge(CLEANUP_PER_SET);
    },
    expiresAt: (key) => live(key)?.expiresAt,
    delete: (key) => live(key) !== undefined && slots.delete(key),
    purge,
    get size() {
      return slots.size;
    },
  };
}
