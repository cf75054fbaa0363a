import type { LifecycleEntry } from '../../model/code.js';
import { encodeLogCursor } from '../../storage/_memory/args.js';
import type { CashCodeStore, LogPage } from '../../storage/contract.js';
import type { RunningTest } from './api.js';
import { expect } from './expect.js';
import { expectKitError, makeCode, type SuiteContext, uniqueId } from './fixtures.js';
import { entriesFor } from './records.js';

const NO_PAGES = 'the store has no readLogPage; codes.history pages over readLog, checked here instead';

/** Append `count` entries (with ids and `data.n`) to a fresh subject, one by one. */
async function seedLog(store: CashCodeStore, count: number): Promise<{ subject: string; entries: LifecycleEntry[] }> {
  const subject = uniqueId('code');
  const entries = entriesFor(subject, count);
  for (const entry of entries) await store.appendLog(entry);
  return { subject, entries };
}

/** Without readLogPage the SDK pages over readLog: check that it holds the log in append order. */
async function fallback(test: RunningTest, store: CashCodeStore): Promise<void> {
  const { subject, entries } = await seedLog(store, 3);
  expect(await store.readLog(subject)).toEqual(entries);
  test.skip(NO_PAGES);
}

/** Walk a log from the newest page back to the first one, calling `between` after each page. */
async function walkBack(
  store: CashCodeStore,
  subject: string,
  limit: number,
  between: () => Promise<void> = async () => {},
): Promise<LogPage[]> {
  const pages: LogPage[] = [];
  let before: string | null = null;
  do {
    const page: LogPage = await store.readLogPage!(subject, { limit, before });
    expect(page.entries.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor !== null) expect(page.entries.length).toBe(limit);
    pages.push(page);
    before = page.nextCursor;
    await between();
    expect(pages.length).toBeLessThanOrEqual(1000);
  } while (before !== null);
  return pages;
}

/** readLogPage: newest page first, oldest first within a page, stable cursors, refused foreign cursors. */
export function logPageTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('readLogPage pages newest first, entries oldest first within each page', async (test) => {
    const store = ctx.store();
    if (store.readLogPage === undefined) return fallback(test, store);
    const { subject, entries } = await seedLog(store, 7);
    const pages = await walkBack(store, subject, 3);
    expect(pages.map((page) => page.entries)).toEqual([entries.slice(4), entries.slice(1, 4), entries.slice(0, 1)]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    const whole = await store.readLogPage(subject, { limit: 7 });
    expect(whole).toEqual({ entries, nextCursor: null });
    expect(await store.readLogPage(uniqueId('code'), { limit: 5 })).toEqual({ entries: [], nextCursor: null });
  });

  it('readLogPage walks a whole log with no gap or repeat while new entries are appended', async (test) => {
    const store = ctx.store();
    if (store.readLogPage === undefined) return fallback(test, store);
    const { subject, entries } = await seedLog(store, 10);
    const appended: LifecycleEntry[] = [];
    const pages = await walkBack(store, subject, 3, async () => {
      const [entry] = entriesFor(subject, 1, { reason: `appended while paging ${appended.length}` });
      appended.push(entry!);
      await store.appendLog(entry!);
    });
    // Entries appended after the first page are newer than it: the walk neither sees nor skips any.
    expect(pages.reverse().flatMap((page) => page.entries)).toEqual(entries);
    const newest = await store.readLogPage(subject, { limit: appended.length });
    expect(newest.entries).toEqual(appended);
    expect(await store.readLog(subject)).toEqual([...entries, ...appended]);
  });

  it('readLogPage rejects a bad limit and any cursor it did not return for this subject', async (test) => {
    const store = ctx.store();
    if (store.readLogPage === undefined) return fallback(test, store);
    const { subject } = await seedLog(store, 4);
    const other = await seedLog(store, 4);
    for (const limit of [0, -1, 1.5, 1001, Number.NaN]) {
      await expectKitError(store.readLogPage(subject, { limit }), 'validation_failed');
    }
    await expectKitError(store.readLogPage('', { limit: 1 }), 'validation_failed');
    const foreign = (await store.readLogPage(other.subject, { limit: 2 })).nextCursor;
    expect(foreign).not.toBeNull();
    await expectKitError(store.readLogPage(subject, { limit: 2, before: foreign }), 'validation_failed');
    for (const code of [makeCode(), makeCode()]) await store.claimOrder(code);
    const listing = (await store.listCodes({ limit: 1 })).nextCursor;
    expect(listing).not.toBeNull();
    await expectKitError(store.readLogPage(subject, { limit: 2, before: listing }), 'validation_failed');
    const ownCursor = (await store.readLogPage(subject, { limit: 2 })).nextCursor;
    expect(ownCursor).not.toBeNull();
    const elsewhere = encodeLogCursor(`${store.name}-elsewhere`, subject, 2);
    const garbage = ['garbage', 'log1.', 'log1.%E0%A4%A', 'log1.[1,2]', `${ownCursor}x`, 42, {}];
    for (const before of [elsewhere, ...garbage]) {
      await expectKitError(store.readLogPage(subject, { limit: 2, before: before as string }), 'validation_failed');
    }
    // The refusals changed nothing: the store's own cursor still pages on.
    expect((await store.readLogPage(subject, { limit: 2, before: ownCursor })).entries).toHaveLength(2);
  });
}
