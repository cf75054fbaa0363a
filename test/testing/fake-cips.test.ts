import { describe, expect, it } from 'vitest';
import { createFakePagoEfectivo, FAKE_CODES, FAKE_STATUSES } from '../../src/testing/index.js';

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const START = new Date('2024-03-05T15:15:30Z');
const HASH = '312060218f16cd3e390f1de8f110585848d0e0e153b44a25565af849f6b3fcbd';
const minimal = { currency: 'PEN', amount: 150.5, transactionCode: 'ORD-0001', userEmail: 'ana@example.pe' };

interface Answer {
  status: number;
  json: { code: number; message: string; data: unknown };
}

/** A fake with a valid token, and a helper to call it with that token. */
async function authorised(options = {}) {
  const fake = createFakePagoEfectivo({ ...CREDS, start: START, ...options });
  const auth = await fake.fetch(`${fake.baseUrl}authorizations`, {
    method: 'POST',
    body: JSON.stringify({
      accessKey: CREDS.accessKey,
      idService: 1234,
      dateRequest: '2024-03-05T10:15:30-05:00',
      hashString: HASH,
    }),
  });
  const token = ((await auth.json()) as { data: { token: string } }).data.token;
  const send = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fake.fetch(`${fake.baseUrl}${path}`, init);
    return { status: response.status, json: await response.json() };
  };
  return { fake, send };
}

async function create(send: (m: string, p: string, b?: unknown) => Promise<Answer>, body: object = minimal) {
  const answer = await send('POST', 'cips', body);
  return String((answer.json.data as { cip: number }).cip);
}

describe('fake POST /v1/cips', () => {
  it('creates CIPs with increasing numbers, the documented echo and a sandbox voucher URL', async () => {
    const { send } = await authorised({ firstCip: 500 });
    const first = await send('POST', 'cips', { ...minimal, amount: 25 });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({
      code: 100,
      message: 'Solicitud exitosa.',
      data: {
        cip: 500,
        currency: 'PEN',
        amount: 25,
        transactionCode: 'ORD-0001',
        dateExpiry: '2024-03-05T14:15:30-05:00', // default expiry: 4 h
        cipUrl: expect.stringMatching(/^https:\/\/pre1a\.payment\.pagoefectivo\.pe\/[0-9A-F-]{36}\.html$/),
      },
    });
    expect((await send('POST', 'cips', minimal)).json.data).toMatchObject({ cip: 501 });
  });

  it('is lenient like the real server: key case, numeric strings, three date spellings', async () => {
    const { fake, send } = await authorised();
    for (const [index, date] of [
      '2024-03-06 23:59:59-05:00',
      '2024-03-06T23:59:59-0500',
      '2024-03-06T23:59:59-05:00',
    ].entries()) {
      const body = {
        Currency: 'USD',
        AMOUNT: '10.5',
        transactionCode: 1000 + index,
        UserEmail: 'a@b.pe',
        DateExpiry: date,
        ServiceId: 1234,
      };
      const answer = await send('POST', 'cips', body);
      expect(answer.status).toBe(201);
      expect(answer.json.data).toMatchObject({ amount: 10.5, transactionCode: String(1000 + index) });
      expect(fake.getCip(String((answer.json.data as { cip: number }).cip))?.dateExpiry).toEqual(
        new Date('2024-03-07T04:59:59Z'),
      );
    }
  });

  it('answers 400 / 111 with one 112 or 113 detail per field', async () => {
    const { send } = await authorised();
    const answer = await send('POST', 'cips', {
      currency: 'EUR',
      amount: '1.005',
      transactionCode: 'A'.repeat(37),
      dateExpiry: '2024-03-05T10:00:00-05:00',
      userUbigeo: '1501',
      userDocumentType: 'RUC',
      userPhone: '+51 987',
    });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe(111);
    expect(answer.json.data).toEqual(
      [
        'currency:113',
        'amount:113',
        'transactionCode:113',
        'userEmail:112',
        'dateExpiry:113',
        'userUbigeo:113',
        'userDocumentType:113',
        'userPhone:113',
      ].map((item) => {
        const [field, code] = item.split(':');
        return { code: Number(code), message: code === '112' ? 'Requerido.' : 'Valor invalido.', field };
      }),
    );
  });

  it('answers 400 / 511 above maxAmount, and 400 / 111 for a body that is not JSON', async () => {
    const { send } = await authorised({ maxAmount: '100.00' });
    expect((await send('POST', 'cips', { ...minimal, amount: 100 })).status).toBe(201);
    const above = await send('POST', 'cips', { ...minimal, amount: 100.01 });
    expect(above).toMatchObject({ status: 400, json: { code: FAKE_CODES.amountAboveMax, data: null } });
    expect((await send('POST', 'cips', 'not json')).json.code).toBe(111);
    const minor = await authorised({ maxAmountMinor: 10_000 });
    expect((await minor.send('POST', 'cips', { ...minimal, amount: '100.01' })).json.code).toBe(511);
  });
});

describe('fake POST /v1/cips/search', () => {
  it('returns known CIPs with status 22 and 1900 sentinels, omitting unknown numbers', async () => {
    const { send } = await authorised();
    const cip = await create(send);
    const answer = await send('POST', 'cips/search', { data: [{ cip: Number(cip) }, { cip: '99999' }] });
    expect(answer.status).toBe(200);
    expect(answer.json.data).toEqual([
      {
        cip: Number(cip),
        transactionCode: 'ORD-0001',
        amount: 150.5,
        currency: 'PEN',
        status: 22,
        statusName: 'Generado.',
        dateCreation: '2024-03-05T10:15:30-05:00',
        dateExpiry: '2024-03-05T14:15:30-05:00',
        datePayment: '1900-01-01T00:00:00-05:00',
        dateRemoval: '1900-01-01T00:00:00-05:00',
        token: expect.stringMatching(/^[0-9A-F-]{36}$/),
      },
    ]);
  });

  it('reports the fake-only statuses for paid, expired and deleted CIPs', async () => {
    const { fake, send } = await authorised();
    const [paid, expired, deleted] = [await create(send), await create(send), await create(send)];
    await fake.pay(paid);
    fake.expire(expired);
    await send('DELETE', `cips/${deleted}`);
    const answer = await send('POST', 'cips/search', { Data: [{ Cip: paid }, { cip: expired }, { cip: deleted }] });
    const items = answer.json.data as Array<{ status: number; statusName: string; datePayment: string }>;
    expect(items.map((item) => item.status)).toEqual([
      FAKE_STATUSES.paid.code,
      FAKE_STATUSES.expired.code,
      FAKE_STATUSES.deleted.code,
    ]);
    expect(items[0]?.datePayment).toBe('2024-03-05T10:15:30-05:00');
  });

  it('answers 400 for a body without a data list or with a bad CIP', async () => {
    const { send } = await authorised();
    expect((await send('POST', 'cips/search', {})).json.data).toEqual([
      { code: 112, message: 'Requerido.', field: 'data' },
    ]);
    expect((await send('POST', 'cips/search', { data: [{ cip: 'abc' }] })).status).toBe(400);
  });
});

describe('fake PATCH and DELETE /v1/cips/{cip}', () => {
  const later = { dateExpiry: '2024-03-09T23:59:59-05:00' };

  it('PATCH updates the expiry and revives an expired CIP (data {})', async () => {
    const { fake, send } = await authorised();
    const cip = await create(send);
    fake.expire(cip);
    expect(fake.getCip(cip)?.state).toBe('expired');
    expect(await send('PATCH', `cips/${cip}`, later)).toEqual({
      status: 200,
      json: { code: 100, message: 'Solicitud exitosa.', data: {} },
    });
    expect(fake.getCip(cip)).toMatchObject({ state: 'generated', dateExpiry: new Date('2024-03-10T04:59:59Z') });
  });

  it('PATCH refuses paid and deleted CIPs, past dates and unknown CIPs', async () => {
    const { fake, send } = await authorised();
    const [paid, deleted] = [await create(send), await create(send)];
    await fake.pay(paid);
    await send('DELETE', `cips/${deleted}`);
    expect((await send('PATCH', `cips/${paid}`, later)).json.code).toBe(FAKE_CODES.cipWrongState);
    expect((await send('PATCH', `cips/${deleted}`, later)).status).toBe(409);
    expect(
      (await send('PATCH', `cips/${await create(send)}`, { dateExpiry: '2024-03-05T10:00:00-05:00' })).json.code,
    ).toBe(111);
    expect((await send('PATCH', 'cips/42', later)).json.code).toBe(FAKE_CODES.cipNotFound);
  });

  it('DELETE works only while the CIP is generated', async () => {
    const { fake, send } = await authorised();
    const [open, paid, expired] = [await create(send), await create(send), await create(send)];
    await fake.pay(paid);
    fake.expire(expired);
    expect((await send('DELETE', `cips/${open}`)).json).toEqual({ code: 100, message: 'Solicitud exitosa.', data: {} });
    expect(fake.getCip(open)).toMatchObject({ state: 'deleted', dateRemoval: START });
    for (const cip of [open, paid, expired]) expect((await send('DELETE', `cips/${cip}`)).status).toBe(409);
    expect((await send('DELETE', 'cips/42')).status).toBe(404);
  });

  it('answers 404 for unknown paths and 405 for wrong methods', async () => {
    const { fake, send } = await authorised();
    expect((await send('POST', 'payments')).status).toBe(404);
    expect((await send('GET', 'cips')).status).toBe(405);
    expect(fake.stats().unknown).toBe(2);
  });
});
