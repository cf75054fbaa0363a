import { describe, expect, it } from 'vitest';
import type { CashCodes } from '../../src/codes/service.js';
import type { LifecycleEntry } from '../../src/model/code.js';
import { encodeLogCursor } from '../../src/storage/_memory/args.js';
import type { CashCodeStore, LogPage } from '../../src/storage/contract.js';
import { createHarness, order } from './_harness.js';

/** Walk a code's history from the newest page back to the first. */
async function walk(codes: CashCodes, codeId: string, limit: number): Promise<LogPage[]> {
  const pages: LogPage[] = [];
  let before: string | null = null;
  do {
    const page: LogPage = await codes.history(codeId, { limit, before });
    pages.push(page);
    before = page.nextCursor;
  } while (before !== null);
  return pages;
}

/** A service over a store with or without `readLogPage`, holding one code with a 10-entry log (reserved, the createCip provider call, created, 7 notes). */
async function setup(withPages: boolean) {
  const h = createHarness(
    {},
    {
      wrapStore: (store) => {
        if (withPages) return store;
        const { readLogPage, ...rest } = store;
        return rest as CashCodeStore;
      },
    },
  );
  const { code } = await h.codes.issue(order('ORD-1'));
  for (let n = 0; n < 7; n += 1) {
    await h.store.appendLog({
      id: `note-${n}`,
      subject: code.id,
      orderId: code.orderId,
      cip: code.cip,
      type: 'note',
      actor: 'support',
      at: h.now(),
      reason: `call ${n}`,
      from: null,
      to: null,
      data: { n },
    });
  }
  return { h, code };
}

describe.each([
  ['a store with readLogPage', true],
  ['a store without it (paged over readLog)', false],
])('codes.history paging on %s', (_name, withPages) => {
  it('history(codeId) is still the whole log, oldest first', async () => {
    const { h, code } = await setup(withPages);
    const log = await h.codes.history(code.id);
    expect(log).toEqual(await h.store.readLog(code.id));
    expect(log).toHaveLength(10);
    expect(log.map((entry: LifecycleEntry) => entry.type).slice(0, 3)).toEqual([
      'reserved',
      'provider_call',
      'created',
    ]);
  });

  it('history(codeId, { limit, before }) pages newest first, oldest first within a page, with no gap', async () => {
    const { h, code } = await setup(withPages);
    const log = await h.codes.history(code.id);
    const pages = await walk(h.codes, code.id, 4);
    expect(pages.map((page) => page.entries)).toEqual([log.slice(6), log.slice(2, 6), log.slice(0, 2)]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    expect(await h.codes.history(code.id, { limit: 1000 })).toEqual({ entries: log, nextCursor: null });
    expect(await h.codes.history('pc_unknown', { limit: 10 })).toEqual({ entries: [], nextCursor: null });
  });

  it('both store shapes hand out the same cursors', async () => {
    const { h, code } = await setup(withPages);
    const page = await h.codes.history(code.id, { limit: 3 });
    expect(page.nextCursor).toBe(encodeLogCursor('memory', code.id, 7));
  });

  it('refuses a limit out of range and cursors from another code, another store or another listing', async () => {
    const { h, code } = await setup(withPages);
    const other = await h.codes.issue(order('ORD-2'));
    for (const limit of [0, -1, 1.5, 1001, Number.NaN]) {
      await expect(h.codes.history(code.id, { limit })).rejects.toMatchObject({ code: 'validation_failed' });
    }
    await expect(h.codes.history(code.id, {} as never)).rejects.toMatchObject({ code: 'validation_failed' });
    const foreign = (await h.codes.history(other.code.id, { limit: 1 })).nextCursor;
    const listing = (await h.store.listCodes({ limit: 1 })).nextCursor;
    const cursors = [
      foreign,
      listing,
      encodeLogCursor('sqlite', code.id, 2),
      encodeLogCursor('memory', code.id, 0),
      encodeLogCursor('memory', code.id, 11),
      'log1.not-json',
      'seq:3',
    ];
    for (const before of cursors) {
      await expect(h.codes.history(code.id, { limit: 2, before })).rejects.toMatchObject({
        code: 'validation_failed',
        name: 'ValidationError',
      });
    }
  });
});
