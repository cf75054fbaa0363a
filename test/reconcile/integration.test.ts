import { beforeEach, describe, expect, it } from 'vitest';
import { createPagoEfectivoClient, type PagoEfectivoClient } from '../../src/client/index.js';
import { type CashCodes, createCashCodes } from '../../src/codes/index.js';
import { reconcileWithApi } from '../../src/reconcile/index.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';

const CREDENTIALS = { serviceId: '1234', accessKey: 'access-key', secretKey: 'secret-key-of-the-fake' };
const START = new Date('2024-03-05T15:00:00Z');

describe('reconcileWithApi with the codes service and the fake PagoEfectivo', () => {
  let fake: FakePagoEfectivo;
  let client: PagoEfectivoClient;
  let store: MemoryStore;
  let codes: CashCodes;
  let now: Date;

  beforeEach(() => {
    now = START;
    fake = createFakePagoEfectivo({ ...CREDENTIALS, start: START });
    client = createPagoEfectivoClient({
      ...CREDENTIALS,
      baseUrl: fake.baseUrl,
      fetch: fake.fetch,
      now: () => fake.now(),
    });
    store = memoryStore({ now: () => fake.now().getTime() });
    codes = createCashCodes({ client, store, now: () => fake.now() });
  });

  async function issue(orderId: string, amount = '150.50'): Promise<string> {
    const { code } = await codes.issue({ orderId, amount, currency: 'PEN', payer: { email: 'buyer@example.com' } });
    return code.cip as string;
  }

  it('recovers a payment whose notification never arrived, and logs it as the reconciler', async () => {
    const missed = await issue('ORD-1');
    const quiet = await issue('ORD-2');
    await fake.pay(missed); // no webhook target: the notification is lost
    const report = await reconcileWithApi({ codes, client, store, now: () => fake.now() });
    const found = Object.fromEntries(report.items.map((item) => [item.cip, [item.kind, item.action]]));
    expect(found).toEqual({ [missed]: ['payment_recovered', 'applied'], [quiet]: ['matched', 'none'] });
    const code = await store.getCodeByCip(missed);
    expect(code?.status).toBe('paid');
    expect(code?.payment).toMatchObject({ source: 'reconcile', amountMinor: 15050, currency: 'PEN' });
    const history = await codes.history(code?.id as string);
    expect(history.at(-1)).toMatchObject({ type: 'paid', actor: 'reconciler', from: 'pending', to: 'paid' });
    const again = await reconcileWithApi({ codes, client, store, now: () => fake.now() });
    expect(again.findings).toBe(0);
    expect(again.items.find((item) => item.cip === missed)?.kind).toBe('matched');
  });

  it('flags a late payment of a code that expired here for review and reports a CIP deleted behind our back', async () => {
    const late = await issue('ORD-3');
    const deleted = await issue('ORD-4');
    const lateCode = (await store.getCodeByCip(late))!;
    await client.deleteCip(deleted);
    await fake.advance(25 * 3_600_000);
    await store.updateCode(
      { ...lateCode, status: 'expired', version: lateCode.version + 1, updatedAt: fake.now() },
      lateCode.version,
    );
    await fake.pay(late, { allowExpired: true }); // paid after its expiry, no webhook target
    const report = await reconcileWithApi({ codes, client, store, now: () => fake.now() });
    const byCip = Object.fromEntries(report.items.map((item) => [item.cip, item]));
    expect(byCip[late]).toMatchObject({ kind: 'payment_flagged', action: 'review', severity: 'critical' });
    expect(byCip[late]?.message).toContain('paid_after_expiry');
    expect(byCip[deleted]).toMatchObject({ kind: 'deleted_there', severity: 'warning' });
    // Held for a person: never turned into paid by reconciliation.
    expect(await store.getCodeByCip(late)).toMatchObject({ status: 'review', review: { reason: 'paid_after_expiry' } });
    const log = await codes.history(lateCode.id);
    expect(log.at(-1)).toMatchObject({
      type: 'review',
      reason: 'paid_after_expiry',
      actor: 'reconciler',
      to: 'review',
    });
    expect(log.filter((entry) => entry.type === 'paid')).toEqual([]);
  });

  it("applies a payment made in time to a code that expired here and is still its order's code", async () => {
    const cip = await issue('ORD-8');
    const code = (await store.getCodeByCip(cip))!;
    await store.updateCode({ ...code, status: 'expired', version: code.version + 1, updatedAt: now }, code.version);
    await fake.pay(cip);
    const report = await reconcileWithApi({ codes, client, store, now: () => fake.now() });
    expect(report.items.find((item) => item.cip === cip)).toMatchObject({
      kind: 'payment_recovered',
      action: 'applied',
    });
    expect(await store.getCodeByCip(cip)).toMatchObject({ status: 'paid', payment: { source: 'reconcile' } });
    expect((await codes.history(code.id)).at(-1)).toMatchObject({ type: 'paid', from: 'expired', to: 'paid' });
  });

  it('applies a recovered payment exactly once when several workers reconcile at the same time', async () => {
    const cips = [await issue('ORD-5'), await issue('ORD-6'), await issue('ORD-7')];
    for (const cip of cips) await fake.pay(cip);
    const reports = await Promise.all(
      [1, 2, 3].map(() => reconcileWithApi({ codes, client, store, batchSize: 2, now: () => fake.now() })),
    );
    for (const cip of cips) {
      const actions = reports.map((report) => report.items.find((item) => item.cip === cip)?.action).sort();
      expect(actions.filter((action) => action === 'applied')).toHaveLength(1);
      const code = await store.getCodeByCip(cip);
      expect(code?.status).toBe('paid');
      const paidEntries = (await codes.history(code?.id as string)).filter((entry) => entry.type === 'paid');
      expect(paidEntries).toHaveLength(1);
    }
  });

  it("refuses a batchSize above the client's searchBatchSize (50 by default) instead of splitting it", async () => {
    await issue('ORD-B');
    expect(client.searchBatchSize).toBe(50);
    await expect(reconcileWithApi({ codes, client, store, batchSize: 51 })).rejects.toMatchObject({
      code: 'config_invalid',
      details: { option: 'batchSize', max: 50 },
    });
  });
});
