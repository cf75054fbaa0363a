/**
 * The demo flow shared by the webhook examples: a fake PagoEfectivo issues a code, its "buyer" pays it
 * and the fake POSTs the signed cip.paid notification to the example's server, as PagoEfectivo would;
 * then the same notification is redelivered and a forged one is sent. Each example only brings its own
 * server (`startServer`).
 */
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import { memoryStore } from '../src/storage/memory.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';
import { createWebhookHandler, type WebhookHandler } from '../src/webhooks/index.js';

/** A started example server: its base URL and how to stop it. */
export interface DemoServer {
  url: string;
  close: () => Promise<void>;
}

/** Run the demo against the server that `startServer` builds around the webhook handler. */
export async function runWebhookDemo(startServer: (handler: WebhookHandler) => Promise<DemoServer>): Promise<void> {
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
