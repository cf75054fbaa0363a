/**
 * createWebhookHandler, run through both transports (web Request and the node:http adapter) with the
 * same cases: every answer a sender can get, dedupe, concurrency and failure recovery.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../../src/storage/memory.js';
import { createWebhookHandler, type WebhookHandlerOptions } from '../../src/webhooks/index.js';
import { createTestCodes, paidBody, SECRET, sign, type TestCodes } from './_helpers.js';
import { type TestRequest, TRANSPORTS } from './_transports.js';

function signed(body: string, extra: Partial<TestRequest> = {}): TestRequest {
  return { body, headers: { 'content-type': 'application/json', 'pe-signature': sign(body) }, ...extra };
}

describe.each(TRANSPORTS)('createWebhookHandler via $name', (transport) => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });

  async function setup(options: Partial<WebhookHandlerOptions> = {}, codes: TestCodes = createTestCodes()) {
    const onPaid = vi.fn();
    const onRejected = vi.fn();
    const onError = vi.fn();
    const handler = createWebhookHandler({ secretKey: SECRET, codes, onPaid, onRejected, onError, ...options });
    const { send, stop } = await transport.serve(handler);
    stops.push(stop);
    return { send, codes, onPaid, onRejected, onError };
  }

  it('applies a valid notification once and calls onPaid with the event', async () => {
    const { send, codes, onPaid, onError } = await setup({ store: memoryStore() });
    const response = await send(signed(paidBody()));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'processed' });
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(codes.transitions).toBe(1);
    expect(codes.status('2401557')).toBe('paid');
    expect(onPaid).toHaveBeenCalledTimes(1);
    expect(onPaid.mock.calls[0]?.[0]).toMatchObject({ type: 'cip.paid', cip: '2401557', amountMinor: 15050 });
    expect(onPaid.mock.calls[0]?.[1]).toMatchObject({ kind: 'paid' });
    expect(onError).not.toHaveBeenCalled();
  });

  it('answers a redelivery 200 duplicate from the dedupe record without re-applying it', async () => {
    const { send, codes, onPaid } = await setup({ store: memoryStore() });
    await send(signed(paidBody()));
    const again = await send(signed(paidBody()));
    expect(again).toMatchObject({ status: 200, json: { status: 'duplicate' } });
    expect(codes.calls).toBe(1);
    expect(onPaid).toHaveBeenCalledTimes(1);
  });

  it('without a store, a redelivery is still a duplicate (applyPayment is idempotent)', async () => {
    const { send, codes, onPaid } = await setup();
    await send(signed(paidBody()));
    expect(await send(signed(paidBody()))).toMatchObject({ status: 200, json: { status: 'duplicate' } });
    expect(codes.calls).toBe(2);
    expect(codes.transitions).toBe(1);
    expect(onPaid).toHaveBeenCalledTimes(1);
  });

  it('20 identical deliveries in parallel make one transition and one onPaid call', async () => {
    const { send, codes, onPaid } = await setup({ store: memoryStore() });
    const responses = await Promise.all(Array.from({ length: 20 }, () => send(signed(paidBody()))));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const statuses = responses.map((response) => response.json.status);
    expect(statuses.filter((status) => status === 'processed')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'duplicate')).toHaveLength(19);
    expect(codes.transitions).toBe(1);
    expect(onPaid).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a partial payment', { amount: '100.00' }, 'review', 'amount_mismatch'],
    ['an overpayment', { amount: '150.51' }, 'review', 'amount_mismatch'],
    ['a currency mismatch', { currency: 'USD' }, 'review', 'currency_mismatch'],
    ['an unknown CIP', { cip: '9999999' }, 'rejected', 'unknown_cip'],
    ['a payment after expiry', { paymentDate: '2031-01-01T10:00:00-05:00' }, 'review', 'paid_after_expiry'],
  ] as const)(
    'answers %s 200 %s, records it once across a redelivery, never pays',
    async (_name, fields, kind, reason) => {
      const { send, codes, onPaid, onRejected } = await setup({ store: memoryStore() });
      const first = await send(signed(paidBody(fields)));
      expect(first).toMatchObject({ status: 200, json: { status: kind, reason } });
      const retry = await send(signed(paidBody(fields)));
      expect(retry).toMatchObject({ status: 200, json: { status: kind, reason, duplicate: true } });
      expect(codes.calls).toBe(1);
      expect(codes.rejections).toHaveLength(1);
      expect(onRejected).toHaveBeenCalledTimes(1);
      expect(onRejected.mock.calls[0]?.[1]).toMatchObject({ kind, reason });
      expect(onPaid).not.toHaveBeenCalled();
      expect(codes.transitions).toBe(0);
      if (kind === 'review') expect(codes.status('2401557')).toBe('review');
    },
  );

  it('with refusedStatus: 422, answers a refused or held payment 422 as before, on the redelivery too', async () => {
    const { send, codes, onRejected } = await setup({ store: memoryStore(), refusedStatus: 422 });
    const body = paidBody({ amount: '100.00' });
    expect(await send(signed(body))).toMatchObject({
      status: 422,
      json: { status: 'review', reason: 'amount_mismatch' },
    });
    expect(await send(signed(body))).toMatchObject({
      status: 422,
      json: { status: 'review', reason: 'amount_mismatch', duplicate: true },
    });
    expect(await send(signed(paidBody({ cip: '9999999' })))).toMatchObject({
      status: 422,
      json: { status: 'rejected', reason: 'unknown_cip' },
    });
    expect(codes.rejections).toHaveLength(2);
    expect(onRejected).toHaveBeenCalledTimes(2);
  });

  it('handles out-of-order deliveries: a second operation on a paid CIP and a payment of a cancelled code', async () => {
    const codes = createTestCodes([
      { cip: '2401557', amountMinor: 15050 },
      { cip: '2401558', amountMinor: 15050, status: 'cancelled' },
    ]);
    const { send, onPaid, onRejected } = await setup({ store: memoryStore() }, codes);
    expect((await send(signed(paidBody({ operationNumber: '2' })))).json).toEqual({ status: 'processed' });
    expect(await send(signed(paidBody({ operationNumber: '1' })))).toMatchObject({
      status: 200,
      json: { status: 'rejected', reason: 'code_not_pending' },
    });
    expect(await send(signed(paidBody({ operationNumber: '2' })))).toMatchObject({
      status: 200,
      json: { status: 'duplicate' },
    });
    expect(await send(signed(paidBody({ cip: '2401558' })))).toMatchObject({
      status: 200,
      json: { status: 'review', reason: 'code_cancelled' },
    });
    expect(onPaid).toHaveBeenCalledTimes(1);
    expect(onRejected.mock.calls.map((call) => call[1].kind)).toEqual(['rejected', 'review']);
    expect(codes.transitions).toBe(1);
    expect(codes.status('2401558')).toBe('review');
  });

  it('answers 503 while the store fails, keeps no dedupe record, and processes the retry', async () => {
    const { send, codes, onPaid, onError } = await setup({ store: memoryStore() });
    codes.failNext();
    const failed = await send(signed(paidBody()));
    expect(failed).toMatchObject({ status: 503, json: { status: 'error', code: 'storage_error' } });
    expect(JSON.stringify(failed.json)).not.toMatch(/connection refused|db\.internal/);
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'storage_error' }),
      expect.objectContaining({ stage: 'apply', status: 503 }),
    );
    const retry = await send(signed(paidBody()));
    expect(retry).toMatchObject({ status: 200, json: { status: 'processed' } });
    expect(codes.transitions).toBe(1);
    expect(onPaid).toHaveBeenCalledTimes(1);
  });

  it('answers 500 without internals when applyPayment throws something unexpected', async () => {
    const codes = { applyPayment: vi.fn().mockRejectedValue(new Error('secret internals at db.internal')) };
    const { send, onError } = await setup({}, codes as unknown as TestCodes);
    const response = await send(signed(paidBody()));
    expect(response).toMatchObject({ status: 500, json: { status: 'error', code: 'internal_error' } });
    expect(JSON.stringify(response.json)).not.toContain('internals');
    expect(onError).toHaveBeenCalledTimes(1);
    codes.applyPayment.mockResolvedValue({ kind: 'bogus' });
    expect((await send(signed(paidBody()))).status).toBe(500);
  });

  it('refuses bad signatures with 401 and never calls applyPayment', async () => {
    const { send, codes, onError } = await setup();
    const body = paidBody();
    expect(await send({ body })).toMatchObject({ status: 401, json: { code: 'signature_missing' } });
    expect(await send({ body, headers: { 'pe-signature': 'xyz' } })).toMatchObject({
      status: 401,
      json: { code: 'signature_malformed' },
    });
    expect(await send({ body, headers: { 'pe-signature': sign(body, 'wrong') } })).toMatchObject({
      status: 401,
      json: { code: 'signature_mismatch' },
    });
    expect(await send(signed(paidBody({ amount: '150.50' }), { body: paidBody({ amount: '1.00' }) }))).toMatchObject({
      status: 401,
    });
    expect(codes.calls).toBe(0);
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'signature_mismatch' }),
      expect.objectContaining({ stage: 'verify', status: 401 }),
    );
  });

  it('refuses signed but malformed JSON or fields with 400', async () => {
    const { send, codes } = await setup();
    expect(await send(signed('{"eventType":"cip.paid",'))).toMatchObject({
      status: 400,
      json: { code: 'malformed_payload' },
    });
    expect(await send(signed(paidBody({ amount: '150.505' })))).toMatchObject({ status: 400 });
    expect(codes.calls).toBe(0);
  });

  it('acknowledges unknown event types with 200 ignored and reports them', async () => {
    const onUnknownEvent = vi.fn();
    const { send, codes } = await setup({ onUnknownEvent });
    const body = '{"eventType":"cip.expired","operationNumber":"1","data":{"cip":"2401557"}}';
    expect(await send(signed(body))).toMatchObject({ status: 200, json: { status: 'ignored' } });
    expect(onUnknownEvent).toHaveBeenCalledWith(expect.objectContaining({ type: 'unknown', eventType: 'cip.expired' }));
    expect(codes.calls).toBe(0);
  });

  it('refuses other methods with 405 and an Allow header', async () => {
    const { send } = await setup();
    for (const method of ['GET', 'PUT']) {
      const response = await send({ method, body: method === 'GET' ? undefined : 'x' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
  });

  it('refuses bodies over maxBodyBytes with 413, declared or streamed', async () => {
    const { send, codes } = await setup({ maxBodyBytes: 1024 });
    const big = paidBody({ transactionCode: 'x'.repeat(2000) });
    expect(await send(signed(big))).toMatchObject({ status: 413, json: { code: 'body_too_large' } });
    const chunks = [new TextEncoder().encode(big.slice(0, 600)), new TextEncoder().encode(big.slice(600))];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    expect(await send({ ...signed(big), body: stream })).toMatchObject({ status: 413 });
    expect(codes.calls).toBe(0);
    expect(await send(signed(paidBody()))).toMatchObject({ status: 200 });
  });

  it('enforces the IP allow-list (IPv4, IPv6 and CIDR), refusing a missing IP', async () => {
    const { send, codes } = await setup({ allowIps: ['203.0.113.0/24', '2001:db8::/32'] });
    expect(await send(signed(paidBody(), { ip: '198.51.100.7' }))).toMatchObject({
      status: 403,
      json: { code: 'ip_not_allowed' },
    });
    expect(await send(signed(paidBody(), { ip: 'none' }))).toMatchObject({ status: 403 });
    expect(codes.calls).toBe(0);
    expect(await send(signed(paidBody(), { ip: '2001:db8::5' }))).toMatchObject({ status: 200 });
    expect(await send(signed(paidBody(), { ip: '::ffff:203.0.113.9' }))).toMatchObject({
      status: 200,
      json: { status: 'duplicate' },
    });
  });

  it('keeps answering 200 when onPaid or the dedupe store fail after the effect is durable', async () => {
    const failingStore = {
      getValue: vi.fn().mockRejectedValue(new Error('down')),
      putValue: vi.fn().mockRejectedValue(new Error('down')),
    };
    const onPaid = vi.fn().mockRejectedValue(new Error('fulfilment queue down'));
    const { send, codes, onError } = await setup({ store: failingStore, onPaid });
    expect(await send(signed(paidBody()))).toMatchObject({ status: 200, json: { status: 'processed' } });
    expect(codes.transitions).toBe(1);
    const stages = onError.mock.calls.map((call) => (call[1] as { stage: string }).stage);
    expect(stages).toEqual(['dedupe', 'dedupe', 'callback']);
    expect(failingStore.putValue).toHaveBeenCalledTimes(1);
  });
});
