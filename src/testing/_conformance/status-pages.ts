import { type CashCode, CODE_STATUSES, type CodeStatus } from '../../model/code.js';
import type { CashCodeStore, ListCodesFilter } from '../../storage/contract.js';
import { expect } from './expect.js';
import { makeCode, nextVersion, type SuiteContext, uniqueFutureInstant, uniqueId } from './fixtures.js';

/** Every page of a listing, checking page sizes, id order and that no id repeats. */
async function walk(store: CashCodeStore, filter: ListCodesFilter): Promise<CashCode[]> {
  const codes: CashCode[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listCodes({ ...filter, cursor });
    expect(page.codes.length).toBeLessThanOrEqual(filter.limit ?? 100);
    if (page.nextCursor !== null) expect(page.codes.length).toBeGreaterThan(0);
    codes.push(...page.codes);
    cursor = page.nextCursor;
  } while (cursor !== null);
  const ids = codes.map((code) => code.id);
  expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  expect(new Set(ids).size).toBe(ids.length);
  return codes;
}

/** listCodes with status filters over many codes: id order, every match once, nothing else. */
export function statusPageTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('listCodes with status filters pages through many codes in id order with no gap', async () => {
    const store = ctx.store();
    const since = uniqueFutureInstant();
    const prefix = uniqueId('many');
    // Statuses interleave in id order, so a page boundary falls between codes of every status.
    const codes = Array.from({ length: 60 }, (_, index) =>
      makeCode({
        id: `${prefix}${String(index).padStart(3, '0')}`,
        status: CODE_STATUSES[(index * 5) % CODE_STATUSES.length]!,
        updatedAt: new Date(since + index),
      }),
    );
    for (const code of [...codes].reverse()) await store.claimOrder(code);
    const expected = (statuses: readonly CodeStatus[], from = 0): string[] =>
      codes.filter((code, index) => index >= from && statuses.includes(code.status)).map((code) => code.id);
    const mine = (listed: CashCode[]): string[] =>
      listed.filter((code) => code.id.startsWith(prefix)).map((code) => code.id);

    for (const statuses of [['paid'], ['pending', 'expired', 'failed'], [...CODE_STATUSES]] as CodeStatus[][]) {
      // `updatedSince` has no upper bound: on a shared database, codes of tests whose random window
      // came later show up too, so only this test's codes are compared.
      const windowed = await walk(store, { statuses, updatedSince: new Date(since), limit: 7 });
      expect(mine(windowed)).toEqual(expected(statuses));
      expect(windowed.every((code) => statuses.includes(code.status))).toBe(true);
      // Without the time window other runs' codes may show up; the order and the gaps still hold.
      const all = await walk(store, { statuses, limit: 1000 });
      expect(mine(all)).toEqual(expected(statuses));
      expect(all.every((code) => statuses.includes(code.status))).toBe(true);
    }
    const late = await walk(store, { statuses: ['paid', 'reserving'], updatedSince: new Date(since + 30), limit: 4 });
    expect(mine(late)).toEqual(expected(['paid', 'reserving'], 30));
    const fetched = await Promise.all(expected(['paid']).map((id) => store.getCode(id)));
    expect(fetched).toEqual(codes.filter((code) => code.status === 'paid'));
    // Leave no reservation behind for the stale-reservation tests of later runs on a shared database.
    for (const code of codes.filter((item) => item.status === 'reserving')) {
      await store.updateCode(nextVersion(code, { status: 'failed' }), code.version);
    }
  });
}
