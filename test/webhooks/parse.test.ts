/**
 * parseWebhookEvent and the schemas: exact amounts from the JSON number's digits, tolerated key
 * spellings, unknown event types, and malformed payloads with issue details.
 */
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isPagoEfectivoKitError, type WebhookVerificationError } from '../../src/errors.js';
import type { PaymentNotice } from '../../src/model/code.js';
import { type CipPaidEvent, parseWebhookEvent, type WebhookEvent } from '../../src/webhooks/index.js';
import { CipPaidNotificationSchema, WebhookEnvelopeSchema } from '../../src/webhooks/schemas.js';
import { paidBody, VECTOR_BODY } from './_helpers.js';

async function paid(body: string): Promise<CipPaidEvent> {
  const event = await parseWebhookEvent(body);
  if (event.type !== 'cip.paid') throw new Error(`expected cip.paid, got ${event.type}`);
  return event;
}

async function malformed(body: string | Uint8Array): Promise<WebhookVerificationError> {
  try {
    await parseWebhookEvent(body);
  } catch (error) {
    expect(isPagoEfectivoKitError(error, 'malformed_payload')).toBe(true);
    return error as WebhookVerificationError;
  }
  return expect.fail('expected malformed_payload');
}

describe('parseWebhookEvent amounts', () => {
  it.each([
    ['150.5', 15050, '150.50'],
    ['150.50', 15050, '150.50'],
    ['22.05', 2205, '22.05'],
    ['0.1', 10, '0.10'],
    ['0.01', 1, '0.01'],
    ['150', 15000, '150.00'],
    ['1234567.89', 123456789, '1234567.89'],
    ['"150.50"', 15050, '150.50'],
    ['90071992547409.91', 9007199254740991, '90071992547409.91'],
  ])('reads %s as %i minor units', async (token, minor, decimal) => {
    const event = await paid(paidBody({ amount: token }));
    expect(event.amountMinor).toBe(minor);
    expect(event.amount).toBe(decimal);
  });

  it.each([
    '0',
    '-5',
    '1e2',
    '150.505',
    '0.001',
    // A float would round this to 22.05; the digits say it has more than two decimals.
    '22.050000000000001',
    '90071992547409.92',
    'null',
    'true',
    '"abc"',
    '{}',
  ])('refuses the amount %s', async (token) => {
    const error = await malformed(paidBody({ amount: token }));
    expect(error.details?.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'data.amount' })]));
  });

  it('reads the amount of pretty-printed JSON, escaped keys and duplicated keys like JSON.parse', async () => {
    expect((await paid(JSON.stringify(JSON.parse(paidBody({ amount: '75.25' })), null, 2))).amountMinor).toBe(7525);
    expect((await paid(paidBody({ amount: '12.30' }).replace('"amount"', '"am\\u006fu\\u006et"'))).amountMinor).toBe(
      1230,
    );
    const duplicated = paidBody({ amount: '1.00' }).replace('"amount":1.00', '"amount":1.00,"amount":9.99');
    expect((await paid(duplicated)).amountMinor).toBe(999);
    const decoy = paidBody({ transactionCode: '"amount":1.00,' });
    expect((await paid(decoy)).amountMinor).toBe(15050);
    const nested = `{"meta":{"amount":1.00},${paidBody({ amount: '33.30' }).slice(1)}`;
    expect((await paid(nested)).amountMinor).toBe(3330);
    expect((await paid(paidBody({ transactionCode: 'amount' }))).amountMinor).toBe(15050);
  });
});

describe('parseWebhookEvent fields', () => {
  it('normalises numbers to strings and blank references to null', async () => {
    const body =
      '{"eventType":"cip.paid","operationNumber":987654,"data":{"cip":2401557,"currency":"PEN","amount":10,"transactionCode":"  "}}';
    expect(await paid(body)).toMatchObject({
      cip: '2401557',
      operationNumber: '987654',
      transactionCode: null,
      paidAt: null,
      paymentDate: null,
    });
    expect((await paid(paidBody({ transactionCode: 'ORD-9' }))).transactionCode).toBe('ORD-9');
  });

  it('reads an empty, null or missing operationNumber as "" (the spec allows it; the CIP identifies the payment)', async () => {
    const withNumber = paidBody();
    for (const body of [
      withNumber.replace('"operationNumber":"987654"', '"operationNumber":""'),
      withNumber.replace('"operationNumber":"987654"', '"operationNumber":null'),
      withNumber.replace('"operationNumber":"987654",', ''),
    ]) {
      expect(await paid(body)).toMatchObject({ cip: '2401557', amountMinor: 15050, operationNumber: '' });
    }
  });

  it('keeps an unrecognised paymentDate as text and leaves paidAt null rather than losing the payment', async () => {
    const event = await paid(paidBody({ paymentDate: '05/03/2024 12:00' }));
    expect(event.paidAt).toBeNull();
    expect(event.paymentDate).toBe('05/03/2024 12:00');
    expect((await paid(paidBody({ paymentDate: '2024-03-05 12:00:07-0500' }))).paidAt).toEqual(
      new Date('2024-03-05T17:00:07Z'),
    );
  });

  it('tolerates other key spellings (PascalCase) and refuses ambiguous ones', async () => {
    const pascal =
      '{"EventType":"cip.paid","OperationNumber":"1","Data":{"CIP":"2401557","Currency":"PEN","Amount":150.5}}';
    expect(await paid(pascal)).toMatchObject({ cip: '2401557', amountMinor: 15050, operationNumber: '1' });
    const both =
      '{"eventType":"cip.paid","operationNumber":"1","data":{"cip":"1","Amount":1,"AMOUNT":2,"currency":"PEN"}}';
    expect((await malformed(both)).details?.issues).toEqual([
      { path: 'data.amount', message: 'several keys differ only by letter case' },
    ]);
    const exactWins =
      '{"eventType":"cip.paid","operationNumber":"1","data":{"cip":"1","amount":1,"Amount":2,"currency":"PEN"}}';
    expect((await paid(exactWins)).amountMinor).toBe(100);
  });

  it('returns unknown event types typed, never throwing', async () => {
    const body = '{"eventType":"cip.expired","data":{"cip":"2401557"}}';
    const event = await parseWebhookEvent(body);
    expect(event).toEqual({ type: 'unknown', eventType: 'cip.expired', raw: JSON.parse(body) });
    expect((await parseWebhookEvent(paidBody().replace('cip.paid', 'CIP.PAID'))).type).toBe('cip.paid');
  });

  it('refuses invalid JSON, non-objects, missing fields and invalid UTF-8 with issue details', async () => {
    expect((await malformed('{"eventType":')).details?.issues).toEqual([{ path: '', message: 'invalid JSON' }]);
    for (const body of ['[]', '"cip.paid"', 'null', '42']) await malformed(body);
    expect((await malformed('{"data":{}}')).details?.issues).toEqual([expect.objectContaining({ path: 'eventType' })]);
    const missing = await malformed('{"eventType":"cip.paid","data":{"cip":"1"}}');
    const paths = ((missing.details?.issues ?? []) as { path: string }[]).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['data.currency', 'data.amount']));
    // The spec allows the operation number empty or absent: it is never what makes a body malformed.
    expect(paths).not.toContain('operationNumber');
    expect(missing.message).toContain('data.currency');
    await malformed(paidBody({ cip: 'ABC-1' }));
    await malformed(Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]));
  });

  it('accepts bytes and refuses parsed objects with body_not_raw', async () => {
    expect((await parseWebhookEvent(new TextEncoder().encode(VECTOR_BODY))).type).toBe('cip.paid');
    await expect(parseWebhookEvent(JSON.parse(VECTOR_BODY) as never)).rejects.toThrow(
      expect.objectContaining({ code: 'body_not_raw' }),
    );
  });
});

describe('types and schemas', () => {
  it('produces events assignable to the codes service PaymentNotice', async () => {
    const event = await paid(VECTOR_BODY);
    const notice: PaymentNotice = event;
    expect(notice.amountMinor).toBe(15050);
    expectTypeOf<CipPaidEvent>().toMatchTypeOf<PaymentNotice>();
    expectTypeOf<Extract<WebhookEvent, { type: 'unknown' }>['eventType']>().toEqualTypeOf<string>();
  });

  it('exports schemas that validate a parsed notification object', async () => {
    const parsed = v.safeParse(CipPaidNotificationSchema, JSON.parse(VECTOR_BODY));
    expect(parsed.success && parsed.output).toMatchObject({ cip: '2401557', amountMinor: 15050, amount: '150.50' });
    expect(v.safeParse(CipPaidNotificationSchema, { eventType: 'cip.paid' }).success).toBe(false);
    expect(v.safeParse(WebhookEnvelopeSchema, { eventType: 'x', other: 1 }).success).toBe(true);
    expect(v.safeParse(WebhookEnvelopeSchema, { eventType: '' }).success).toBe(false);
  });
});
