/**
 * A compact table of the CIPs a settlement file mentions, keyed by CIP.
 *
 * A CIP is 1–14 digits, so it is exact as a double: keys live in a `Float64Array` and the line of the
 * first readable row in a `Uint32Array` (open addressing, linear probing, load ≤ 0.5). About 24 bytes
 * per CIP instead of the ~100 of a `Map<string, number>` plus a `Set<string>`, and no strings kept
 * alive: a 1M-row file costs ~24 MB here.
 */
export interface CipTable {
  /** Record that the file mentions `cip` (readable row or not). */
  mention(cip: string): void;
  /** The line of the first readable row of `cip`, `0` when only unreadable rows mention it, `undefined` when none. */
  firstLine(cip: string): number | undefined;
  /** Record the first readable row of `cip`. */
  setFirstLine(cip: string, line: number): void;
  /** Whether the file mentions `cip` at all. */
  has(cip: string): boolean;
  /** How many distinct CIPs are recorded. */
  readonly size: number;
}

const CIP = /^\d{1,15}$/;
// Not a CIP (CIPs are positive): marks an empty slot.
const EMPTY = -1;

/** Spread the bits of a key into a slot index (the low digits of consecutive CIPs are not random). */
function slotOf(key: number, mask: number): number {
  const low = key % 0x100000000;
  const high = Math.floor(key / 0x100000000);
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

/** Create an empty {@link CipTable}. */
export function createCipTable(initialCapacity = 1024): CipTable {
  let capacity = 1;
  while (capacity < initialCapacity * 2) capacity *= 2;
  let keys = new Float64Array(capacity).fill(EMPTY);
  let lines = new Uint32Array(capacity);
  let size = 0;

  const find = (key: number): number => {
    const mask = keys.length - 1;
    let at = slotOf(key, mask);
    while (keys[at] !== EMPTY && keys[at] !== key) at = (at + 1) & mask;
    return at;
  };

  const grow = (): void => {
    const oldKeys = keys;
    const oldLines = lines;
    keys = new Float64Array(oldKeys.length * 2).fill(EMPTY);
    lines = new Uint32Array(oldKeys.length * 2);
    for (let i = 0; i < oldKeys.length; i += 1) {
      const key = oldKeys[i] as number;
      if (key === EMPTY) continue;
      const at = find(key);
      keys[at] = key;
      lines[at] = oldLines[i] as number;
    }
  };

  const slot = (cip: string, create: boolean): number => {
    // Only digit strings are stored; anything else (a store CIP of another shape) is never "in the file".
    if (!CIP.test(cip)) return -1;
    const key = Number(cip);
    let at = find(key);
    if (keys[at] === EMPTY) {
      if (!create) return -1;
      if ((size + 1) * 2 > keys.length) {
        grow();
        at = find(key);
      }
      keys[at] = key;
      size += 1;
    }
    return at;
  };

  return {
    mention(cip) {
      slot(cip, true);
    },
    firstLine(cip) {
      const at = slot(cip, false);
      return at === -1 ? undefined : lines[at];
    },
    setFirstLine(cip, line) {
      const at = slot(cip, true);
      if (at !== -1) lines[at] = line;
    },
    has(cip) {
      return slot(cip, false) !== -1;
    },
    get size() {
      return size;
    },
  };
}
