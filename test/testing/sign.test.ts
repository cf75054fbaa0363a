import { describe, expect, it } from 'vitest';
import { hmacSha256Verify } from '../../src/_crypto/hmac.js';
import { ValidationError } from '../../src/errors.js';
import { signWebhook } from '../../src/testing/index.js';

const SECRET = 'exampleSecretKey/abc+123=';
const BODY =
  '{"eventType":"cip.paid","operationNumber":"987654","data":{"cip":"2401557","currency":"PEN","amount":150.5,' +
  '"transactionCode":"ORD-0001","paymentDate":"2024-03-05T12:00:07-05:00"}}';
const SIGNATURE = '6ef202b861c049a326c9f4b6ef63c55f9a906f30448408605ae67876489aa663';

describe('signWebhook', () => {
  it('signs a raw string body with the protocol vector, synchronously', () => {
    const signed = signWebhook(BODY, SECRET);
    expect(signed).toEqual({ body: BODY, headers: { 'content-type': 'application/json', 'pe-signature': SIGNATURE } });
  });

  it('serialises objects compactly, exactly as PagoEfectivo would send them', async () => {
    const signed = await signWebhook(JSON.parse(BODY) as object, SECRET);
    expect(signed.body).toBe(BODY);
    expect(signed.headers['pe-signature']).toBe(SIGNATURE);
    expect(await hmacSha256Verify([SECRET], signed.body, signed.headers['pe-signature'] as string)).toBe(0);
  });

  it('builds a Request a web handler can verify', async () => {
    const { body, headers } = signWebhook(
      { eventType: 'cip.paid', data: { cip: '1', amount: 10, currency: 'PEN' } },
      SECRET,
    );
    const request = new Request('https://merchant.example/hook', { method: 'POST', headers, body });
    expect(await hmacSha256Verify([SECRET], await request.text(), request.headers.get('PE-Signature') ?? '')).toBe(0);
  });

  it('refuses an empty secret and a body that cannot be serialised', () => {
    expect(() => signWebhook(BODY, '')).toThrow(/secretKey/);
    expect(() => signWebhook(undefined as unknown as string, SECRET)).toThrow(ValidationError);
  });
});
