import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFakePagoEfectivo, FAKE_CODES, type FakePagoEfectivo } from '../../src/testing/index.js';

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const START = new Date('2024-03-05T15:15:30Z'); // 10:15:30 in Lima
const DATE_REQUEST = '2024-03-05T10:15:30-05:00';
const HASH = '312060218f16cd3e390f1de8f110585848d0e0e153b44a25565af849f6b3fcbd';

function post(fake: FakePagoEfectivo, path: string, body: unknown, headers: Record<string, string> = {}) {
  return call(fake, 'POST', path, body, headers);
}

async function call(
  fake: FakePagoEfectivo,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: { code: number; message: string; data: unknown } }> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fake.fetch(`${fake.baseUrl}${path}`, init);
  return { status: response.status, json: await response.json() };
}

async function bearer(fake: FakePagoEfectivo): Promise<Record<string, string>> {
  const { json } = await post(fake, 'authorizations', {
    accessKey: CREDS.accessKey,
    idService: 1234,
    dateRequest: DATE_REQUEST,
    hashString: HASH,
  });
  return { authorization: `Bearer ${(json.data as { token: string }).token}` };
}

const fresh = (options = {}) => createFakePagoEfectivo({ ...CREDS, start: START, ...options });
const minimal = { currency: 'PEN', amount: 150.5, transactionCode: 'ORD-0001', userEmail: 'ana@example.pe' };

describe('fake POST /v1/authorizations', () => {
  it('issues a JWT-looking token for the documented hash (201, code 100)', async () => {
    const fake = fresh();
    const auth = { accessKey: CREDS.accessKey, idService: 1234, dateRequest: DATE_REQUEST, hashString: HASH };
    const { status, json } = await post(fake, 'authorizations', auth);
    expect(status).toBe(201);
    expect(json).toMatchObject({
      code: 100,
      message: 'Solicitud exitosa.',
      data: { codeService: 'TST', tokenStart: DATE_REQUEST, tokenExpires: '2024-03-05T12:15:30-05:00' },
    });
    const [header, payload, signature] = (json.data as { token: string }).token.split('.');
    expect(JSON.parse(atob(header ?? ''))).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/')))).toEqual({
      sub: 'TST',
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      nameid: '1234',
      exp: Math.floor(START.getTime() / 1000) + 7200,
    });
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('binds keys case-insensitively and accepts idService as a string', async () => {
    const fake = fresh();
    const body = { AccessKey: CREDS.accessKey, IdService: '1234', DateRequest: DATE_REQUEST, HashString: HASH };
    expect((await post(fake, 'authorizations', body)).status).toBe(201);
  });

  it.each([
    ['a wrong hash', { hashString: HASH.replace('3', '4') }],
    ['an upper-case hash', { hashString: HASH.toUpperCase() }],
    ['an unknown accessKey', { accessKey: 'OTHERACCESSKEY000001' }],
    ['another service', { idService: 4321 }],
  ])('answers 401 for %s', async (_name, change) => {
    const fake = fresh();
    const body = {
      accessKey: CREDS.accessKey,
      idService: 1234,
      dateRequest: DATE_REQUEST,
      hashString: HASH,
      ...change,
    };
    const { status, json } = await post(fake, 'authorizations', body);
    expect(status).toBe(401);
    expect(json).toMatchObject({ code: FAKE_CODES.authRefused, data: null });
  });

  it('refuses a dateRequest outside the configured tolerance, with a correct hash', async () => {
    const fake = fresh({ dateRequestToleranceMs: 60_000 });
    const dateRequest = '2024-03-05T10:16:31-05:00'; // 61 s ahead
    const hashString = createHash('sha256')
      .update(`1234.${CREDS.accessKey}.${CREDS.secretKey}.${dateRequest}`)
      .digest('hex');
    const body = { accessKey: CREDS.accessKey, idService: 1234, dateRequest, hashString };
    expect((await post(fake, 'authorizations', body)).status).toBe(401);
    fake.advance(2_000); // now 59 s behind the request: accepted
    expect((await post(fake, 'authorizations', body)).status).toBe(201);
  });

  it('answers 400 / 111 with 112 and 113 details for missing and invalid fields', async () => {
    const fake = fresh();
    const { status, json } = await post(fake, 'authorizations', { idService: 'abc', dateRequest: 'yesterday' });
    expect(status).toBe(400);
    expect(json.code).toBe(111);
    expect(json.data).toEqual([
      { code: 112, message: 'Requerido.', field: 'accessKey' },
      { code: 113, message: 'Valor invalido.', field: 'idService' },
      { code: 112, message: 'Requerido.', field: 'hashString' },
      { code: 113, message: 'Valor invalido.', field: 'dateRequest' },
    ]);
  });
});

describe('fake bearer checks', () => {
  it('answers 401 without a token, with a malformed header, after expiry and after revocation', async () => {
    const fake = fresh({ tokenLifetimeMs: 60_000 });
    expect((await post(fake, 'cips', minimal)).status).toBe(401);
    const headers = await bearer(fake);
    const token = headers.authorization?.slice(7);
    expect((await post(fake, 'cips', minimal, { authorization: `Bearer  ${token}` })).status).toBe(401);
    expect((await post(fake, 'cips', minimal, { authorization: `bearer ${token}` })).status).toBe(401);
    expect((await post(fake, 'cips', minimal, headers)).status).toBe(201);
    fake.advance(60_000);
    expect((await post(fake, 'cips', minimal, headers)).json.code).toBe(FAKE_CODES.tokenRefused);
    const renewed = await bearer(fake);
    fake.revokeTokens();
    expect((await post(fake, 'cips/search', { data: [{ cip: 1 }] }, renewed)).status).toBe(401);
  });

  it('never records the Authorization header', async () => {
    const fake = fresh();
    const headers = await bearer(fake);
    await post(fake, 'cips', minimal, headers);
    expect(JSON.stringify(fake.requests())).not.toContain(headers.authorization?.slice(7));
  });
});
