/**
 * Receiving PagoEfectivo payment notifications in an Express app.
 *
 *   npx tsx examples/webhook-express.ts
 *
 * The webhook route is mounted BEFORE express.json(): the adapter reads the raw body itself, because
 * the signature covers the bytes exactly as sent. (Mounted after a JSON parser it answers 500 with a
 * message naming this fix; `express.raw({ type: 'application/json' })` on the route also works.)
 *
 * Run directly, it starts the server on 127.0.0.1 (ephemeral port), issues a code through the
 * in-process fake PagoEfectivo, has the fake "buyer" pay it — the fake POSTs the signed cip.paid
 * notification to this server, as PagoEfectivo would — then sends a forged one, and exits 0.
 * In production: your real client and store, and your public HTTPS URL registered with PagoEfectivo.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import { memoryStore } from '../src/storage/memory.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';
import { createWebhookHandler, type WebhookHandler } from '../src/webhooks/index.js';
import { toNodeListener } from '../src/webhooks/node.js';

/** An Express app with the webhook route, served on 127.0.0.1; resolves to its URL and a close function. */
export async function startServer(handler: WebhookHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  // Express's req.ip honours your 'trust proxy' setting; the adapter never reads X-Forwarded-For itself.
  const getIp = (req: IncomingMessage): string | undefined => (req as express.Request).ip;
  app.post('/webhooks/pagoefectivo', toNodeListener(handler, { getIp }));
  // The rest of your API can parse JSON as usual, after the webhook route.
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
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
