/**
 * The whole payment path with the real pieces: the fake PagoEfectivo issues a CIP through the real
 * client, the real codes service and memory store hold it, and the fake's `pay()` delivers the signed
 * notification (with PagoEfectivo's one retry) to the handler, in-process and over node:http.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { type CashCodes, createCashCodes } from '../../src/codes/index.js';
import { StorageError } from '../../src/errors.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/index.js';
import { toNodeListener } from '../../src/webhooks/node.js';

const SECRET = 'exampleSecretKey/abc+123=';
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface World {
  fake: FakePagoEfectivo;
  store: MemoryStore;
  codes: CashCodes;
  handler: WebhookHandler;
  onPaid: ReturnType<typeof vi.fn>;
  cip: string;
  codeId: string;
}

async function world(via: 'handler' | 'http', wrap?: (codes: CashCodes) => CashCodes): Promise<World> {
  const fake = createFakePagoEfectivo({
    serviceId: 1234,
    accessKey: 'EXAMPLEACCESSKEY0001',
    secretKey: SECRET,
    start: new Date('2026-03-02T15:00:00Z'),
  });
  const client = createPagoEfectivoClient({
    serviceId: 1234,
    accessKey: 'EXAMPLEACCESSKEY0001',
    secretKey: SECRET,
    fetch: fake.fetch,
    now: fake.now,
  });
  const store = memoryStore({ now: () => fake.now().getTime() });
  const real = createCashCodes({ client, store, now: fake.now });
  const codes = wrap ? wrap(real) : real;
  const onPaid = vi.fn();
  const handler = createWebhookHandler({ secretKey: SECRET, codes, store, onPaid });
  if (via === 'handler') fake.setWebhookTarget({ handler });
  else {
    const server = createServer(toNodeListener(handler));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.setWebhookTarget({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/pagoefectivo` });
  }
  const { code } = await real.issue({
    orderId: 'ORDER-1',
    amount: '150.50',
    currency: 'PEN',
    payer: { email: 'ana@example.pe' },
  });
  return { fake, store, codes: real, handler, onPaid, cip: code.cip as string, codeId: code.id };
}

describe.each(['handler', 'http'] as const)('webhook integration (fake delivers via %s)', (via) => {
  it('marks the code paid on the first delivery and answers a redelivery as a duplicate', async () => {
    const { fake, codes, onPaid, cip } = await world(via);
    const report = await fake.pay(cip);
    expect(report.attempts).toEqual([{ status: 200 }]);
    expect((await codes.get('ORDER-1'))?.status).toBe('paid');
    expect((await codes.get('ORDER-1'))?.payment).toMatchObject({ amountMinor: 15050, source: 'webhook' });
    expect((await fake.redeliver(cip)).attempts).toEqual([{ status: 200 }]);
    expect(onPaid).toHaveBeenCalledTimes(1);
  });

  it('holds a partial payment for review, answers 200 (no retry) and records it once', async () => {
    const { fake, codes, store, onPaid, cip, codeId } = await world(via);
    const report = await fake.pay(cip, { amount: '100.00' });
    expect(report).toMatchObject({ delivered: true, attempts: [{ status: 200 }], retryAt: null });
    expect(await codes.get('ORDER-1')).toMatchObject({ status: 'review', review: { reason: 'amount_mismatch' } });
    expect((await fake.redeliver(cip)).attempts).toEqual([{ status: 200 }]);
    const log = await store.readLog(codeId);
    const reviews = log.filter((entry) => entry.type === 'review');
    expect(reviews).toHaveLength(1);
    expect(reviews[0]?.reason).toBe('amount_mismatch');
    expect(log.filter((entry) => entry.type === 'paid')).toEqual([]);
    expect(onPaid).not.toHaveBeenCalled();
  });

  it('holds a payment after expiry for review, never paid', async () => {
    const { fake, codes, cip } = await world(via);
    await fake.advance(25 * 3_600_000);
    const report = await fake.pay(cip, { allowExpired: true });
    expect(report.attempts).toEqual([{ status: 200 }]);
    expect(await codes.get('ORDER-1')).toMatchObject({ status: 'review', review: { reason: 'paid_after_expiry' } });
  });

  it('answers 503 when the store fails and succeeds on PagoEfectivo’s retry, a minute later', async () => {
    let failures = 1;
    const { fake, codes, onPaid, cip } = await world(via, (real) => ({
      ...real,
      applyPayment: async (notice) => {
        if (failures-- > 0) throw new StorageError('Store operation "commitCode" failed: connection reset');
        return real.applyPayment(notice);
      },
    }));
    const report = await fake.pay(cip);
    expect(report).toMatchObject({ delivered: false, attempts: [{ status: 503 }] });
    expect(report.retryAt).toEqual(new Date(fake.now().getTime() + 60_000));
    expect((await codes.get('ORDER-1'))?.status).toBe('pending');
    // The one retry is made on the fake clock, when time passes its due moment.
    expect(await fake.advance(59_999)).toEqual([]);
    expect(await fake.advance(1)).toEqual([report]);
    expect(report).toMatchObject({ delivered: true, attempts: [{ status: 503 }, { status: 200 }], retryAt: null });
    expect((await codes.get('ORDER-1'))?.status).toBe('paid');
    expect(onPaid).toHaveBeenCalledTimes(1);
  });
});

describe('webhook integration under concurrency', () => {
  it('20 identical deliveries in parallel make one transition on the real codes service', async () => {
    const { fake, handler, codes, onPaid, cip, store, codeId } = await world('handler');
    fake.setWebhookTarget(null);
    const { body, signature } = await fake.pay(cip);
    const deliver = (): Promise<Response> =>
      handler(
        new Request('https://shop.example/hook', { method: 'POST', headers: { 'pe-signature': signature }, body }),
      );
    const responses = await Promise.all(Array.from({ length: 20 }, deliver));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect((await codes.get('ORDER-1'))?.status).toBe('paid');
    expect((await store.readLog(codeId)).filter((entry) => entry.type === 'paid')).toHaveLength(1);
    expect(onPaid).toHaveBeenCalledTimes(1);
  });
});
