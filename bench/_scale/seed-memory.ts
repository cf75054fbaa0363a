import type { CashCode } from '../../src/model/code.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import type { Population } from './population.js';
import { statusAt } from './population.js';

/**
 * Store codes through the store's own public API, `claimOrder`, `concurrency` at a time: how the memory
 * store is seeded (an in-process, synchronous step, fast enough for a million codes) and how every
 * store gets its pending codes, so that whatever index a store keeps for them is kept by the store.
 */
export async function claimAll(store: CashCodeStore, codes: Iterable<CashCode>, concurrency = 1): Promise<void> {
  const iterator = codes[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const result = await store.claimOrder(next.value);
      if (!result.claimed) throw new Error(`seeding ${store.name}: order ${next.value.orderId} was already claimed`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The final codes numbered `[from, to)` of a population, built one at a time. */
export function* finalCodes(population: Population, from: number, to: number): Generator<CashCode> {
  for (let i = from; i < to; i += 1) if (statusAt(i) !== 'pending') yield population.code(i);
}
