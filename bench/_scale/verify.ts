import { isDeepStrictEqual } from 'node:util';
import type { CashCode, CodeStatus } from '../../src/model/code.js';
import type { CashCodeStore } from '../../src/storage/contract.js';

// Seeding writes around the store's own code, so the bench proves, through the public API only, that
// the store reads back exactly the codes meant, before it measures anything. Any mismatch stops the run.

function fail(store: CashCodeStore, what: string, detail: unknown): never {
  throw new Error(
    `scale seeding of ${store.name} is wrong: ${what}\n${JSON.stringify(detail, null, 2).slice(0, 2000)}`,
  );
}

/** `getCode` and `getCodeByOrder` return each expected code, field for field. */
export async function expectStored(store: CashCodeStore, expected: readonly CashCode[]): Promise<void> {
  for (const code of expected) {
    const byId = await store.getCode(code.id);
    if (!isDeepStrictEqual(byId, code)) fail(store, `getCode(${code.id})`, { expected: code, got: byId });
    const byOrder = await store.getCodeByOrder(code.orderId);
    if (byOrder?.id !== code.id)
      fail(store, `getCodeByOrder(${code.orderId})`, { expected: code.id, got: byOrder?.id });
  }
}

/**
 * The first `listCodes` page of `statuses` holds `count` codes (fewer when the store has fewer), in id
 * order, each of those statuses and equal to what `expectedOf(id)` says was seeded under that id.
 */
export async function expectListed(
  store: CashCodeStore,
  statuses: readonly CodeStatus[],
  count: number,
  expectedOf: (id: string) => CashCode | undefined,
): Promise<void> {
  const page = await store.listCodes({ statuses, limit: 100 });
  if (page.codes.length !== Math.min(count, 100)) {
    fail(
      store,
      `listCodes(${statuses.join(',')}) returned ${page.codes.length} codes, expected ${Math.min(count, 100)}`,
      {},
    );
  }
  let previous = '';
  for (const code of page.codes) {
    if (code.id <= previous) fail(store, 'listCodes is not in id order', { previous, id: code.id });
    previous = code.id;
    if (!statuses.includes(code.status))
      fail(store, `listCodes(${statuses.join(',')}) returned a ${code.status} code`, code);
    const expected = expectedOf(code.id);
    if (!isDeepStrictEqual(code, expected)) fail(store, `listed code ${code.id}`, { expected, got: code });
  }
}
