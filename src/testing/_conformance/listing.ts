import type { CashCode } from '../../model/code.js';
import type { CashCodeStore, ListCodesFilter } from '../../storage/contract.js';
import { expect } from './expect.js';
import { expectKitError, makeCode, type SuiteContext, uniqueFutureInstant, uniqueId } from './fixtures.js';

/** Walk every page of a listing; other runs' codes may appear too, so callers look at their own. */
async function listAll(store: CashCodeStore, filter: ListCodesFilter): Promise<{ codes: CashCode[]; pages: number }> {
  const codes: CashCode[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await store.listCodes({ ...filter, cursor });
    pages += 1;
    expect(page.codes.length).toBeLessThanOrEqual(filter.limit ?? 100);
    codes.push(...page.codes);
    cursor = page.nextCursor;
    if (cursor !== null) expect(page.codes.length).toBeGreaterThan(0);
  } while (cursor !== null);
  // No code may show up twice across pages.
  expect(new Set(codes.map((code) => code.id)).size).toBe(codes.length);
  return { codes, pages };
}

/** Claim `count` codes whose `updatedAt` lie at and after `since` (a window of their own). */
async function seed(store: CashCodeStore, since: number, count: number, prefix: string): Promise<CashCode[]> {
  const codes = Array.from({ length: count }, (_, index) =>
    makeCode({ id: uniqueId(prefix), updatedAt: new Date(since + index) }),
  );
  for (const code of codes) await store.claimOrder(code);
  return codes;
}

const ids = (codes: readonly CashCode[]): string[] => codes.map((code) => code.id);

/** listCodes: id order, cursor pagination, status and update-time filters, page-size bounds. */
export function listingTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('listCodes pages through every code once, in id order', async () => {
    const store = ctx.store();
    const since = uniqueFutureInstant();
    const prefix = uniqueId('list');
    const mine = await seed(store, since, 7, prefix);
    const { codes, pages } = await listAll(store, { updatedSince: new Date(since), limit: 3 });
    expect(pages).toBeGreaterThanOrEqual(3);
    const listed = codes.filter((code) => code.id.startsWith(prefix));
    expect(ids(listed)).toEqual(ids(mine).sort());
    expect(listed).toEqual([...mine].sort((a, b) => (a.id < b.id ? -1 : 1)));
  });

  it('listCodes filters by status and by updatedSince (inclusive)', async () => {
    const store = ctx.store();
    const since = uniqueFutureInstant();
    const prefix = uniqueId('filt');
    const make = (status: CashCode['status'], offset: number): CashCode =>
      makeCode({ id: uniqueId(prefix), status, updatedAt: new Date(since + offset) });
    const codes = [make('paid', -1), make('paid', 0), make('pending', 0), make('expired', 5), make('paid', 9)];
    for (const code of codes) await store.claimOrder(code);

    const paid = await listAll(store, { statuses: ['paid'], updatedSince: new Date(since), limit: 2 });
    expect(paid.codes.every((code) => code.status === 'paid' && code.updatedAt.getTime() >= since)).toBe(true);
    const expected = [codes[1]!, codes[4]!].map((code) => code.id).sort();
    expect(ids(paid.codes.filter((code) => code.id.startsWith(prefix)))).toEqual(expected);

    const several = await listAll(store, { statuses: ['pending', 'expired'], updatedSince: new Date(since + 1) });
    expect(ids(several.codes.filter((code) => code.id.startsWith(prefix)))).toEqual([codes[3]!.id]);

    const all = await listAll(store, { updatedSince: new Date(since) });
    expect(ids(all.codes.filter((code) => code.id.startsWith(prefix)))).toEqual(ids(codes.slice(1)).sort());
  });

  it('listCodes returns 100 codes per page by default and accepts up to 1000', async () => {
    const store = ctx.store();
    const since = uniqueFutureInstant();
    const prefix = uniqueId('page');
    await seed(store, since, 101, prefix);
    const first = await store.listCodes({ updatedSince: new Date(since) });
    expect(first.codes).toHaveLength(100);
    expect(first.nextCursor).not.toBeNull();
    const big = await store.listCodes({ updatedSince: new Date(since), limit: 1000 });
    expect(big.codes.filter((code) => code.id.startsWith(prefix))).toHaveLength(101);
  });

  it('listCodes rejects a bad limit, an empty or unknown status list and a foreign cursor', async () => {
    const store = ctx.store();
    for (const limit of [0, -1, 1.5, 1001, Number.NaN]) {
      await expectKitError(store.listCodes({ limit }), 'validation_failed');
    }
    await expectKitError(store.listCodes({ statuses: [] }), 'validation_failed');
    await expectKitError(store.listCodes({ statuses: ['bogus' as CashCode['status']] }), 'validation_failed');
    await expectKitError(store.listCodes({ cursor: 'not-a-cursor-of-this-store' }), 'validation_failed');
    await expectKitError(store.listCodes({ updatedSince: new Date(Number.NaN) }), 'validation_failed');
  });
}
