// The runtime smoke test, shared by every runtime entry (esm.mjs, cjs.cjs, worker.mjs): a code issued
// against the fake PagoEfectivo, a voucher token and a voucher PDF for it, then a notification signed
// by signWebhook and verified through the webhook handler, which marks the code paid. Plain CommonJS
// so Node's require, Node/Bun/Deno's import and esbuild's worker bundle all take the same file.
'use strict';

const CREDENTIALS = { serviceId: 4821, accessKey: 'smoke-access-key', secretKey: 'smoke-secret-key/abc+123=' };

function check(condition, what) {
  if (!condition) throw new Error(`runtime smoke failed: ${what}`);
}

/**
 * Run the smoke test with the package's modules (`kit`: root, client, webhooks, testing, voucher,
 * token, memory). Resolves to a summary line; rejects on the first failed step.
 */
async function runSmoke(kit) {
  const fake = kit.testing.createFakePagoEfectivo(CREDENTIALS);
  const client = kit.client.createPagoEfectivoClient({ ...CREDENTIALS, fetch: fake.fetch, now: fake.now });
  const store = kit.memory.memoryStore();
  const codes = kit.root.createCashCodes({ client, store, now: fake.now });
  const { code } = await codes.issue({
    orderId: 'ORD-SMOKE-1',
    amount: '150.50',
    currency: 'PEN',
    payer: { email: 'ana@example.pe', firstName: 'José' },
  });
  check(typeof code.cip === 'string' && code.status === 'pending', 'issue');

  const keys = kit.token.generateVoucherKeys({ kid: 'smoke' });
  const token = await kit.token.createVoucherToken(code, keys.secretKey, { kid: keys.kid });
  const verified = await kit.token.verifyVoucherToken(token, { [keys.kid]: keys.publicKey });
  check(verified.claims.cip === code.cip, 'voucher token');

  const pdf = await kit.voucher.renderVoucher(code, {
    merchant: { name: 'Tienda Ñandú' },
    signing: keys,
  });
  const head = String.fromCharCode(...pdf.subarray(0, 5));
  check(head === '%PDF-' && pdf.byteLength > 4000, `voucher PDF (${pdf.byteLength} bytes)`);

  const handler = kit.webhooks.createWebhookHandler({ secretKey: CREDENTIALS.secretKey, codes, store });
  const body =
    `{"eventType":"cip.paid","operationNumber":"900001","data":{"cip":${JSON.stringify(code.cip)},` +
    `"currency":"PEN","amount":150.50,"transactionCode":"ORD-SMOKE-1",` +
    `"paymentDate":${JSON.stringify(kit.root.formatLimaTimestamp(fake.now()))}}}`;
  const signed = kit.testing.signWebhook(body, CREDENTIALS.secretKey);
  check(typeof signed.headers['pe-signature'] === 'string', 'signWebhook is synchronous');
  const url = 'https://shop.example/webhooks/pagoefectivo';
  const forged = await handler(new Request(url, { method: 'POST', headers: { 'pe-signature': '0'.repeat(64) }, body }));
  check(forged.status === 401, `forged notification answered ${forged.status}`);
  const response = await handler(new Request(url, { method: 'POST', headers: signed.headers, body: signed.body }));
  const answer = await response.json();
  check(answer.status === 'processed', `webhook answered ${response.status} ${JSON.stringify(answer)}`);
  const paid = await codes.get('ORD-SMOKE-1');
  check(paid && paid.status === 'paid', 'code paid');
  return `smoke ok: CIP ${code.cip} issued, token ${token.length} chars, PDF ${pdf.byteLength} bytes, webhook processed`;
}

module.exports = { runSmoke };
