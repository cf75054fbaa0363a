import { describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { ConfigurationError, ValidationError } from '../../src/errors.js';
import type { CreateCipInput } from '../../src/model/provider.js';
import { CREDENTIALS, order, START, setup } from './_setup.js';

type Case = [name: string, overrides: Record<string, unknown>, field: string];

const invalid: Case[] = [
  ['currency EUR', { currency: 'EUR' }, 'currency'],
  ['amount zero', { amount: '0.00' }, 'amount'],
  ['amount negative', { amount: '-1.00' }, 'amount'],
  ['amount with 3 decimals', { amount: '1.005' }, 'amount'],
  ['amount with 17 integer digits', { amount: '12345678901234567' }, 'amount'],
  ['amount as a number', { amount: 150.5 }, 'amount'],
  ['amount with a comma', { amount: '150,50' }, 'amount'],
  ['transactionCode of 37 characters', { transactionCode: 'A'.repeat(37) }, 'transactionCode'],
  ['transactionCode empty', { transactionCode: '' }, 'transactionCode'],
  ['transactionCode with spaces', { transactionCode: 'ORD 1' }, 'transactionCode'],
  ['userEmail missing', { userEmail: undefined }, 'userEmail'],
  ['userEmail malformed', { userEmail: 'ana@' }, 'userEmail'],
  ['userEmail of 101 characters', { userEmail: `${'a'.repeat(89)}@example.com` }, 'userEmail'],
  ['paymentConcept of 51 characters', { paymentConcept: 'x'.repeat(51) }, 'paymentConcept'],
  ['paymentConcept empty', { paymentConcept: '' }, 'paymentConcept'],
  ['additionalData of 201 characters', { additionalData: 'x'.repeat(201) }, 'additionalData'],
  ['adminEmail malformed', { adminEmail: 'ops.example.pe' }, 'adminEmail'],
  ['userName of 31 characters', { userName: 'x'.repeat(31) }, 'userName'],
  ['userLastName of 31 characters', { userLastName: 'x'.repeat(31) }, 'userLastName'],
  ['userUbigeo of 5 digits', { userUbigeo: '15010' }, 'userUbigeo'],
  ['userUbigeo with letters', { userUbigeo: '15010A' }, 'userUbigeo'],
  ['userCountry of 21 characters', { userCountry: 'x'.repeat(21) }, 'userCountry'],
  ['userDocumentType RUC', { userDocumentType: 'RUC' }, 'userDocumentType'],
  ['userDocumentNumber with letters', { userDocumentNumber: '4455A677' }, 'userDocumentNumber'],
  ['userDocumentNumber of 15 digits', { userDocumentNumber: '1'.repeat(15) }, 'userDocumentNumber'],
  ['userPhone with a plus', { userPhone: '+51987654321' }, 'userPhone'],
  ['userPhone of 16 digits', { userPhone: '9'.repeat(16) }, 'userPhone'],
  ['userCodeCountry without plus', { userCodeCountry: '51' }, 'userCodeCountry'],
  ['userCodeCountry too long', { userCodeCountry: '+12345' }, 'userCodeCountry'],
  ['dateExpiry invalid', { dateExpiry: new Date('nope') }, 'dateExpiry'],
  ['dateExpiry as a string', { dateExpiry: '2024-03-07T10:00:00-05:00' }, 'dateExpiry'],
  ['dateExpiry in the past', { dateExpiry: new Date(START.getTime() - 1000) }, 'dateExpiry'],
  ['dateExpiry equal to now', { dateExpiry: START }, 'dateExpiry'],
];

describe('local validation of createCip input', () => {
  it.each(invalid)('rejects %s before any request', async (_name, overrides, field) => {
    const { fake, client } = setup();
    const input = { ...order(), ...overrides } as CreateCipInput;
    const error = await client.createCip(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'validation_failed' });
    expect((error as ValidationError).issues.map((issue) => issue.path)).toContain(field);
    expect((error as Error).message).toContain(field);
    expect(fake.requests()).toEqual([]);
  });

  it('reports every bad field at once', async () => {
    const { fake, client } = setup();
    const input = { ...order(), currency: 'EUR', userEmail: 'nope', transactionCode: 'A'.repeat(37) };
    const error = (await client
      .createCip(input as CreateCipInput)
      .catch((caught: unknown) => caught)) as ValidationError;
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['currency', 'transactionCode', 'userEmail']);
    expect(fake.stats().total).toBe(0);
  });

  it('accepts every documented optional field at its maximum length', async () => {
    const { fake, client } = setup();
    const created = await client.createCip(
      order({
        transactionCode: 'A'.repeat(36),
        paymentConcept: 'x'.repeat(50),
        additionalData: 'x'.repeat(200),
        adminEmail: 'ops@example.pe',
        userId: 'user-1',
        userName: 'x'.repeat(30),
        userLastName: 'Quispe',
        userUbigeo: '150101',
        userCountry: 'PERU',
        userDocumentType: 'NAN',
        userDocumentNumber: '1'.repeat(14),
        userPhone: '9'.repeat(15),
        userCodeCountry: '+593',
        amount: '90071992547409.91',
      }),
    );
    expect(created).toMatchObject({ transactionCode: 'A'.repeat(36), amount: '90071992547409.91' });
    expect(fake.getCip(created.cip)?.amountMinor).toBe(9007199254740991);
    // The largest amount the SDK handles exactly is sent digit for digit, never through a float.
    expect(fake.requests().at(-1)?.body).toContain('"amount":90071992547409.91,');
  });

  it('rejects a bad input object outright', async () => {
    const { fake, client } = setup();
    await expect(client.createCip(null as unknown as CreateCipInput)).rejects.toBeInstanceOf(ValidationError);
    expect(fake.stats().total).toBe(0);
  });
});

describe('local validation of CIP arguments', () => {
  it.each([
    ['a number', 2401557],
    ['letters', '24O1557'],
    ['15 digits', '1'.repeat(15)],
    ['empty', ''],
  ])('rejects a CIP given as %s', async (_name, cip) => {
    const { fake, client } = setup();
    await expect(client.getCip(cip as string)).rejects.toBeInstanceOf(ValidationError);
    await expect(client.deleteCip(cip as string)).rejects.toBeInstanceOf(ValidationError);
    await expect(client.searchCips(['1', cip as string])).rejects.toMatchObject({ issues: [{ path: 'cips.1' }] });
    await expect(client.updateCipExpiry(cip as string, new Date(START.getTime() + 1000))).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(fake.stats().total).toBe(0);
  });

  it('rejects a non-array search argument and an expiry that is not in the future', async () => {
    const { fake, client } = setup();
    await expect(client.searchCips('1' as unknown as string[])).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateCipExpiry('1', START)).rejects.toMatchObject({ issues: [{ path: 'dateExpiry' }] });
    await expect(client.updateCipExpiry('1', new Date(Number.NaN))).rejects.toBeInstanceOf(ValidationError);
    expect(fake.stats().total).toBe(0);
  });

  it('answers an empty search without a request', async () => {
    const { fake, client } = setup();
    await expect(client.searchCips([])).resolves.toEqual([]);
    expect(fake.stats().total).toBe(0);
  });
});

describe('client options', () => {
  it.each([
    ['missing serviceId', { serviceId: undefined }, 'serviceId'],
    ['serviceId with letters', { serviceId: '12a4' }, 'serviceId'],
    ['serviceId zero', { serviceId: 0 }, 'serviceId'],
    ['empty accessKey', { accessKey: ' ' }, 'accessKey'],
    ['missing secretKey', { secretKey: undefined }, 'secretKey'],
    ['unknown environment', { environment: 'staging' }, 'environment'],
    ['relative baseUrl', { baseUrl: '/v1/' }, 'baseUrl'],
    ['fetch not a function', { fetch: 'fetch' }, 'fetch'],
    ['timeoutMs zero', { timeoutMs: 0 }, 'timeoutMs'],
    ['negative retries', { retry: { retries: -1 } }, 'retry.retries'],
    ['searchBatchSize zero', { searchBatchSize: 0 }, 'searchBatchSize'],
  ])('throws ConfigurationError for %s', (_name, overrides, field) => {
    const create = () => createPagoEfectivoClient({ ...CREDENTIALS, ...overrides } as never);
    expect(create).toThrow(ConfigurationError);
    try {
      create();
    } catch (error) {
      expect((error as ConfigurationError).code).toBe('config_invalid');
      expect((error as Error).message).toContain(field);
      expect((error as ConfigurationError).details?.fields).toContain(field);
    }
  });

  it('never echoes a key in a configuration error', () => {
    const secretKey = 12345678 as unknown as string;
    expect(() => createPagoEfectivoClient({ ...CREDENTIALS, secretKey })).toThrow(/^(?!.*12345678)/s);
  });

  it('hashes "01234" like 1234 (plain decimal idService)', async () => {
    const { fake } = setup();
    const client = createPagoEfectivoClient({ ...CREDENTIALS, serviceId: '01234', fetch: fake.fetch, now: fake.now });
    await expect(client.authenticate()).resolves.toMatchObject({ codeService: 'TST' });
  });
});
