/**
 * The quickstart flow through dLocal (issue → voucher → paid notification → event → reconciliation)
 * against the fake dLocal, on the memory store and on PostgreSQL, plus the failure paths.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/15
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createCashCodes } from '../../src/codes/index.js';
import type { CodeEvent } from '../../src/model/events.js';
import { createDlocalProvider } from '../../src/providers/dlocal/index.js';
import { reconcileWithApi } from '../../src/reconcile/index.js';
import { postgresStore } from '../../src/storage/adapters/postgres.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';
import { createFakeDlocal, type FakeDlocal } from '../../src/testing/index.js';
import { renderVoucher } from '../../src/voucher/index.js';
import { generateVoucherKeys } from '../../src/voucher/token.js';
import { dlocalService } from './_setup.js';

const url = process.env.PAGOEFECTIVO_KIT_TEST_POSTGRES_URL;
const pools: pg.Pool[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  for (const [index, pool] of pools.entries()) {
    const prefix = prefixes[index] as string;
    const tables = ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'].map((n) => prefix + n);
    await pool.query(`DROP TABLE IF EXISTS ${tables.join(', ')} CASCADE`).catch(() => undefined);
    await pool.end();
  }
});

const payer = { email: 'pedro@example.com', firstName: 'Pedro', lastName: 'Gomez', documentNumber: '27662162' };

function setup(fake: FakeDlocal, store: CashCodeStore, events: CodeEvent[] = []) {
  return dlocalService(fake, store, events);
}

async function quickstart(store: CashCodeStore): Promise<void> {
  const fake = createFakeDlocal({ start: new Date('2026-03-02T15:00:00Z') });
  const events: CodeEvent[] = [];
  const { provider, codes } = setup(fake, store, events);
  const { code, created } = await codes.issue({
    orderId: `ord-${Date.now()}`,
    amount: '150.50',
    currency: 'PEN',
    payer,
  });
  expect(created).toBe(true);
  const payment = fake.getPayment(code.cip as string);
  expect(code).toMatchObject({ status: 'pending', cip: payment?.ticketNumber, providerPaymentId: payment?.id });
  expect(code.cipUrl).toMatch(/^https:\/\/fake-dlocal\.invalid\/gmf\/payments\//);
  // dLocal's expiry (5 days in the fake) is stored, not the policy's 24 h.
  expect(code.expiresAt.toISOString()).toBe(payment?.expiresAt.toISOString());
  // The request carried the document, the code id as order_id and the amount as a JSON number.
  const sent = JSON.parse(fake.requests().find((r) => r.operation === 'createPayment')?.body ?? '{}');
  expect(sent).toMatchObject({
    amount: 150.5,
    order_id: code.id,
    payer: { document: '27662162', name: 'Pedro Gomez' },
  });

  const pdf = await renderVoucher(code, {
    merchant: { name: 'Tienda Ñandú' },
    signing: await generateVoucherKeys(),
    now: fake.now,
  } as Parameters<typeof renderVoucher>[1]);
  expect(String.fromCharCode(...pdf.subarray(0, 5))).toBe('%PDF-');

  const delivery = await fake.pay(code.cip as string);
  expect(delivery?.delivered).toBe(true);
  const paid = await codes.get(code.id);
  expect(paid).toMatchObject({
    status: 'paid',
    payment: { operationNumber: payment?.id, amountMinor: 15050, source: 'webhook' },
  });
  await codes.events.drain();
  expect(events.filter((event) => event.type === 'code.paid')).toHaveLength(1);

  const report = await reconcileWithApi({ codes, client: provider, store, now: fake.now });
  expect(report.findings).toBe(0);
  expect(report.items.find((item) => item.cip === code.cip)).toMatchObject({ kind: 'matched' });
}

describe('quickstart through dLocal', () => {
  it('on the memory store', async () => {
    await quickstart(memoryStore());
  });

  it.skipIf(!url)('on PostgreSQL (set PAGOEFECTIVO_KIT_TEST_POSTGRES_URL)', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined);
    const prefix = `pek_dl_${Date.now().toString(36)}_`;
    pools.push(pool);
    prefixes.push(prefix);
    const store = postgresStore(pool, { tablePrefix: prefix });
    await store.migrate();
    await quickstart(store);
    // The gateway's payment id survives the JSON round trip of the SQL adapter.
    const [code] = (await store.listCodes({ statuses: ['paid'], limit: 10 })).codes;
    expect(code?.providerPaymentId).toMatch(/^D-4-/);
  });
});

describe('dLocal failure paths', () => {
  it('a missing payer document is a ValidationError before any request or store write', async () => {
    const fake = createFakeDlocal();
    const store = memoryStore();
    const { codes } = setup(fake, store);
    const { documentNumber: _omitted, ...noDocument } = payer;
    await expect(
      codes.issue({ orderId: 'ord-nodoc', amount: '10.00', currency: 'PEN', payer: noDocument }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'payer.documentNumber' }],
    });
    await expect(
      codes.issue({
        orderId: 'ord-baddoc',
        amount: '10.00',
        currency: 'PEN',
        payer: { ...payer, documentNumber: '1234567890' },
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(fake.stats().total).toBe(0);
    expect(await store.getCodeByOrder('ord-nodoc')).toBeNull();
  });

  it('bad credentials: auth_failed, the code fails as rejected and the order may be issued again', async () => {
    const fake = createFakeDlocal();
    const store = memoryStore();
    const provider = createDlocalProvider({
      login: 'fake-login',
      transKey: 'fake-trans-key',
      secretKey: 'wrong',
      environment: 'sandbox',
      baseUrl: fake.baseUrl,
      fetch: fake.fetch,
    });
    const codes = createCashCodes({ provider, store });
    await expect(codes.issue({ orderId: 'ord-auth', amount: '10.00', currency: 'PEN', payer })).rejects.toMatchObject({
      code: 'auth_failed',
      status: 403,
      apiCode: '3001',
    });
    expect(await store.getCodeByOrder('ord-auth')).toMatchObject({ status: 'failed' });
    expect(fake.getPayment('28945684')).toBeUndefined();
  });

  it('a timeout while creating is code_creation_outcome_unknown', async () => {
    const fake = createFakeDlocal();
    const { codes } = setup(fake, memoryStore());
    fake.failNext({ operation: 'createPayment', kind: 'network' });
    await expect(codes.issue({ orderId: 'ord-net', amount: '10.00', currency: 'PEN', payer })).rejects.toMatchObject({
      code: 'code_creation_outcome_unknown',
    });
  });

  it('what dLocal cannot do is refused with provider_operation_unsupported, never done silently', async () => {
    const fake = createFakeDlocal();
    const { codes, provider } = setup(fake, memoryStore());
    await expect(
      codes.issue({ orderId: 'ord-exp', amount: '10.00', currency: 'PEN', payer, expiresInHours: 2 }),
    ).rejects.toMatchObject({ code: 'provider_operation_unsupported', details: { operation: 'merchantExpiry' } });
    expect(() => createCashCodes({ provider, store: memoryStore(), policy: { defaultHours: 2 } })).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
    await expect(provider.updateCipExpiry('28945684', new Date())).rejects.toMatchObject({
      code: 'provider_operation_unsupported',
    });
    await expect(codes.issue({ orderId: 'ord-usd', amount: '10.00', currency: 'USD', payer })).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'currency' }],
    });
  });

  it('cancel goes through POST /payments/{id}/cancel; a later payment of it needs a person', async () => {
    const fake = createFakeDlocal();
    const { codes } = setup(fake, memoryStore());
    const { code } = await codes.issue({ orderId: 'ord-cancel', amount: '10.00', currency: 'PEN', payer });
    const cancelled = await codes.cancel('ord-cancel');
    expect(cancelled.status).toBe('cancelled');
    expect(fake.getPayment(code.cip as string)?.status).toBe('CANCELLED');
    expect(fake.stats().cancelPayment).toBe(1);
  });

  it('a provider declaring deleteCip unsupported makes cancel refuse, code left pending', async () => {
    const fake = createFakeDlocal();
    const base = setup(fake, memoryStore()).provider;
    const provider = { ...base, supports: { ...base.supports, deleteCip: false } };
    const store = memoryStore();
    const codes = createCashCodes({ provider, store, now: fake.now });
    const { code } = await codes.issue({ orderId: 'ord-nocancel', amount: '10.00', currency: 'PEN', payer });
    await expect(codes.cancel('ord-nocancel')).rejects.toMatchObject({ code: 'provider_operation_unsupported' });
    expect((await codes.get(code.id))?.status).toBe('pending');
  });

  it('the sweeper expires a dLocal ticket only after the settlement grace, confirmed with GET /payments/{id}', async () => {
    const fake = createFakeDlocal({ start: new Date('2026-03-02T15:00:00Z') });
    const { codes } = setup(fake, memoryStore());
    const { code } = await codes.issue({ orderId: 'ord-sweep', amount: '10.00', currency: 'PEN', payer });
    await fake.advance(5 * 24 * 3600_000 + 1000); // the ticket ends CANCELLED at its expiry
    expect(fake.getPayment(code.cip as string)?.status).toBe('CANCELLED');
    let summary = await codes.sweepExpired({ drain: false });
    expect(summary.expired).toBe(0); // inside dLocal's 4-day grace: a payment may still be confirmed
    await fake.advance(4 * 24 * 3600_000);
    summary = await codes.sweepExpired({ drain: false });
    expect(summary.expired).toBe(1);
    expect((await codes.get(code.id))?.status).toBe('expired');
  });
});
