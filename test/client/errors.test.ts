import { FetchError } from 'ofetch';
import { describe, expect, it } from 'vitest';
import { createPagoEfectivoClient, isCreationOutcomeUnknown } from '../../src/client/index.js';
import { ApiError, NetworkError, TimeoutError } from '../../src/errors.js';
import { CREDENTIALS, order, setup } from './_setup.js';

/** A client whose authorization goes to the fake and whose other calls get `answer`. */
function scripted(answer: () => Response) {
  const { fake } = setup();
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    return url.endsWith('/authorizations') ? fake.fetch(input, init) : answer();
  };
  return createPagoEfectivoClient({ ...CREDENTIALS, fetch, now: fake.now, retry: { retries: 0 } });
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('error mapping', () => {
  it('400 + code 111 → api_validation_failed with field errors (codes as strings or numbers)', async () => {
    const client = scripted(() =>
      json(400, {
        code: '111',
        message: 'Solicitud con datos inválidos.',
        data: [
          { code: '112', message: 'Requerido.', field: 'userEmail' },
          { code: 113, message: 'Valor invalido.', field: 'currency' },
        ],
      }),
    );
    const error = await client.createCip(order()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'api_validation_failed',
      status: 400,
      apiCode: '111',
      request: { method: 'POST', path: '/v1/cips' },
      fieldErrors: [
        { code: '112', message: 'Requerido.', field: 'userEmail' },
        { code: '113', message: 'Valor invalido.', field: 'currency' },
      ],
    });
    expect((error as Error).message).toContain('POST /v1/cips answered HTTP 400 (code 111)');
    expect((error as Error).message).toContain('userEmail, currency');
    expect(isCreationOutcomeUnknown(error)).toBe(false);
  });

  it('400 + code 508 → api_service_invalid', async () => {
    const client = scripted(() =>
      json(400, { code: 508, message: 'Servicio asociado al token es inválido.', data: null }),
    );
    await expect(client.searchCips(['1'])).rejects.toMatchObject({ code: 'api_service_invalid', apiCode: '508' });
  });

  it('400 + code 511 (the fake over its maxAmount) → api_amount_above_max', async () => {
    const { fake, client } = setup({ maxAmount: '1000.00' });
    await expect(client.createCip(order({ amount: '1000.01' }))).rejects.toMatchObject({
      code: 'api_amount_above_max',
      status: 400,
      apiCode: '511',
    });
    await expect(client.createCip(order({ amount: '1000.00' }))).resolves.toMatchObject({ amount: '1000.00' });
    expect(fake.stats().createCip).toBe(2);
  });

  it('500 + code 166 and any 5xx → api_server_error', async () => {
    const client = scripted(() => json(500, { code: 166, message: 'Error interno del servidor.', data: null }));
    await expect(client.searchCips(['1'])).rejects.toMatchObject({ code: 'api_server_error', apiCode: '166' });
    const proxy = scripted(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    await expect(proxy.searchCips(['1'])).rejects.toMatchObject({ code: 'api_server_error', status: 502 });
  });

  it('other statuses → api_error with the status', async () => {
    const client = scripted(() => json(418, { code: 999, message: 'Soy una tetera.', data: null }));
    await expect(client.deleteCip('1')).rejects.toMatchObject({ code: 'api_error', status: 418, apiCode: '999' });
  });

  it('a 2xx body that is not the envelope → api_unexpected_response, outcome unknown for createCip', async () => {
    const { fake, client } = setup();
    fake.failNext({ operation: 'createCip', kind: 'malformed' });
    const error = await client.createCip(order()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'api_unexpected_response', status: 200 });
    expect(isCreationOutcomeUnknown(error)).toBe(true);
    const odd = scripted(() => json(200, { code: 100, message: 'ok', data: { items: [] } }));
    await expect(odd.searchCips(['1'])).rejects.toMatchObject({ code: 'api_unexpected_response' });
    const badItem = scripted(() => json(200, { code: 100, data: [{ cip: 1, amount: 1.234, currency: 'PEN' }] }));
    await expect(badItem.searchCips(['1'])).rejects.toMatchObject({ code: 'api_unexpected_response' });
  });

  it('never puts the token or secret in messages or toJSON', async () => {
    const { fake, client } = setup();
    await client.authenticate();
    fake.failNext({ operation: 'searchCips', status: 503 });
    const error = await client.searchCips(['1']).catch((caught: unknown) => caught);
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toMatch(/eyJ|Bearer|exampleSecretKey/);
  });
});

describe('timeouts and network errors', () => {
  it('a slow createCip → TimeoutError, not retried, outcome unknown (the CIP exists at the fake)', async () => {
    const { fake, client } = setup({}, { timeoutMs: 50 });
    await client.authenticate();
    fake.delayNext({ operation: 'createCip', delayMs: 500 });
    const error = await client.createCip(order()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'timeout', request: { method: 'POST', path: '/v1/cips' } });
    expect((error as Error).message).toContain('50 ms');
    expect(isCreationOutcomeUnknown(error)).toBe(true);
    expect(fake.stats().createCip).toBe(1);
    expect(fake.getCip('2401557')?.state).toBe('generated');
  });

  it('a slow search is retried and then succeeds', async () => {
    const { fake, client } = setup({}, { timeoutMs: 50 });
    await client.authenticate();
    fake.delayNext({ operation: 'searchCips', delayMs: 500 });
    await expect(client.searchCips(['1'])).resolves.toEqual([]);
    expect(fake.stats().searchCips).toBe(2);
  });

  it('a dropped connection → NetworkError wrapping ofetch’s FetchError', async () => {
    const { fake, client } = setup({}, { retry: { retries: 0 } });
    fake.failNext({ operation: 'authorize', kind: 'network' });
    const error = await client.authenticate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).cause).toBeInstanceOf(FetchError);
    expect((error as Error).message).toContain('POST /v1/authorizations failed before a response arrived');
  });

  it('an unreachable host → NetworkError', async () => {
    const client = createPagoEfectivoClient({
      ...CREDENTIALS,
      baseUrl: 'http://127.0.0.1:9/v1/',
      retry: { retries: 0 },
    });
    await expect(client.authenticate()).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('retries', () => {
  it('retries search and expiry updates on 5xx up to retry.retries, then fails', async () => {
    const { fake, client } = setup({}, { retry: { retries: 2, baseDelayMs: 0 } });
    const { cip } = await client.createCip(order());
    fake.failNext({ operation: 'searchCips', count: 3 });
    await expect(client.searchCips([cip])).rejects.toMatchObject({ code: 'api_server_error' });
    expect(fake.stats().searchCips).toBe(3);
    fake.failNext({ operation: 'updateCipExpiry', count: 2 });
    await client.updateCipExpiry(cip, new Date(fake.now().getTime() + 86_400_000));
    expect(fake.stats().updateCipExpiry).toBe(3);
  });

  it('never retries createCip or deleteCip', async () => {
    const { fake, client } = setup({}, { retry: { retries: 5, baseDelayMs: 0 } });
    fake.failNext({ operation: 'createCip' });
    const error = await client.createCip(order()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'api_server_error' });
    expect(isCreationOutcomeUnknown(error)).toBe(true);
    expect(fake.stats().createCip).toBe(1);
    const { cip } = await client.createCip(order());
    fake.failNext({ operation: 'deleteCip', kind: 'network' });
    await expect(client.deleteCip(cip)).rejects.toBeInstanceOf(NetworkError);
    expect(fake.stats().deleteCip).toBe(1);
  });
});
