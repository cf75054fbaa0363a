/**
 * The Next.js App Router example: its `route.ts` is imported as Next would import it and its
 * exported `POST(request)` is called with web `Request`s — one delivered by the fake PagoEfectivo
 * (served on 127.0.0.1, the app's client talks to it over HTTP), a redelivery signed by
 * `signWebhook`, and a forged one.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFakePagoEfectivo, type FakePagoEfectivo, signWebhook } from '../../src/testing/index.js';

const CREDENTIALS = { serviceId: 4821, accessKey: 'next-example-access', secretKey: 'next-example-secret/abc=' };
const URL = 'https://shop.example/api/webhooks/pagoefectivo';

describe('examples/nextjs app/api/webhooks/pagoefectivo/route.ts', () => {
  let fake: FakePagoEfectivo;
  let route: typeof import('../../examples/nextjs/app/api/webhooks/pagoefectivo/route.js');
  let lib: typeof import('../../examples/nextjs/lib/pagoefectivo.js');

  beforeAll(async () => {
    fake = createFakePagoEfectivo(CREDENTIALS);
    vi.stubEnv('PE_SERVICE_ID', String(CREDENTIALS.serviceId));
    vi.stubEnv('PE_ACCESS_KEY', CREDENTIALS.accessKey);
    vi.stubEnv('PE_SECRET_KEY', CREDENTIALS.secretKey);
    vi.stubEnv('PE_BASE_URL', await fake.listen());
    route = await import('../../examples/nextjs/app/api/webhooks/pagoefectivo/route.js');
    lib = await import('../../examples/nextjs/lib/pagoefectivo.js');
    fake.setWebhookTarget({ handler: (request) => route.POST(request) });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await fake.close();
  });

  it('declares the Node.js runtime and a dynamic route', () => {
    expect(route.runtime).toBe('nodejs');
    expect(route.dynamic).toBe('force-dynamic');
  });

  it('applies the payment PagoEfectivo delivers, answers a redelivery as duplicate, refuses a forgery', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { code } = await lib.codes.issue({
      orderId: 'ORD-NEXT-1',
      amount: '150.50',
      currency: 'PEN',
      payer: { email: 'ana@example.pe' },
    });
    const payment = await fake.pay(code.cip as string);
    expect(payment.attempts).toEqual([{ status: 200 }]);
    expect((await lib.codes.get('ORD-NEXT-1'))?.status).toBe('paid');

    const { body, headers } = signWebhook(payment.body, CREDENTIALS.secretKey);
    const again = await route.POST(new Request(URL, { method: 'POST', headers, body }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });

    const forged = signWebhook(payment.body, 'not-the-secret');
    const refused = await route.POST(new Request(URL, { method: 'POST', headers: forged.headers, body }));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ status: 'error', code: 'signature_mismatch' });
  });
});
