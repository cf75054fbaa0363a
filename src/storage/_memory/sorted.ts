/**
 * An ordered set for the memory store's indexes: sorted blocks of at most {@link BLOCK} items.
 *
 * A plain sorted array costs O(N) per insert (the splice moves everything after it); a balanced tree
 * costs a lot of small objects. Blocks keep both low: finding an item is a binary search over the
 * blocks' first items and then within one block, and an insert or delete moves at most one block's
 * items. Every operation is O(log N + BLOCK), and walking `limit` items from a bound is
 * O(log N + limit), whatever N is.
 */
export interface SortedSet<T> {
  /** Insert `item`; an item comparing equal to a held one replaces nothing and answers `false`. */
  add(item: T): boolean;
  /** Remove the held item comparing equal to `item`; whether one was held. */
  delete(item: T): boolean;
  /** Items from the first one at or after `bound` (after it when `exclusive`), in order. */
  from(bound: T | null, exclusive?: boolean): IterableIterator<T>;
  /** The first item, or `undefined` when empty. */
  first(): T | undefined;
  /** How many items compare below `bound`. */
  countBelow(bound: T): number;
  readonly size: number;
}

/** Items per block: small enough that a splice is cheap, large enough that there are few blocks. */
export const BLOCK = 512;

/** Counts the work of the indexes, so tests can prove a cost without timing anything. */
export interface IndexMeter {
  /** Comparisons made while searching and inserting. */
  comparisons: number;
  /** Items handed out by `from` walks. */
  visits: number;
}

/** Create an empty {@link SortedSet} ordered by `compare`; `meter`, when given, counts its work. */
export function createSortedSet<T>(compare: (a: T, b: T) => number, meter?: IndexMeter): SortedSet<T> {
  const blocks: T[][] = [];
  let size = 0;
  const cmp =
    meter === undefined
      ? compare
      : (a: T, b: T): number => {
          meter.comparisons += 1;
          return compare(a, b);
        };

  /** Index of the block that would hold `item`: the last block whose first item is <= item. */
  function blockOf(item: T): number {
    let low = 0;
    let high = blocks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (cmp(blocks[mid]![0]!, item) <= 0) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** First index in `block` whose item is >= item (> item when `after`). */
  function indexIn(block: T[], item: T, after: boolean): number {
    let low = 0;
    let high = block.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const order = cmp(block[mid]!, item);
      if (order < 0 || (after && order === 0)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  function* walk(blockIndex: number, index: number): IterableIterator<T> {
    for (let b = blockIndex; b < blocks.length; b += 1) {
      const block = blocks[b]!;
      for (let i = b === blockIndex ? index : 0; i < block.length; i += 1) {
        if (meter !== undefined) meter.visits += 1;
        yield block[i]!;
      }
    }
  }

  return {
    add(item) {
      if (blocks.length === 0) {
        blocks.push([item]);
        size = 1;
        return true;
      }
      const b = blockOf(item);
      const block = blocks[b]!;
      const at = indexIn(block, item, false);
      if (at < block.length && cmp(block[at]!, item) === 0) return false;
      block.splice(at, 0, item);
      size += 1;
      if (block.length > BLOCK) blocks.splice(b + 1, 0, block.splice(BLOCK >> 1));
      return true;
    },

    delete(item) {
      if (blocks.length === 0) return false;
      const b = blockOf(item);
      const block = blocks[b]!;
      const at = indexIn(block, item, false);
      if (at >= block.length || cmp(block[at]!, item) !== 0) return false;
      block.splice(at, 1);
      size -= 1;
      if (block.length === 0) blocks.splice(b, 1);
      return true;
    },

    from(bound, exclusive = false) {
      if (bound === null || blocks.length === 0) return walk(0, 0);
      const b = blockOf(bound);
      return walk(b, indexIn(blocks[b]!, bound, exclusive));
    },

    first: () => blocks[0]?.[0],

    countBelow(bound) {
      if (blocks.length === 0) return 0;
      const b = blockOf(bound);
      // Blocks before `b` are all below the bound; summing their lengths is O(N / BLOCK), cheap
      // next to the walk it lets `listCodes` avoid.
      let count = 0;
      for (let i = 0; i < b; i += 1) count += blocks[i]!.length;
      return count + indexIn(blocks[b]!, bound, false);
    },

    get size() {
      return size;
    },
  };
}
