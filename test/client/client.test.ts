import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPagoEfectivoClient, PAGOEFECTIVO_BASE_URLS } from '../../src/client/index.js';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { CREDENTIALS, order, START, setup } from './_setup.js';

describe('createPagoEfectivoClient against the in-process fake', () => {
  it('authenticates with the documented body and hash, and never exposes the token', async () => {
    const { fake, client } = setup();
    const session = await client.authenticate();
    expect(session).toEqual({
      codeService: 'TST',
      tokenStart: START,
      tokenExpires: new Date(START.getTime() + 2 * 3600_000),
    });
    const [auth] = fake.requests();
    expect(auth?.path).toBe('/v1/authorizations');
    expect(JSON.parse(auth?.body ?? '')).toEqual({
      accessKey: 'EXAMPLEACCESSKEY0001',
      idService: 1234,
      dateRequest: '2024-03-05T10:15:30-05:00',
      hashString: '312060218f16cd3e390f1de8f110585848d0e0e153b44a25565af849f6b3fcbd',
    });
    expect(Object.values(session)).not.toContain(expect.stringMatching(/^eyJ/));
    const shown = `${JSON.stringify(client)} ${inspect(client, { depth: 5 })} ${JSON.stringify(session)}`;
    expect(shown).not.toContain(CREDENTIALS.secretKey);
    expect(shown).not.toContain('eyJ');
  });

  it('creates a CIP, sending the amount verbatim and the expiry in Lima time', async () => {
    const { fake, client } = setup();
    const created = await client.createCip(order({ paymentConcept: 'Pedido ORD-0001', userDocumentType: 'DNI' }));
    expect(created).toEqual({
      cip: '2401557',
      cipUrl: expect.stringMatching(/^https:\/\/pre1a\.payment\.pagoefectivo\.pe\/[0-9A-F-]{36}\.html$/),
      amount: '150.50',
      currency: 'PEN',
      transactionCode: 'ORD-0001',
      dateExpiry: new Date('2024-03-07T15:15:30Z'),
    });
    const body = fake.requests().find((entry) => entry.operation === 'createCip')?.body ?? '';
    expect(body).toBe(
      '{"currency":"PEN","amount":150.50,"transactionCode":"ORD-0001","userEmail":"ana@example.pe",' +
        '"paymentConcept":"Pedido ORD-0001","userDocumentType":"DNI","dateExpiry":"2024-03-07T10:15:30-05:00"}',
    );
    expect(fake.getCip('2401557')?.fields).toEqual({ paymentConcept: 'Pedido ORD-0001', userDocumentType: 'DNI' });
  });

  it('lets PagoEfectivo apply its default expiry when dateExpiry is omitted', async () => {
    const { client } = setup({ defaultExpiryMs: 4 * 3600_000 });
    const created = await client.createCip(order({ dateExpiry: undefined }));
    expect(created.dateExpiry).toEqual(new Date(START.getTime() + 4 * 3600_000));
  });

  it('searches many CIPs in batches, omits unknown ones and returns CIP numbers as strings', async () => {
    const { fake, client } = setup({}, { searchBatchSize: 2 });
    const cips: string[] = [];
    for (let index = 0; index < 5; index++) {
      cips.push((await client.createCip(order({ transactionCode: `ORD-${index}` }))).cip);
    }
    const found = await client.searchCips([...cips, '99999999', cips[0] as string]);
    expect(found.map((item) => item.cip)).toEqual(cips);
    expect(found.every((item) => item.state === 'pending' && item.statusCode === 22)).toBe(true);
    expect(fake.stats().searchCips).toBe(3);
  });

  it('derives paid, expired and deleted states from the dates', async () => {
    const { fake, client } = setup();
    const paid = await client.createCip(order({ transactionCode: 'A' }));
    const expired = await client.createCip(order({ transactionCode: 'B' }));
    const deleted = await client.createCip(order({ transactionCode: 'C' }));
    await fake.pay(paid.cip);
    fake.expire(expired.cip);
    await client.deleteCip(deleted.cip);
    const states = await client.searchCips([paid.cip, expired.cip, deleted.cip]);
    expect(states.map((item) => item.state)).toEqual(['paid', 'expired', 'deleted']);
    expect(states[0]?.datePayment).toEqual(START);
    expect(states[2]?.dateRemoval).toEqual(START);
  });

  it('updates the expiry, which revives an expired CIP', async () => {
    const { fake, client } = setup();
    const { cip } = await client.createCip(order());
    fake.expire(cip);
    expect((await client.getCip(cip)).state).toBe('expired');
    const later = new Date(START.getTime() + 72 * 3600_000);
    await client.updateCipExpiry(cip, later);
    expect(await client.getCip(cip)).toMatchObject({ state: 'pending', dateExpiry: later });
    expect(JSON.parse(fake.requests().at(-2)?.body ?? '')).toEqual({ dateExpiry: '2024-03-08T10:15:30-05:00' });
  });

  it('getCip rejects with code_not_found for a CIP PagoEfectivo does not know', async () => {
    const { client } = setup();
    await expect(client.getCip('123')).rejects.toSatisfy((error) => isPagoEfectivoKitError(error, 'code_not_found'));
  });

  it('uses the documented base URLs', () => {
    expect(PAGOEFECTIVO_BASE_URLS).toEqual({
      sandbox: 'https://pre1a.services.pagoefectivo.pe/v1/',
      production: 'https://services.pagoefectivo.pe/v1/',
    });
    expect(createPagoEfectivoClient(CREDENTIALS).baseUrl).toBe(PAGOEFECTIVO_BASE_URLS.sandbox);
    expect(createPagoEfectivoClient({ ...CREDENTIALS, environment: 'production' }).baseUrl).toBe(
      PAGOEFECTIVO_BASE_URLS.production,
    );
  });
});

describe('createPagoEfectivoClient over real HTTP', () => {
  let fake: FakePagoEfectivo | undefined;
  afterEach(async () => {
    await fake?.close();
  });

  it('runs the whole flow against the fake listening on 127.0.0.1', async () => {
    fake = createFakePagoEfectivo({ ...CREDENTIALS, start: START });
    const baseUrl = await fake.listen();
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/$/);
    const client = createPagoEfectivoClient({ ...CREDENTIALS, baseUrl, now: fake.now });
    const created = await client.createCip(order());
    await fake.pay(created.cip);
    expect(await client.getCip(created.cip)).toMatchObject({ cip: created.cip, state: 'paid', amount: '150.50' });
    await expect(client.deleteCip(created.cip)).rejects.toMatchObject({ code: 'api_error', status: 409 });
    expect(fake.stats()).toMatchObject({ authorize: 1, createCip: 1, searchCips: 1, deleteCip: 1 });
  });

  it('times out over HTTP while the fake holds the answer back', async () => {
    const held = createFakePagoEfectivo({ ...CREDENTIALS, start: START });
    fake = held;
    const baseUrl = await held.listen();
    // A generous timeout: on a loaded machine a 50 ms budget can run out before the request even reaches
    // the fake, and then there is no CIP to find. The fake holds its answer back far longer than that.
    const client = createPagoEfectivoClient({ ...CREDENTIALS, baseUrl, now: held.now, timeoutMs: 250 });
    await client.authenticate();
    held.delayNext({ operation: 'createCip', delayMs: 1_500 });
    await expect(client.createCip(order())).rejects.toMatchObject({ name: 'TimeoutError', code: 'timeout' });
    // The effect happened even though the answer never arrived (the outcome-unknown case).
    await vi.waitFor(() => expect(held.getCip('2401557')?.state).toBe('generated'));
  });

  it('reports a dropped connection as a NetworkError', async () => {
    fake = createFakePagoEfectivo({ ...CREDENTIALS, start: START });
    const client = createPagoEfectivoClient({ ...CREDENTIALS, baseUrl: await fake.listen(), now: fake.now });
    fake.failNext({ operation: 'createCip', kind: 'network' });
    await expect(client.createCip(order())).rejects.toMatchObject({ name: 'NetworkError', code: 'network_error' });
  });
});
