import { describe, expect, it } from 'vitest';
import {
  buildSupportBundle,
  maskDigits,
  maskEmail,
  maskName,
  redactText,
  redactValue,
  renderSupportBundle,
} from '../../src/support/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { createHarness, HOUR } from '../codes/_harness.js';

const SECRET = 'exampleSecretKey/abc+123=';
const PAYER = {
  email: 'jane.doe@example.com',
  firstName: 'Janeth',
  lastName: 'Quispecondori',
  documentType: 'DNI' as const,
  documentNumber: '45871236',
  phone: '987654321',
  phoneCountryCode: '+51',
};
const RAW = [
  'jane.doe@example.com',
  'Janeth',
  'Quispecondori',
  '45871236',
  '987654321',
  SECRET,
  'EXAMPLEACCESSKEY0001',
];

/** A code full of personal data, paid through the real webhook handler, then notified twice more. */
async function paidCode() {
  const h = createHarness();
  const handler = createWebhookHandler({ secretKey: SECRET, codes: h.codes });
  h.fake.setWebhookTarget({ handler: (request) => handler(request) });
  const { code } = await h.codes.issue({
    orderId: 'ORD-BUNDLE-1',
    amount: '150.50',
    currency: 'PEN',
    payer: PAYER,
    paymentConcept: 'Pedido de Janeth Quispecondori',
    metadata: { customerName: 'Janeth Quispecondori', channel: 'web' },
  });
  h.advance(HOUR);
  await h.fake.pay(code.cip as string, { operationNumber: '998877' });
  await h.fake.redeliver(code.cip as string);
  // A notification of an unknown type whose raw body holds the buyer's e-mail and a token.
  await h.codes.recordUnknownNotification({
    eventType: 'cip.refunded',
    cip: code.cip as string,
    body: JSON.stringify({
      data: {
        cip: code.cip,
        userEmail: PAYER.email,
        userPhone: PAYER.phone,
        token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
      },
    }),
  });
  return { h, code: (await h.codes.get(code.id))! };
}

describe('buildSupportBundle', () => {
  it('holds the ids, every API call with its HTTP status and PagoEfectivo code, and every notification', async () => {
    const { h, code } = await paidCode();
    const bundle = await buildSupportBundle({ store: h.store, code, now: h.now() });
    expect(bundle).toMatchObject({
      format: 'pagoefectivo-kit.support-bundle',
      version: 1,
      generatedAt: h.now().toISOString(),
      code: {
        cip: code.cip,
        orderId: 'ORD-BUNDLE-1',
        transactionCode: code.id,
        status: 'paid',
        amount: '150.50',
        currency: 'PEN',
        payerEmail: 'j***@example.com',
        payment: { operationNumber: '998877', source: 'webhook' },
        metadataKeys: ['channel', 'customerName'],
        times: { createdAt: code.createdAt.toISOString(), paidAt: code.payment?.paidAt.toISOString() },
      },
    });
    expect(bundle.apiCalls).toEqual([
      expect.objectContaining({
        operation: 'createCip',
        outcome: 'ok',
        httpStatus: 201,
        providerCode: '100',
        attempts: 1,
      }),
    ]);
    expect(bundle.apiCalls[0]?.requestId).toMatch(/^pek_/);
    expect(bundle.notifications.map((item) => [item.outcome, item.verified, item.httpStatus ?? null])).toEqual([
      ['paid', true, 200],
      ['duplicate', true, 200],
      ['unknown_type', null, null],
    ]);
    expect(bundle.notifications[0]).toMatchObject({ operationNumber: '998877' });
    expect(bundle.lifecycle.map((entry) => entry.type)).toEqual([
      'reserved',
      'provider_call',
      'created',
      'paid',
      'payment_duplicate',
      'notification_unknown',
    ]);
    expect(bundle.events.map((event) => [event.type, event.state])).toEqual([
      ['code.created', 'pending'],
      ['code.paid', 'pending'],
      ['notification.unknown', 'pending'],
    ]);
  });

  it('redacts everything: no raw personal data, key or token anywhere in the rendered file', async () => {
    const { h, code } = await paidCode();
    const text = renderSupportBundle(await buildSupportBundle({ store: h.store, code }));
    // The store really held the raw values (so their absence below is the redaction's doing).
    expect(JSON.stringify(await h.store.readLog(code.id))).toContain(PAYER.email);
    for (const raw of RAW) expect(text).not.toContain(raw);
    expect(text).not.toMatch(/eyJhbGciOiJIUzI1NiJ9|Bearer|Pedido de/);
    expect(text).toContain('j***@example.com');
    expect(text).toContain('*******21');
    expect(JSON.parse(text).code.cip).toBe(code.cip);
  });

  it('a code with no notification and no CIP still gets a bundle', async () => {
    const h = createHarness();
    h.fake.failNext({ operation: 'createCip', status: 400, code: 111 });
    await h.codes.issue({ orderId: 'ORD-F', amount: '10.00', currency: 'PEN', payer: PAYER }).catch(() => undefined);
    const failed = (await h.store.getCodeByOrder('ORD-F'))!;
    const bundle = await buildSupportBundle({ store: h.store, code: failed });
    expect(bundle.code).toMatchObject({ cip: null, status: 'failed', payment: null });
    expect(bundle.apiCalls).toEqual([
      expect.objectContaining({ operation: 'createCip', outcome: 'error', httpStatus: 400, providerCode: '111' }),
    ]);
    expect(bundle.notifications).toEqual([]);
  });
});

describe('redaction', () => {
  it('masks e-mails, phones, documents and names, removes secrets and tokens, and is idempotent', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskDigits('987654321')).toBe('*******21');
    expect(maskName('Quispe')).toBe('Q***');
    const input = {
      userEmail: 'ana@correo.pe',
      payer: { firstName: 'Ana', lastName: 'Rojas', documentNumber: '12345678', phone: 987654321 },
      accessKey: 'AKIA123',
      secretKey: { nested: 'x' },
      authorization: 'Bearer abc.def.ghi',
      note: 'Call ana@correo.pe, token eyJabcdefgh.eyJabcdefgh.abcdefghij, Bearer 1234567890abcdef',
      keyLike: 'A'.repeat(80),
      requestId: 'pek_2f1c7a3e-1b2c-4d5e-8f90-123456789abc',
      at: new Date('2026-03-02T15:00:00Z'),
    };
    const once = redactValue(input);
    expect(once).toEqual({
      userEmail: 'a***@correo.pe',
      payer: { firstName: 'A***', lastName: 'R***', documentNumber: '******78', phone: '*******21' },
      accessKey: '[redacted]',
      secretKey: '[redacted]',
      authorization: '[redacted]',
      note: 'Call a***@correo.pe, token [redacted], Bearer [redacted]',
      keyLike: '[redacted]',
      requestId: 'pek_2f1c7a3e-1b2c-4d5e-8f90-123456789abc',
      at: '2026-03-02T15:00:00.000Z',
    });
    expect(redactValue(once)).toEqual(once);
    expect(redactText('no personal data here: CIP 2401557')).toBe('no personal data here: CIP 2401557');
  });
});
