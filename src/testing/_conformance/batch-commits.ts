import type { CashCode } from '../../model/code.js';
import type { CashCodeStore, CodeCommit } from '../../storage/contract.js';
import type { RunningTest } from './api.js';
import { commitOf, expectStored } from './commits.js';
import { expect } from './expect.js';
import { expectKitError, makeCode, type SuiteContext } from './fixtures.js';

const NO_BATCH = 'the store has no commitCodes; the service commits one by one with commitCode, checked here instead';
const NOTHING = { entries: [], events: [] };

async function claimed(store: CashCodeStore, count: number): Promise<CashCode[]> {
  const codes = Array.from({ length: count }, () => makeCode());
  for (const code of codes) await store.claimOrder(code);
  return codes;
}

/** A well-formed commit of `code` expecting a version the code never reaches in these tests. */
function staleCommit(ctx: SuiteContext, code: CashCode): CodeCommit {
  return commitOf(ctx, { ...code, version: code.version + 5 });
}

/** Without commitCodes the service commits one by one: check commitCode's verdicts instead. */
async function fallback(ctx: SuiteContext, test: RunningTest, store: CashCodeStore): Promise<void> {
  const [fresh, stale] = await claimed(store, 2);
  const good = commitOf(ctx, fresh!);
  expect(await store.commitCode(good)).toBe(true);
  expect(await store.commitCode(staleCommit(ctx, stale!))).toBe(false);
  await expectStored(store, good.code, good, 'the landed commit');
  test.skip(NO_BATCH);
}

/** commitCodes: each commit judged like commitCode, safe to re-execute, all-or-nothing on bad input. */
export function batchCommitTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('commitCodes judges each commit like commitCode: a stale one answers false, the others land', async (test) => {
    const store = ctx.store();
    if (store.commitCodes === undefined) return fallback(ctx, test, store);
    const [a, b, c] = await claimed(store, 3);
    const commits = [commitOf(ctx, a!), staleCommit(ctx, b!), commitOf(ctx, c!, { status: 'expired' })];
    expect(await store.commitCodes(commits)).toEqual([true, false, true]);
    await expectStored(store, commits[0]!.code, commits[0]!, 'the first commit');
    await expectStored(store, b!, NOTHING, 'the stale commit');
    await expectStored(store, commits[2]!.code, commits[2]!, 'the third commit');
    expect(await store.commitCodes([])).toEqual([]);
  });

  it('a re-executed commitCodes answers true for what landed and writes nothing more', async (test) => {
    const store = ctx.store();
    if (store.commitCodes === undefined) return fallback(ctx, test, store);
    const [a, b, c] = await claimed(store, 3);
    // Each code once per batch: the commits of a batch are independent (a store may refuse repeats).
    const commits = [commitOf(ctx, a!), commitOf(ctx, b!), staleCommit(ctx, c!)];
    expect(await store.commitCodes(commits)).toEqual([true, true, false]);
    expect(await store.commitCodes(commits)).toEqual([true, true, false]);
    // The same commits one by one still answer the same: the batch recorded each write id.
    expect(await store.commitCode(commits[0]!)).toBe(true);
    await expectStored(store, commits[0]!.code, commits[0]!, 'the first commit');
    await expectStored(store, commits[1]!.code, commits[1]!, 'the second commit');
    await expectStored(store, c!, NOTHING, 'the stale commit');
    // A later batch is judged against the versions the first one left.
    const next = commitOf(ctx, commits[0]!.code, { status: 'refund_required' });
    expect(await store.commitCodes([next, commitOf(ctx, b!)])).toEqual([true, false]);
    expect((await store.getCode(a!.id))?.version).toBe(a!.version + 2);
    expect(await store.getCode(b!.id)).toEqual(commits[1]!.code);
  });

  it('a malformed or conflicting commit rejects the whole batch, writing nothing of it', async (test) => {
    const store = ctx.store();
    if (store.commitCodes === undefined) return fallback(ctx, test, store);
    const [a, b, holder] = await claimed(store, 3);
    const good = commitOf(ctx, a!);
    const skipped = { ...commitOf(ctx, b!), expectedVersion: b!.version + 5 };
    await expectKitError(store.commitCodes([good, skipped]), 'validation_failed');
    const noWriteId = { ...commitOf(ctx, b!), writeId: '' };
    await expectKitError(store.commitCodes([good, noWriteId]), 'validation_failed');
    const unset = makeCode({ cip: null });
    await store.claimOrder(unset);
    const stolenCip = commitOf(ctx, unset, { cip: holder!.cip });
    await expectKitError(store.commitCodes([good, stolenCip]), 'storage_error');
    await expectStored(store, a!, NOTHING, 'the good commit of a rejected batch');
    await expectStored(store, unset, NOTHING, 'the conflicting commit');
    await expectKitError(store.commitCodes('nope' as never), 'validation_failed');
    // Retried alone, the good commit lands.
    expect(await store.commitCodes([good])).toEqual([true]);
    await expectStored(store, good.code, good, 'the good commit retried');
  });
}
