/**
 * Receiving PagoEfectivo payment notifications in a Hono app (here on Node via @hono/node-server; the
 * same route works on Bun, Deno and workers, where the build uses WebCrypto instead of node:crypto).
 *
 *   npx tsx examples/webhook-hono.ts
 *
 * The handler is web-standard, so the route passes `c.req.raw` (the untouched Request) straight in.
 * Do not read the body before it (no `c.req.json()` earlier in the chain): the signature covers the
 * raw bytes. The client IP comes from the runtime (getConnInfo), never from X-Forwarded-For.
 *
 * Run directly, it starts the server on 127.0.0.1 (ephemeral port), issues a code through the
 * in-process fake PagoEfectivo, has the fake "buyer" pay it — the fake POSTs the signed cip.paid
 * notification to this server, as PagoEfectivo would — then sends a forged one, and exits 0.
 * In production: your real client and store, and your public HTTPS URL registered with PagoEfectivo.
 */
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import { memoryStore } from '../src/storage/memory.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';
import { createWebhookHandler, type WebhookHandler } from '../src/webhooks/index.js';

/** A Hono app with the webhook route, served on 127.0.0.1; resolves to its URL and a close function. */
export async function startServer(handler: WebhookHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Hono();
  app.post('/webhooks/pagoefectivo', (c) => handler(c.req.raw, { ip: getConnInfo(c).remote.address }));
  app.get('/health', (c) => c.json({ ok: true }));
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  const close = (): Promise<void> => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  return { url: `http://127.0.0.1:${port}`, close };
}

async function main(): Promise<void> {
  const credentials = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
  const fake = createFakePagoEfectivo(credentials);
  const client = createPagoEfectivoClient({ ...credentials, fetch: fake.fetch, now: fake.now });
  const store = memoryStore();
  const codes = createCashCodes({ client, store, now: fake.now });

  const handler = createWebhookHandler({
    secretKey: credentials.secretKey,
    codes,
    store,
    onPaid: (event, outcome) =>
      console.log(`paid: order ${outcome.code.orderId}, CIP ${event.cip}, ${event.amount} ${event.currency}`),
    onRejected: (event, outcome) => console.log(`rejected: CIP ${event.cip} (${outcome.reason})`),
    logger: { warn: (message, data) => console.log(`warn: ${message}`, data) },
  });
  const server = await startServer(handler);
  fake.setWebhookTarget({ url: `${server.url}/webhooks/pagoefectivo` });
  console.log(`listening on ${server.url}`);

  const { code } = await codes.issue({
    orderId: 'ORD-0001',
    amount: '150.50',
    currency: 'PEN',
    payer: { email: 'ana@example.pe' },
  });
  console.log(`issued CIP ${code.cip} for ${code.amount} ${code.currency}`);
  const payment = await fake.pay(code.cip as string);
  console.log('PagoEfectivo delivery:', payment.attempts);
  const redelivery = await fake.redeliver(code.cip as string);
  console.log('redelivery:', redelivery.attempts);
  const forged = await fetch(`${server.url}/webhooks/pagoefectivo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'pe-signature': '0'.repeat(64) },
    body: payment.body,
  });
  console.log(`forged notification: HTTP ${forged.status}`, await forged.json());

  const status = (await codes.get('ORD-0001'))?.status;
  console.log(`order ORD-0001 is ${status}`);
  await server.close();
  if (status !== 'paid' || !payment.delivered || forged.status !== 401) {
    throw new Error('the webhook example did not behave as expected');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
