import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import type { CashCode } from '../../src/model/code.js';
import type { CashCodeStore, ListCodesFilter } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';
import { lookupCodes } from '../../src/support/index.js';
import { createHarness, HOUR, order } from '../codes/_harness.js';

const DAY = 24 * HOUR;

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isPagoEfectivoKitError(error)) throw new Error(`expected a kit error, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

/** A store whose listCodes calls are counted (the cost of an e-mail lookup). */
function countingStore(store: CashCodeStore): { store: CashCodeStore; reads: () => number } {
  let read = 0;
  const wrapped = Object.create(store) as CashCodeStore;
  wrapped.listCodes = async (filter?: ListCodesFilter) => {
    const page = await store.listCodes(filter);
    read += page.codes.length;
    return page;
  };
  return { store: wrapped, reads: () => read };
}

describe('lookupCodes', () => {
  it('finds a code by CIP, by order id, by transaction code and by e-mail', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    await h.codes.issue({ ...order('ORD-2'), payer: { email: 'otro@example.pe' } });
    const byCip = await lookupCodes(h.store, code.cip as string);
    expect(byCip).toMatchObject({ matchedBy: ['cip'], truncated: false });
    expect(byCip.codes.map((c) => c.id)).toEqual([code.id]);
    expect((await lookupCodes(h.store, 'ORD-1')).codes.map((c) => c.id)).toEqual([code.id]);
    expect(await lookupCodes(h.store, 'ORD-1')).toMatchObject({ matchedBy: ['orderId'] });
    expect(await lookupCodes(h.store, code.id)).toMatchObject({ matchedBy: ['transactionCode'] });
    const byEmail = await lookupCodes(h.store, '  CLIENTE@Example.PE ', { now: h.now() });
    expect(byEmail.codes.map((c) => c.id)).toEqual([code.id]);
    expect(byEmail).toMatchObject({ matchedBy: ['email'], truncated: false });
    // An explicit kind is not guessed: the order id is not a CIP.
    expect((await lookupCodes(h.store, { kind: 'cip', value: code.cip as string })).codes).toHaveLength(1);
    expect((await lookupCodes(h.store, { kind: 'orderId', value: code.cip as string })).codes).toEqual([]);
  });

  it('answers an empty result, not an error, for a well-formed value nobody has', async () => {
    const h = createHarness();
    await h.codes.issue(order('ORD-1'));
    expect(await lookupCodes(h.store, '99999999')).toEqual({ codes: [], matchedBy: [], truncated: false, scanned: 0 });
    expect((await lookupCodes(h.store, 'nadie@example.pe', { now: h.now() })).codes).toEqual([]);
  });

  it('tries a digits-only value as a CIP and as an order id (ambiguous), de-duplicated, newest first', async () => {
    const h = createHarness();
    const first = await h.codes.issue(order('ORD-1'));
    h.advance(60_000);
    // An order whose id looks exactly like the first code's CIP number.
    const second = await h.codes.issue(order(first.code.cip as string));
    const result = await lookupCodes(h.store, first.code.cip as string);
    expect(result.matchedBy).toEqual(['cip', 'orderId']);
    expect(result.codes.map((c) => c.id)).toEqual([second.code.id, first.code.id]);
  });

  it("lists an order's earlier codes after its current one", async () => {
    const h = createHarness();
    const first = await h.codes.issue({ ...order('ORD-R'), expiresInHours: 1 });
    h.advance(2 * HOUR);
    const second = await h.codes.issue(order('ORD-R'));
    expect(second.code.id).not.toBe(first.code.id);
    const result = await lookupCodes(h.store, 'ORD-R');
    expect(result.codes.map((c) => [c.id, c.status])).toEqual([
      [second.code.id, 'pending'],
      [first.code.id, 'expired'],
    ]);
    expect((await lookupCodes(h.store, 'ORD-R', { limit: 1 })).codes.map((c) => c.id)).toEqual([second.code.id]);
  });

  it('refuses bad input with validation_failed and a message that says what to paste', async () => {
    const store = memoryStore();
    for (const [query, hint] of [
      ['', /empty/],
      ['   ', /empty/],
      ['x'.repeat(300), /longer than 254/],
      ['ORD\u00001', /control characters/],
      ['two words', /neither a CIP/],
      ['not-an@email@', /e-mail address/],
      [{ kind: 'cip', value: 'ORD-1' }, /CIP number is 1–20 digits/],
      [{ kind: 'transactionCode', value: 'pc.bad' }, /transaction code/],
      [{ kind: 'phone', value: '999' }, /kind must be one of/],
      [{ value: 42 }, /given as a string/],
    ] as const) {
      const error = await refusal(lookupCodes(store, query as never));
      expect(error.code).toBe('validation_failed');
      expect(error.message).toMatch(hint);
    }
    for (const options of [{ limit: 0 }, { limit: 101 }, { limit: 1.5 }, { scanLimit: 0 }, { scanLimit: 100_001 }]) {
      expect((await refusal(lookupCodes(store, 'ORD-1', options))).code).toBe('validation_failed');
    }
  });

  it('scans for an e-mail in recency windows and stops early once the newest codes are found', async () => {
    const h = createHarness();
    for (let index = 0; index < 30; index += 1) {
      await h.codes.issue({ ...order(`OLD-${index}`), payer: { email: `old${index}@example.pe` } });
    }
    h.advance(40 * DAY);
    const recent = await h.codes.issue({ ...order('NEW-1'), payer: { email: 'Buyer@Example.pe' } });
    const counted = countingStore(h.store);
    const result = await lookupCodes(counted.store, 'buyer@example.pe', { limit: 1, now: h.now() });
    expect(result.codes.map((c) => c.id)).toEqual([recent.code.id]);
    // The one-day window held the newest match: the 30 older codes were never read.
    expect(counted.reads()).toBe(1);
    expect(result.scanned).toBe(1);
  });

  it('reports truncated when the e-mail scan reaches scanLimit before the end', async () => {
    const h = createHarness();
    const target = await h.codes.issue({ ...order('ORD-T'), payer: { email: 'target@example.pe' } });
    h.advance(400 * DAY);
    for (let index = 0; index < 12; index += 1) await h.codes.issue(order(`ORD-${index}`));
    const counted = countingStore(h.store);
    const cut = await lookupCodes(counted.store, 'target@example.pe', { scanLimit: 10, now: h.now() });
    expect(cut).toMatchObject({ codes: [], truncated: true, scanned: 10 });
    expect(counted.reads()).toBe(10);
    const full = await lookupCodes(h.store, 'target@example.pe', { scanLimit: 1000, now: h.now() });
    expect(full.truncated).toBe(false);
    expect(full.codes.map((c: CashCode) => c.id)).toEqual([target.code.id]);
  });
});
