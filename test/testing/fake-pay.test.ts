import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hmacSha256Verify as verifyPortable } from '../../src/_crypto/hmac.js';
import { hmacSha256Verify as verifyNode } from '../../src/_crypto/hmac.node.js';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { amountToken } from '../../src/testing/fake/webhook.js';
import { createFakePagoEfectivo, type WebhookTarget } from '../../src/testing/index.js';

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const START = new Date('2024-03-05T15:15:30Z');

interface Received {
  body: string;
  signature: string | null;
  contentType: string | null;
}

/** A fake with one pending CIP (2401557, ORD-0001, PEN 150.50) and a recording webhook handler. */
async function withCip(answers: Array<number | 'throw'> = [200]) {
  const received: Received[] = [];
  const handler = async (request: Request): Promise<Response> => {
    received.push({
      body: await request.text(),
      signature: request.headers.get('pe-signature'),
      contentType: request.headers.get('content-type'),
    });
    const answer = answers[Math.min(received.length - 1, answers.length - 1)];
    if (answer === 'throw') throw new Error('merchant down');
    return new Response('ok', { status: answer });
  };
  const fake = createFakePagoEfectivo({ ...CREDS, start: START, webhook: { handler } });
  const client = createPagoEfectivoClient({ ...CREDS, fetch: fake.fetch, now: fake.now });
  const { cip } = await client.createCip({
    currency: 'PEN',
    amount: '150.50',
    transactionCode: 'ORD-0001',
    userEmail: 'a@b.pe',
  });
  return { fake, client, cip, received };
}

const refused = (error: unknown) => isPagoEfectivoKitError(error, 'fake_operation_refused');

describe('fake pay()', () => {
  it('delivers the exact documented cip.paid body, signed with PE-Signature', async () => {
    const { fake, cip, received } = await withCip();
    const report = await fake.pay(cip, { operationNumber: '987654', paidAt: new Date('2024-03-05T17:00:07Z') });
    const body =
      '{"eventType":"cip.paid","operationNumber":"987654","data":{"cip":"2401557","currency":"PEN","amount":150.5,' +
      '"transactionCode":"ORD-0001","paymentDate":"2024-03-05T12:00:07-05:00"}}';
    expect(report).toEqual({
      delivered: true,
      attempts: [{ status: 200 }],
      retryAt: null,
      body,
      signature: '6ef202b861c049a326c9f4b6ef63c55f9a906f30448408605ae67876489aa663',
      cip,
      operationNumber: '987654',
    });
    expect(received).toEqual([{ body, signature: report.signature, contentType: 'application/json' }]);
    expect(await verifyPortable([CREDS.secretKey], body, report.signature)).toBe(0);
    expect(await verifyNode([CREDS.secretKey], body, report.signature)).toBe(0);
    expect(fake.getCip(cip)).toMatchObject({ state: 'paid', datePayment: new Date('2024-03-05T17:00:07Z') });
  });

  it('retries a failed delivery exactly once, webhookRetryDelayMs (default 60 s) later on the fake clock', async () => {
    const flaky = await withCip([500, 200]);
    const first = await flaky.fake.pay(flaky.cip);
    const dueAt = new Date(flaky.fake.now().getTime() + 60_000);
    expect(first).toMatchObject({ delivered: false, attempts: [{ status: 500 }], retryAt: dueAt });
    expect(flaky.received).toHaveLength(1);
    // Nothing happens before the retry is due; advance() past it makes the retry and reports it.
    expect(await flaky.fake.advance(59_999)).toEqual([]);
    expect(await flaky.fake.advance(1)).toEqual([first]);
    expect(first).toMatchObject({ delivered: true, attempts: [{ status: 500 }, { status: 200 }], retryAt: null });
    expect(flaky.received[0]?.body).toBe(flaky.received[1]?.body);
    expect(await flaky.fake.advance(3_600_000)).toEqual([]);
    expect(flaky.received).toHaveLength(2);

    const down = await withCip(['throw']);
    const second = await down.fake.pay(down.cip);
    expect(second).toMatchObject({ delivered: false, attempts: [{ error: 'merchant down' }] });
    expect(await down.fake.deliverRetries()).toEqual([]); // not due yet
    await down.fake.advance(60_000);
    expect(second).toMatchObject({
      delivered: false,
      attempts: [{ error: 'merchant down' }, { error: 'merchant down' }],
      retryAt: null,
    });
    expect(down.received).toHaveLength(2);
    expect(await down.fake.advance(3_600_000)).toEqual([]); // exactly one retry
    expect(down.received).toHaveLength(2);
    expect(down.fake.getCip(down.cip)?.state).toBe('paid'); // PagoEfectivo's own state does not depend on delivery
  });

  it('retries at once with webhookRetryDelayMs: 0', async () => {
    const received: number[] = [];
    const fake = createFakePagoEfectivo({
      ...CREDS,
      start: START,
      webhookRetryDelayMs: 0,
      webhook: { handler: async () => new Response('', { status: received.push(1) === 1 ? 503 : 200 }) },
    });
    const client = createPagoEfectivoClient({ ...CREDS, fetch: fake.fetch, now: fake.now });
    const { cip } = await client.createCip({
      currency: 'PEN',
      amount: '9.90',
      transactionCode: 'Z',
      userEmail: 'a@b.pe',
    });
    expect(await fake.pay(cip)).toMatchObject({
      delivered: true,
      attempts: [{ status: 503 }, { status: 200 }],
      retryAt: null,
    });
  });

  it('marks a CIP paid without any notification with notify: false (a missed webhook)', async () => {
    const { fake, cip, received } = await withCip();
    const report = await fake.pay(cip, { notify: false });
    expect(report).toMatchObject({ delivered: false, attempts: [], retryAt: null });
    expect(received).toEqual([]);
    expect(fake.getCip(cip)).toMatchObject({ state: 'paid' });
    expect((await fake.advance(3_600_000)).length).toBe(0);
    // The notification can still be sent later, byte for byte.
    expect(await fake.redeliver(cip)).toMatchObject({ delivered: true, body: report.body });
  });

  it('simulates partial, over and wrong-currency payments on demand', async () => {
    const { fake, cip } = await withCip();
    const report = await fake.pay(cip, { amount: '100.00', currency: 'USD' });
    expect(JSON.parse(report.body).data).toMatchObject({ amount: 100, currency: 'USD' });
    expect(report.body).toContain('"amount":100,');
  });

  it('pays only pending CIPs, unless allowExpired pays an expired one late', async () => {
    const { fake, client, cip } = await withCip();
    await fake.pay(cip);
    await expect(fake.pay(cip)).rejects.toSatisfy(refused);
    const expired = (
      await client.createCip({ currency: 'PEN', amount: '9.90', transactionCode: 'B', userEmail: 'a@b.pe' })
    ).cip;
    fake.expire(expired);
    await expect(fake.pay(expired)).rejects.toSatisfy(refused);
    await expect(fake.pay(expired, { allowExpired: true })).resolves.toMatchObject({ delivered: true });
    const deleted = (
      await client.createCip({ currency: 'PEN', amount: '9.90', transactionCode: 'C', userEmail: 'a@b.pe' })
    ).cip;
    await client.deleteCip(deleted);
    await expect(fake.pay(deleted)).rejects.toSatisfy(refused);
    await expect(fake.pay('777')).rejects.toSatisfy(refused);
    expect(() => fake.expire(cip)).toThrow(/only pending CIPs can be expired/);
  });

  it('redelivers the same bytes, and reports delivered: false without a target', async () => {
    const { fake, cip, received } = await withCip();
    const first = await fake.pay(cip);
    const again = await fake.redeliver(cip);
    expect(again.body).toBe(first.body);
    expect(again.signature).toBe(first.signature);
    expect(received).toHaveLength(2);
    fake.setWebhookTarget(null);
    await expect(fake.redeliver(cip)).resolves.toMatchObject({ delivered: false, attempts: [] });
    expect(() => fake.setWebhookTarget({ url: 'not a url' } as WebhookTarget)).toThrow(/target/);
  });

  it('delivers to a URL target over real HTTP', async () => {
    const { fake, cip } = await withCip();
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        bodies.push(`${req.headers['pe-signature']} ${body}`);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    fake.setWebhookTarget({ url: `http://127.0.0.1:${address.port}/hook` });
    const report = await fake.pay(cip);
    await new Promise((resolve) => server.close(resolve));
    expect(report).toMatchObject({ delivered: true, attempts: [{ status: 204 }] });
    expect(bodies).toEqual([`${report.signature} ${report.body}`]);
  });
});

describe('amountToken', () => {
  it.each([
    ['150.50', '150.5'],
    ['25.00', '25'],
    ['0.10', '0.1'],
    ['100', '100'],
    ['1000.05', '1000.05'],
  ])('writes %s as the JSON number %s', (amount, token) => {
    expect(amountToken(amount)).toBe(token);
  });
});
