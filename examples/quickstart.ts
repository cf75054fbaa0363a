/**
 * Quickstart, fully offline: a PagoEfectivo client talking to the in-process fake PagoEfectivo.
 *
 *   npx tsx examples/quickstart.ts
 *
 * Steps: authenticate, create a CIP for an order, look it up, have the "buyer" pay it (the fake
 * sends a signed cip.paid notification to a tiny webhook handler that checks PE-Signature), and
 * look it up again. Swap `fetch: fake.fetch` for real credentials and it talks to the sandbox.
 */
import { hmacSha256Verify } from '../src/_crypto/hmac.js';
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';
import { formatLimaTimestamp } from '../src/time/index.js';

// Example credentials (the fake accepts whatever you configure it with).
const credentials = {
  serviceId: 1234,
  accessKey: 'EXAMPLEACCESSKEY0001',
  secretKey: 'exampleSecretKey/abc+123=',
};

const step = (title: string): void => console.log(`\n== ${title}`);

// A minimal webhook receiver: verify the signature on the raw body, then read it.
// (The SDK's real receiver is createWebhookHandler from pagoefectivo-kit/webhooks.)
async function webhookHandler(request: Request): Promise<Response> {
  const raw = await request.text();
  const signature = request.headers.get('pe-signature') ?? '';
  if ((await hmacSha256Verify([credentials.secretKey], raw, signature)) === -1) {
    console.log('   webhook: signature mismatch, rejected');
    return new Response('bad signature', { status: 401 });
  }
  const event = JSON.parse(raw) as {
    eventType: string;
    operationNumber: string;
    data: { cip: string; amount: number };
  };
  console.log(`   webhook: verified ${event.eventType} for CIP ${event.data.cip}, operation ${event.operationNumber}`);
  return new Response('ok', { status: 200 });
}

async function main(): Promise<void> {
  const fake = createFakePagoEfectivo({ ...credentials, webhook: { handler: webhookHandler } });
  const client = createPagoEfectivoClient({ ...credentials, fetch: fake.fetch, now: fake.now });

  step('1. Authenticate');
  const session = await client.authenticate();
  console.log(`   service ${session.codeService}, token valid until ${formatLimaTimestamp(session.tokenExpires)}`);

  step('2. Create a CIP for order ORD-0001 (S/ 150.50, expires in 48 h)');
  const created = await client.createCip({
    currency: 'PEN',
    amount: '150.50',
    transactionCode: 'ORD-0001',
    userEmail: 'ana.quispe@example.pe',
    userName: 'Ana',
    userLastName: 'Quispe',
    paymentConcept: 'Pedido ORD-0001',
    dateExpiry: new Date(fake.now().getTime() + 48 * 3600_000),
  });
  console.log(
    `   CIP ${created.cip}: ${created.currency} ${created.amount}, expires ${formatLimaTimestamp(created.dateExpiry)}`,
  );
  console.log(`   voucher page: ${created.cipUrl}`);

  step('3. Look it up');
  const before = await client.getCip(created.cip);
  console.log(`   state ${before.state} (status ${before.statusCode} "${before.statusName}")`);

  step('4. The buyer pays at an agent; PagoEfectivo notifies the merchant');
  const delivery = await fake.pay(created.cip);
  console.log(`   notification delivered: ${delivery.delivered} after ${delivery.attempts.length} attempt(s)`);

  step('5. Look it up again');
  const after = await client.getCip(created.cip);
  console.log(`   state ${after.state}, paid at ${after.datePayment ? formatLimaTimestamp(after.datePayment) : '?'}`);

  if (after.state !== 'paid' || !delivery.delivered) throw new Error('quickstart did not end with a paid CIP');
  const stats = fake.stats();
  console.log(`\nDone: ${stats.authorize} authorization, ${stats.createCip} createCip, ${stats.searchCips} searches.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
