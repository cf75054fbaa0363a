/**
 * dLocal's request signature, pinned by the vectors of the protocol notes (§2), each recomputed here
 * independently with node:crypto, and the exact bytes the provider signs and sends.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/15
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDlocalProvider, dlocalSignature, verifyDlocalNotification } from '../../src/providers/dlocal/index.js';

const nodeSignature = (secret: string, message: string): string =>
  createHmac('sha256', secret).update(message).digest('hex');

const VECTOR_B_BODY =
  '{"amount":100,"currency":"PEN","country":"PE","payment_method_id":"EF","payment_method_flow":"DIRECT","payer":{"name":"Pedro Gomez","email":"pedro@example.com","document":"27662162"},"order_id":"ord-1","notification_url":"https://merchant.example/n"}';

describe('dLocal signature vectors', () => {
  it('vector A (GET, empty body) matches node:crypto and the published value', async () => {
    const expected = nodeSignature('secretKey123', '1955gdod2022-11-24T15:42:57.130Z');
    expect(expected).toBe('98211fe059efc3606b831a1c30a3c6d7448e598b515a15456ae9ebc157314aa2');
    const ours = await dlocalSignature({
      login: '1955gdod',
      xDate: '2022-11-24T15:42:57.130Z',
      body: '',
      secretKey: 'secretKey123',
    });
    expect(ours).toBe(expected);
  });

  it('vector B (POST body of 250 bytes) matches node:crypto and the notes', async () => {
    expect(new TextEncoder().encode(VECTOR_B_BODY).length).toBe(250);
    const expected = nodeSignature('secret456', `login1232026-01-15T10:00:00.000Z${VECTOR_B_BODY}`);
    expect(expected).toBe('83112a1df3f5dce02840abae15b48c24e358d850e82d7f43930c239d177f2fe9');
    const ours = await dlocalSignature({
      login: 'login123',
      xDate: '2026-01-15T10:00:00.000Z',
      body: new TextEncoder().encode(VECTOR_B_BODY),
      secretKey: 'secret456',
    });
    expect(ours).toBe(expected);
  });

  it('the provider sends exactly vector B: body bytes, X-Date and Authorization', async () => {
    const seen: { url: string; headers: Headers; body: string }[] = [];
    const provider = createDlocalProvider({
      login: 'login123',
      transKey: 'trans789',
      secretKey: 'secret456',
      environment: 'sandbox',
      now: () => new Date('2026-01-15T10:00:00.000Z'),
      notificationUrl: 'https://merchant.example/n',
      fetch: async (url, init) => {
        seen.push({ url, headers: new Headers(init.headers), body: String(init.body) });
        return Response.json({ code: 5000, message: 'Invalid request' }, { status: 400 });
      },
    });
    await expect(
      provider.createCip({
        currency: 'PEN',
        amount: '100.00',
        transactionCode: 'ord-1',
        userEmail: 'pedro@example.com',
        userName: 'Pedro',
        userLastName: 'Gomez',
        userDocumentNumber: '27662162',
      }),
    ).rejects.toMatchObject({ code: 'api_error', apiCode: '5000', status: 400 });
    const [request] = seen;
    expect(request?.url).toBe('https://sandbox.dlocal.com/payments');
    expect(request?.body).toBe(VECTOR_B_BODY);
    expect(request?.headers.get('x-date')).toBe('2026-01-15T10:00:00.000Z');
    expect(request?.headers.get('x-login')).toBe('login123');
    expect(request?.headers.get('x-trans-key')).toBe('trans789');
    expect(request?.headers.get('x-version')).toBe('2.1');
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.get('authorization')).toBe(
      'V2-HMAC-SHA256, Signature: 83112a1df3f5dce02840abae15b48c24e358d850e82d7f43930c239d177f2fe9',
    );
    expect(request?.headers.get('x-idempotency-key')).toBe('create-ord-1');
  });

  it('a GET signs X-Login + X-Date only (vector A through the provider)', async () => {
    let authorization: string | null = null;
    const provider = createDlocalProvider({
      login: '1955gdod',
      transKey: 't',
      secretKey: 'secretKey123',
      environment: 'production',
      now: () => new Date('2022-11-24T15:42:57.130Z'),
      fetch: async (url, init) => {
        expect(url).toBe('https://api.dlocal.com/payments/D-4-x');
        expect(init.body).toBeUndefined();
        authorization = new Headers(init.headers).get('authorization');
        return Response.json({ code: 4000, message: 'Payment not found' }, { status: 404 });
      },
    });
    expect(await provider.getPayment('D-4-x')).toBeNull();
    expect(authorization).toBe(
      'V2-HMAC-SHA256, Signature: 98211fe059efc3606b831a1c30a3c6d7448e598b515a15456ae9ebc157314aa2',
    );
  });

  it('a notification verifies with vector B inputs, in both header spellings, and fails on one flipped byte', async () => {
    const body = `{"id":"D-4-1","amount":100,"currency":"PEN","status":"PAID","status_code":"200","order_id":"ord-1"}`;
    const xDate = '2026-01-15T10:00:00.000Z';
    const signature = nodeSignature('secret456', `login123${xDate}${body}`);
    const payment = await verifyDlocalNotification({
      body,
      headers: { 'X-Date': xDate, authorization: `V2-HMAC-SHA256, Signature: ${signature}` },
      login: 'login123',
      secretKey: 'secret456',
    });
    expect(payment).toMatchObject({ id: 'D-4-1', amount: '100.00', amountMinor: 10000, status: 'PAID' });
    await expect(
      verifyDlocalNotification({
        body,
        headers: { 'x-date': xDate, signature },
        login: 'login123',
        secretKey: 'secret456',
      }),
    ).resolves.toMatchObject({ id: 'D-4-1' });
    await expect(
      verifyDlocalNotification({
        body: body.replace('100', '101'),
        headers: { 'x-date': xDate, authorization: `V2-HMAC-SHA256, Signature: ${signature}` },
        login: 'login123',
        secretKey: 'secret456',
      }),
    ).rejects.toMatchObject({ code: 'signature_mismatch' });
  });
});
