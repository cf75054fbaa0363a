/**
 * The whole cash-payment flow, offline: `npm run quickstart`.
 *
 * A fake PagoEfectivo (same paths, envelopes and signatures as the real API) and the memory store stand
 * in for production. The script issues a payment code for an order, writes its voucher PDF, receives
 * the buyer's payment as a signed webhook over real HTTP on 127.0.0.1, ships the order from the one
 * fulfilment hook (`onEvent`, at least once per event, deduplicated by event id), and reconciles with the API.
 * In production you swap three things: the client's credentials (no `fetch`), a real store
 * (`pagoefectivo-kit/storage/postgres` …) and your public HTTPS webhook URL registered with PagoEfectivo.
 *
 * Usage: npx tsx examples/quickstart.ts [output-dir]   (default: ./out)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/index.js';
import { reconcileWithApi, summarizeReport } from '../src/reconcile/index.js';
import { memoryStore } from '../src/storage/memory.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';
import { formatLimaDateTime, readVoucherToken, renderVoucher } from '../src/voucher/index.js';
import { generateVoucherKeys, verifyVoucherToken } from '../src/voucher/token.js';
import { createWebhookHandler } from '../src/webhooks/index.js';
import { toNodeListener } from '../src/webhooks/node.js';

function step(title: string): void {
  console.log(`\n== ${title}`);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`quickstart: ${message}`);
}

const outDir = path.resolve(process.argv[2] ?? 'out');
const credentials = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };

step('1. Set up: fake PagoEfectivo, API client, memory store, voucher signing key');
const fake = createFakePagoEfectivo(credentials);
const client = createPagoEfectivoClient({ ...credentials, environment: 'sandbox', fetch: fake.fetch, now: fake.now });
const store = memoryStore();
const voucherKeys = generateVoucherKeys({ kid: 'quickstart-1' });
// The one fulfilment hook: every event of every path (webhook, sweeper, reconciliation, cancel…), at
// least once. Redeliveries carry the same id, so the merchant side dedupes in two lines.
const shipped = new Set<string>();
const seen = new Set<string>();
const codes = createCashCodes({
  client,
  store,
  now: fake.now,
  voucherKey: { kid: voucherKeys.kid, secretKey: voucherKeys.secretKey },
  async onEvent(event) {
    if (seen.has(event.id)) return; // 1. dedupe by event id (a database unique key in production)
    seen.add(event.id); //             2. then act
    console.log(`   onEvent: ${event.type} for order ${event.orderId} (source ${event.source}, id ${event.id})`);
    if (event.type === 'code.paid' && event.orderId !== null) shipped.add(event.orderId);
  },
});
console.log(`   sandbox API at ${client.baseUrl} (served in-process by the fake)`);

step('2. Checkout: issue the payment code for order ORD-1001');
const order = {
  orderId: 'ORD-1001',
  amount: '150.50',
  currency: 'PEN' as const,
  expiresInHours: 48,
  paymentConcept: 'Zapatillas urbanas talla 42',
  payer: { email: 'jose.nunez@example.pe', firstName: 'José', lastName: 'Ñúñez Peña' },
};
const issued = await codes.issue(order);
const code = issued.code;
check(issued.created && code.status === 'pending' && code.cip !== null, 'the code was not issued');
console.log(`   CIP ${code.cip} for ${code.amount} ${code.currency} (locked as ${code.amountMinor} céntimos)`);
console.log(`   expires ${formatLimaDateTime(code.expiresAt)}`);
console.log(`   buyer page: ${code.cipUrl}`);
const again = await codes.issue(order);
check(!again.created && again.code.id === code.id, 'a repeated checkout created a second code');
console.log('   a repeated checkout for the same order returns the same code (created: false)');

step('3. Voucher: a watermarked PDF with a Code 128 barcode and a signed QR');
const pdf = await renderVoucher(code, {
  merchant: { name: 'Tienda Ñandú S.A.C.' },
  token: issued.voucherToken,
  now: fake.now, // the fake's clock decides whether the code is still payable
});
mkdirSync(outDir, { recursive: true });
const voucherPath = path.join(outDir, 'quickstart-voucher.pdf');
writeFileSync(voucherPath, pdf);
console.log(`   wrote ${voucherPath} (${(pdf.byteLength / 1024).toFixed(1)} KB)`);
const embedded = await readVoucherToken(pdf);
check(embedded !== null, 'the voucher carries no token');
const verified = await verifyVoucherToken(embedded as string, { [voucherKeys.kid]: voucherKeys.publicKey });
console.log(`   support check: genuine voucher for CIP ${verified.claims.cip}, order ${verified.claims.orderId}`);

step('4. Webhook endpoint: verified, deduplicated, applied once');
const handler = createWebhookHandler({
  secretKey: credentials.secretKey,
  codes,
  store,
});
const listener = toNodeListener(handler);
const server = createServer(listener);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/pagoefectivo`;
fake.setWebhookTarget({ url: webhookUrl });
console.log(`   listening on ${webhookUrl}`);

step('5. The buyer pays cash at an agent; PagoEfectivo notifies us over HTTP');
const delivery = await fake.pay(code.cip as string);
check(delivery.delivered, 'the notification was not accepted');
const answered = (attempt: (typeof delivery.attempts)[number] | undefined): string =>
  attempt === undefined ? 'none' : 'status' in attempt ? `HTTP ${attempt.status}` : `failed (${attempt.error})`;
console.log(`   delivery: ${delivery.attempts.map(answered).join(', ')}`);
const redelivery = await fake.redeliver(code.cip as string);
console.log(`   the same notification again: ${answered(redelivery.attempts[0])} (duplicate, no second effect)`);
const forged = await fetch(webhookUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'pe-signature': '0'.repeat(64) },
  body: delivery.body,
});
console.log(`   a forged notification: HTTP ${forged.status}`);
check(forged.status === 401, 'a forged notification was not refused');
await new Promise<void>((resolve) => server.close(() => resolve()));

const paid = await codes.get('ORD-1001');
check(paid?.status === 'paid', 'the order is not paid');
check(shipped.has('ORD-1001'), 'onEvent never saw code.paid for the order');
console.log(`   order ORD-1001 is ${paid?.status} and was shipped once from onEvent`);

step('6. Event outbox: a drain delivers whatever is still pending (a worker or the sweeper runs it)');
const drained = await codes.events.drain();
console.log(`   drain: ${drained.delivered} delivered, ${drained.failed} failed, ${drained.pending} pending`);
check(drained.pending === 0, 'events are still pending after the drain');

step('7. Lifecycle log');
for (const entry of await codes.history(code.id)) {
  const transition = entry.from || entry.to ? ` ${entry.from ?? '·'} → ${entry.to ?? '·'}` : '';
  console.log(`   ${entry.at.toISOString()}  ${entry.type.padEnd(16)} by ${entry.actor}${transition}`);
}

step('8. Reconciliation with the search API');
const report = await reconcileWithApi({ codes, client, store, now: fake.now });
for (const line of summarizeReport(report).split('\n')) console.log(`   ${line}`);
check(report.findings === 0, 'reconciliation found disagreements');

const stats = fake.stats();
console.log(
  `\nDone: ${stats.authorize} authorization, ${stats.createCip} createCip, ${stats.searchCips} search(es). ` +
    `Voucher: ${voucherPath}`,
);
