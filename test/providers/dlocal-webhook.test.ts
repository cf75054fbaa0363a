/**
 * dLocal notifications through `createDlocalWebhookHandler`: authentic, tampered, replayed, unknown,
 * the UNKNOWNs of the protocol notes (both expiry statuses, PENDING notices, no ticket, other date and
 * status-code spellings, undocumented statuses) and dLocal's retries over days. Also through `toNodeListener`.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/15
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createCashCodes } from '../../src/codes/index.js';
import type { CodeEvent } from '../../src/model/events.js';
import {
  createDlocalProvider,
  parseDlocalPayment,
  verifyDlocalNotification,
} from '../../src/providers/dlocal/index.js';
import { memoryStore } from '../../src/storage/memory.js';
import { createFakeDlocal, type FakeDlocalOptions } from '../../src/testing/index.js';
import { toNodeListener } from '../../src/webhooks/node.js';
import { dlocalService } from './_setup.js';

const payer = { email: 'ana@example.com', firstName: 'Ana', documentNumber: '20123456789' };

function setup(fakeOptions: FakeDlocalOptions = {}) {
  const fake = createFakeDlocal({ start: new Date('2026-03-02T15:00:00Z'), ...fakeOptions });
  const { login, secretKey } = fake.credentials;
  const store = memoryStore();
  const events: CodeEvent[] = [];
  const { codes, handler } = dlocalService(fake, store, events);
  const sign = (body: string, xDate = fake.now().toISOString()) => ({
    'X-Date': xDate,
    'X-Login': login,
    Authorization: `V2-HMAC-SHA256, Signature: ${createHmac('sha256', secretKey).update(`${login}${xDate}${body}`).digest('hex')}`,
  });
  const post = (body: string, headers: Record<string, string>) =>
    handler(new Request('https://shop.example/dlocal', { method: 'POST', body, headers }));
  return { fake, store, events, codes, handler, sign, post };
}

describe('createDlocalWebhookHandler', () => {
  it('a tampered notification is 401 signature_mismatch and changes nothing', async () => {
    const { fake, codes, post, sign } = setup();
    const { code } = await codes.issue({ orderId: 'o-1', amount: '50.00', currency: 'PEN', payer });
    const delivery = await fake.pay(code.cip as string, { notify: false });
    expect(delivery).toBeNull();
    const body = JSON.stringify({
      id: code.providerPaymentId,
      amount: 50,
      currency: 'PEN',
      status: 'PAID',
      order_id: code.id,
    });
    const signed = sign(body);
    const tampered = body.replace('"amount":50', '"amount":5');
    const answer = await post(tampered, { ...signed });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ status: 'error', code: 'signature_mismatch' });
    const missing = await post(body, { 'X-Date': fake.now().toISOString() });
    expect((await missing.json()).code).toBe('signature_missing');
    const malformed = await post(body, {
      'X-Date': fake.now().toISOString(),
      Authorization: 'V2-HMAC-SHA256, Signature: zz',
    });
    expect((await malformed.json()).code).toBe('signature_malformed');
    expect((await codes.get(code.id))?.status).toBe('pending');
  });

  it('a replayed PAID notification is a duplicate: one code.paid, the same answer for dLocal', async () => {
    const { fake, codes, events } = setup();
    const { code } = await codes.issue({ orderId: 'o-2', amount: '50.00', currency: 'PEN', payer });
    const first = await fake.pay(code.cip as string);
    expect(first?.attempts).toMatchObject([{ status: 200 }]);
    const again = await fake.redeliver(code.cip as string);
    expect(again.attempts).toMatchObject([{ status: 200 }]);
    // Days later, the same bytes: still a normal redelivery (the X-Date window is UNKNOWN, never judged).
    await fake.advance(3 * 24 * 3600_000);
    const late = await fake.redeliver(code.cip as string);
    expect(late.delivered).toBe(true);
    await codes.events.drain();
    expect(events.filter((event) => event.type === 'code.paid')).toHaveLength(1);
    expect((await codes.history(code.id)).filter((entry) => entry.type === 'paid')).toHaveLength(1);
  });

  it('a notification of an unknown payment is recorded and answered rejected unknown_cip', async () => {
    const { codes, events, sign, post } = setup();
    // With a ticket: the same path as a PagoEfectivo cip.paid for an unknown CIP.
    const withTicket = JSON.stringify({
      id: 'D-4-unknown',
      amount: 10,
      currency: 'PEN',
      status: 'PAID',
      order_id: 'not-ours',
      ticket: { number: '77777777' },
    });
    const a = await post(withTicket, sign(withTicket));
    expect(a.status).toBe(200);
    expect(await a.json()).toEqual({ status: 'rejected', reason: 'unknown_cip' });
    // Without a ticket (a notification body need not carry it): kept whole for a person.
    const bare = JSON.stringify({
      id: 'D-4-bare',
      amount: 10,
      currency: 'PEN',
      status: 'PAID',
      order_id: 'not-ours-either',
    });
    const b = await post(bare, sign(bare));
    expect(await b.json()).toEqual({ status: 'rejected', reason: 'unknown_cip' });
    await codes.events.drain();
    expect(events.map((event) => event.type).sort()).toEqual(['notification.unknown', 'payment.rejected']);
  });

  it('a PAID notification without ticket finds the code by order_id; amount mismatch goes to review', async () => {
    const { fake, codes, sign, post } = setup();
    const { code } = await codes.issue({ orderId: 'o-3', amount: '50.00', currency: 'PEN', payer });
    await fake.pay(code.cip as string, { notify: false, amount: '40.00' });
    const body = JSON.stringify({
      id: code.providerPaymentId,
      amount: 40,
      currency: 'PEN',
      status: 'PAID',
      status_code: 200,
      order_id: code.id,
      created_date: '2026-03-02T15:00:00.000-00:00',
    });
    const answer = await post(body, sign(body));
    expect(await answer.json()).toEqual({ status: 'review', reason: 'amount_mismatch' });
    expect((await codes.get(code.id))?.status).toBe('review');
  });

  it.each(['CANCELLED', 'EXPIRED'] as const)(
    'an unpaid ticket ending %s is recorded, never un-pays a paid code',
    async (expiredStatus) => {
      const { fake, codes, events, sign, post } = setup({ expiredStatus });
      const { code } = await codes.issue({ orderId: `o-${expiredStatus}`, amount: '50.00', currency: 'PEN', payer });
      const delivery = await fake.expire(code.cip as string);
      expect(delivery).toMatchObject({ status: expiredStatus, delivered: true });
      await codes.events.drain();
      expect(events.filter((event) => event.type === 'notification.unknown')).toHaveLength(1);
      expect((await codes.get(code.id))?.status).toBe('pending'); // the sweeper decides, after the grace
      // A stale CANCELLED arriving after a payment leaves the paid code paid.
      const { code: other } = await codes.issue({
        orderId: `o-${expiredStatus}-2`,
        amount: '50.00',
        currency: 'PEN',
        payer,
      });
      await fake.pay(other.cip as string);
      const stale = JSON.stringify({
        id: other.providerPaymentId,
        amount: 50,
        currency: 'PEN',
        status: expiredStatus,
        order_id: other.id,
      });
      expect(await (await post(stale, sign(stale))).json()).toEqual({ status: 'ignored' });
      expect((await codes.get(other.id))?.status).toBe('paid');
    },
  );

  it('PENDING (UNKNOWN whether sent) is answered ignored and records nothing; REJECTED and REFUNDED are recorded', async () => {
    const { fake, codes, events, sign, post } = setup({ notifyPending: true });
    const { code } = await codes.issue({ orderId: 'o-p', amount: '50.00', currency: 'PEN', payer });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.deliveries().map((d) => d.status)).toEqual(['PENDING']);
    expect(fake.deliveries()[0]?.attempts).toMatchObject([{ status: 200 }]);
    await fake.reject(code.cip as string);
    const refunded = JSON.stringify({
      id: code.providerPaymentId,
      amount: 50,
      currency: 'PEN',
      status: 'REFUNDED',
      order_id: code.id,
    });
    expect(await (await post(refunded, sign(refunded))).json()).toEqual({ status: 'ignored' });
    await codes.events.drain();
    expect(events.filter((event) => event.type === 'notification.unknown').map((e) => e.data.eventType)).toEqual([
      'dlocal.payment.rejected',
      'dlocal.payment.refunded',
    ]);
  });

  it('a failed delivery is retried by dLocal hours later and then applied (retries are normal redeliveries)', async () => {
    const { fake, codes, handler } = setup();
    const { code } = await codes.issue({ orderId: 'o-r', amount: '50.00', currency: 'PEN', payer });
    let down = true;
    fake.setWebhookTarget({
      handler: (request) => (down ? Promise.resolve(new Response('down', { status: 503 })) : handler(request)),
    });
    const first = await fake.pay(code.cip as string);
    expect(first).toMatchObject({ delivered: false, attempts: [{ status: 503 }] });
    down = false;
    const retried = await fake.advance(3600_000);
    expect(retried[0]).toMatchObject({ delivered: true, attempts: [{ status: 503 }, { status: 200 }] });
    expect((await codes.get(code.id))?.status).toBe('paid');
  });

  it('works behind toNodeListener on 127.0.0.1, with the fake delivering over HTTP', async () => {
    const { fake, codes, handler } = setup();
    const server = createServer(toNodeListener(handler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      fake.setWebhookTarget({ url: `http://127.0.0.1:${port}/dlocal` });
      const { code } = await codes.issue({ orderId: 'o-n', amount: '50.00', currency: 'PEN', payer });
      const delivery = await fake.pay(code.cip as string);
      expect(delivery?.attempts).toMatchObject([{ status: 200 }]);
      expect((await codes.get(code.id))?.status).toBe('paid');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the provider talks to the fake over 127.0.0.1 too', async () => {
    const fake = createFakeDlocal();
    const baseUrl = await fake.listen();
    try {
      const { login, transKey, secretKey } = fake.credentials;
      const provider = createDlocalProvider({ login, transKey, secretKey, environment: 'sandbox', baseUrl });
      const codes = createCashCodes({ provider, store: memoryStore() });
      const { code } = await codes.issue({ orderId: 'o-http', amount: '12.30', currency: 'PEN', payer });
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(fake.getPayment(code.cip as string)).toMatchObject({ amount: '12.30', orderId: code.id });
    } finally {
      await fake.close();
    }
  });
});

describe('dLocal payment objects (tolerant reading)', () => {
  it('reads dates with +0000, -00:00 and Z, status codes as strings or numbers, amounts from their digits', () => {
    const payment = parseDlocalPayment(
      '{"id":"D-4-a","amount":100.1,"currency":"PEN","status":"paid","status_code":200,"created_date":"2020-02-18T21:30:35.000+0000","ticket":{"number":"28945684","expiration_date":"2020-02-24T04:59:00.000-00:00"}}',
    );
    expect(payment).toMatchObject({ amount: '100.10', amountMinor: 10010, status: 'PAID', statusCode: '200' });
    expect(payment.createdDate?.toISOString()).toBe('2020-02-18T21:30:35.000Z');
    expect(payment.ticket?.expirationDate?.toISOString()).toBe('2020-02-24T04:59:00.000Z');
    expect(() => parseDlocalPayment('{"id":"x","amount":1.234,"currency":"PEN","status":"PAID"}')).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });

  it('an authentic body that is not a payment object is malformed_payload', async () => {
    const body = '{"hello":"world"}';
    const xDate = '2026-01-01T00:00:00.000Z';
    const signature = createHmac('sha256', 's').update(`l${xDate}${body}`).digest('hex');
    await expect(
      verifyDlocalNotification({
        body,
        headers: { 'x-date': xDate, authorization: `V2-HMAC-SHA256, Signature: ${signature}` },
        login: 'l',
        secretKey: 's',
      }),
    ).rejects.toMatchObject({ code: 'malformed_payload' });
    await expect(
      verifyDlocalNotification({ body: JSON.parse(body), headers: {}, login: 'l', secretKey: 's' }),
    ).rejects.toMatchObject({ code: 'body_not_raw' });
    await expect(verifyDlocalNotification({ body, headers: {}, login: 'l', secretKey: '' })).rejects.toMatchObject({
      code: 'secret_missing',
    });
  });
});
