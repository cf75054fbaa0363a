import { beforeEach, describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import type { PaymentNotice, PaymentOutcome } from '../../src/model/code.js';
import type { CipStatus } from '../../src/model/provider.js';
import { type PaymentApplier, reconcileWithApi } from '../../src/reconcile/index.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { cipStatus, makeCode, NOW, seed } from './_fixtures.js';

/**
 * A payment applier with the codes service's contract: compare-and-set on the stored code, exact
 * amount and currency, only pending codes become paid, a paid code reports a duplicate, a payment that
 * needs a person (another amount, paid after expiry) moves the code to `review`.
 */
function casApplier(store: MemoryStore, calls: PaymentNotice[]): PaymentApplier {
  return {
    async applyPayment(notice): Promise<PaymentOutcome> {
      calls.push(notice);
      const code = await store.getCodeByCip(notice.cip);
      if (!code) return { kind: 'rejected', reason: 'unknown_cip', message: 'unknown CIP', code: null };
      if (code.status === 'paid' || code.status === 'review') return { kind: 'duplicate', code };
      const payment = {
        operationNumber: notice.operationNumber ?? '',
        amountMinor: notice.amountMinor,
        currency: notice.currency,
        paidAt: notice.paidAt ?? NOW,
        source: notice.source ?? 'webhook',
      };
      const held =
        code.status === 'expired'
          ? { reason: 'paid_after_expiry' as const, message: 'paid after expiry' }
          : notice.amountMinor !== code.amountMinor
            ? { reason: 'amount_mismatch' as const, message: 'amount differs' }
            : null;
      const next = {
        ...code,
        status: held ? ('review' as const) : ('paid' as const),
        version: code.version + 1,
        payment,
      };
      if (!(await store.updateCode(next, code.version))) return { kind: 'duplicate', code };
      return held ? { kind: 'review', ...held, code: next } : { kind: 'paid', code: next };
    },
  };
}

function searchOf(
  statuses: CipStatus[],
  calls: string[][],
): { searchCips(cips: readonly string[]): Promise<CipStatus[]> } {
  return {
    async searchCips(cips) {
      calls.push([...cips]);
      return statuses.filter((status) => cips.includes(status.cip));
    },
  };
}

describe('reconcileWithApi', () => {
  let store: MemoryStore;
  let applied: PaymentNotice[];
  let searched: string[][];

  beforeEach(() => {
    store = memoryStore();
    applied = [];
    searched = [];
  });

  it('recovers a missed payment through applyPayment with source "reconcile"', async () => {
    await seed(store, [makeCode({ cip: '2001' }), makeCode({ cip: '2002' })]);
    const client = searchOf([cipStatus('2001', 'paid'), cipStatus('2002', 'pending')], searched);
    const report = await reconcileWithApi({ codes: casApplier(store, applied), client, store, now: () => NOW });
    expect(report.items.map((item) => [item.cip, item.kind, item.action])).toEqual([
      ['2001', 'payment_recovered', 'applied'],
      ['2002', 'matched', 'none'],
    ]);
    expect(applied).toEqual([
      {
        cip: '2001',
        amountMinor: 15050,
        currency: 'PEN',
        // The search API has no operation number: the CIP alone names the payment.
        operationNumber: null,
        transactionCode: 'code-for-2001',
        paidAt: new Date(NOW.getTime() - 600_000),
        source: 'reconcile',
      },
    ]);
    expect((await store.getCodeByCip('2001'))?.status).toBe('paid');
    expect(report.findings).toBe(1);
    expect(report.totals).toEqual([{ currency: 'PEN', byKind: { payment_recovered: 15050, matched: 15050 } }]);
  });

  it('reports every kind of disagreement, changing the store only through applyPayment', async () => {
    const since = new Date(NOW.getTime() - 7 * 24 * 3600_000);
    await seed(store, [
      makeCode({ cip: '3001', status: 'pending' }),
      makeCode({ cip: '3002', status: 'expired' }),
      makeCode({ cip: '3003', status: 'paid' }),
      makeCode({ cip: '3004', status: 'pending' }),
      makeCode({ cip: '3005', status: 'cancelled' }),
      makeCode({ cip: '3006', status: 'pending', expiresAt: new Date(NOW.getTime() - 60_000) }),
      makeCode({ cip: '3007', status: 'pending' }),
      makeCode({ cip: '3008', status: 'paid', amountMinor: 9900 }),
      makeCode({ cip: '3009', status: 'pending', amountMinor: 100 }),
      makeCode({ cip: '3010', status: 'pending', currency: 'USD' }),
      makeCode({ cip: '3011', status: 'paid', updatedAt: new Date(since.getTime() - 1) }),
      makeCode({ cip: '3012', status: 'pending' }),
    ]);
    const client = searchOf(
      [
        cipStatus('3001', 'deleted'),
        cipStatus('3002', 'paid'),
        cipStatus('3003', 'pending'),
        cipStatus('3004', 'unknown', { statusCode: 99, statusName: 'Raro' }),
        cipStatus('3005', 'pending'),
        cipStatus('3006', 'expired'),
        cipStatus('3008', 'paid'),
        cipStatus('3009', 'paid'),
        cipStatus('3010', 'pending'),
        cipStatus('3011', 'pending'),
        cipStatus('3012', 'expired'),
      ],
      searched,
    );
    const before = await store.listCodes({ limit: 1000 });
    const report = await reconcileWithApi({ codes: casApplier(store, applied), client, store, since, now: () => NOW });
    const found = Object.fromEntries(report.items.map((item) => [item.cip, [item.kind, item.severity]]));
    expect(found).toEqual({
      '3001': ['deleted_there', 'warning'],
      '3002': ['payment_flagged', 'critical'],
      '3003': ['not_paid_there', 'critical'],
      '3004': ['state_unrecognized', 'warning'],
      '3005': ['payable_there', 'critical'],
      '3006': ['expired_there', 'info'],
      '3007': ['unknown_there', 'warning'],
      '3008': ['amount_mismatch', 'critical'],
      '3009': ['payment_flagged', 'critical'],
      '3010': ['currency_mismatch', 'critical'],
      '3012': ['expired_there', 'warning'],
    });
    expect(report.items.find((item) => item.cip === '3002')?.message).toContain('paid_after_expiry');
    expect(report.items.find((item) => item.cip === '3004')?.message).toContain('status 99 "Raro"');
    // Doubtful payments are held for a person, never applied: action review, code in review.
    expect(
      report.items
        .filter((item) => item.action === 'review')
        .map((item) => item.cip)
        .sort(),
    ).toEqual(['3002', '3009']);
    expect(applied.map((notice) => notice.cip)).toEqual(['3009', '3002']);
    const after = await store.listCodes({ limit: 1000 });
    const held = new Set(['3002', '3009']);
    expect(after.codes.filter((code) => !held.has(code.cip ?? ''))).toEqual(
      before.codes.filter((code) => !held.has(code.cip ?? '')),
    );
    expect(after.codes.filter((code) => held.has(code.cip ?? '')).map((code) => code.status)).toEqual([
      'review',
      'review',
    ]);
    expect(report.period).toEqual({ from: since, to: NOW });
  });

  it('searches in batches and reports progress', async () => {
    const codes = Array.from({ length: 7 }, (_, i) => makeCode({ cip: String(4000 + i) }));
    await seed(store, codes);
    const progress: number[] = [];
    const client = searchOf(
      codes.map((code) => cipStatus(code.cip as string, 'pending')),
      searched,
    );
    const report = await reconcileWithApi({
      codes: casApplier(store, applied),
      client,
      store,
      batchSize: 3,
      now: () => NOW,
      onProgress: (p) => progress.push(p.checked),
    });
    expect(searched.map((batch) => batch.length)).toEqual([3, 3, 1]);
    expect(progress).toEqual([3, 6, 7]);
    expect(report.counts.matched).toBe(7);
  });

  it('applies a payment once when two workers reconcile at the same time', async () => {
    await seed(store, [makeCode({ cip: '5001' })]);
    const client = searchOf([cipStatus('5001', 'paid')], searched);
    const codes = casApplier(store, applied);
    const [a, b] = await Promise.all([
      reconcileWithApi({ codes, client, store, now: () => NOW }),
      reconcileWithApi({ codes, client, store, now: () => NOW }),
    ]);
    const outcomes = [a, b].map((report) => report.items[0]?.action).sort();
    expect(outcomes).toEqual(['already_applied', 'applied']);
    expect((await store.getCodeByCip('5001'))?.version).toBe(2);
  });

  it('rejects a bad batch size and passes API failures through', async () => {
    const client = searchOf([], searched);
    await expect(
      reconcileWithApi({ codes: casApplier(store, applied), client, store, batchSize: 101 }),
    ).rejects.toSatisfy((error) => isPagoEfectivoKitError(error, 'config_invalid'));
    await seed(store, [makeCode({ cip: '6001' })]);
    const failing = { searchCips: async (): Promise<CipStatus[]> => Promise.reject(new Error('boom')) };
    await expect(reconcileWithApi({ codes: casApplier(store, applied), client: failing, store })).rejects.toThrow(
      'boom',
    );
  });

  it("batches at the client's searchBatchSize by default and refuses a larger batchSize instead of splitting it", async () => {
    const many = Array.from({ length: 1203 }, (_, i) => makeCode({ cip: String(70000 + i) }));
    await seed(store, many);
    const search = searchOf([], searched);
    const client = { searchCips: search.searchCips, searchBatchSize: 40 };
    const report = await reconcileWithApi({ codes: casApplier(store, applied), client, store, now: () => NOW });
    // 1203 codes over three store pages of 500: full batches of 40 across page boundaries, then the rest.
    expect(searched.map((batch) => batch.length)).toEqual([...Array(30).fill(40), 3]);
    expect(new Set(searched.flat()).size).toBe(1203);
    expect(report.counts.unknown_there).toBe(1203);

    searched.length = 0;
    const error = await reconcileWithApi({ codes: casApplier(store, applied), client, store, batchSize: 41 }).catch(
      (caught: unknown) => caught,
    );
    expect(isPagoEfectivoKitError(error, 'config_invalid')).toBe(true);
    expect((error as Error).message).toContain("the client's searchBatchSize (40)");
    expect(searched).toEqual([]);
    for (const batchSize of [0, 2.5]) {
      await expect(reconcileWithApi({ codes: casApplier(store, applied), client, store, batchSize })).rejects.toSatisfy(
        (caught) => isPagoEfectivoKitError(caught, 'config_invalid'),
      );
    }
  });

  it("keeps only findings with items: 'findings' and gives every item to onItem", async () => {
    await seed(store, [makeCode({ cip: '8001' }), makeCode({ cip: '8002' })]);
    const client = searchOf([cipStatus('8001', 'pending'), cipStatus('8002', 'deleted')], searched);
    const seen: string[] = [];
    const report = await reconcileWithApi({
      codes: casApplier(store, applied),
      client,
      store,
      now: () => NOW,
      items: 'findings',
      onItem: async (entry) => {
        seen.push(`${entry.cip}:${entry.kind}`);
      },
    });
    expect(seen).toEqual(['8001:matched', '8002:deleted_there']);
    expect(report.items.map((entry) => entry.kind)).toEqual(['deleted_there']);
    expect(report.counts.matched).toBe(1);
  });
});
