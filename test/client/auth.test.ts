import { describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { AuthError } from '../../src/errors.js';
import { CREDENTIALS, order, START, setup } from './_setup.js';

describe('token cache', () => {
  it('reuses one token for many calls', async () => {
    const { fake, client } = setup();
    await client.createCip(order({ transactionCode: 'A' }));
    await client.createCip(order({ transactionCode: 'B' }));
    await client.searchCips(['2401557']);
    expect(fake.stats()).toMatchObject({ authorize: 1, createCip: 2, searchCips: 1 });
  });

  it('shares one in-flight authorization between 20 concurrent calls', async () => {
    const { fake, client } = setup();
    fake.delayNext({ operation: 'authorize', delayMs: 20 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => client.createCip(order({ transactionCode: `ORD-${index}` }))),
    );
    expect(new Set(results.map((result) => result.cip)).size).toBe(20);
    expect(fake.stats()).toMatchObject({ authorize: 1, createCip: 20 });
  });

  it('refreshes an expired token with one authorization for 20 concurrent calls', async () => {
    const { fake, client } = setup({ tokenLifetimeMs: 5 * 60_000 });
    await client.authenticate();
    fake.advance(10 * 60_000);
    await Promise.all(Array.from({ length: 20 }, () => client.searchCips(['1'])));
    expect(fake.stats()).toMatchObject({ authorize: 2, searchCips: 20 });
    expect(fake.requests().every((entry) => entry.status !== 401)).toBe(true);
  });

  it('re-authenticates once the token is within the refresh margin of tokenExpires', async () => {
    const { fake, client } = setup({ tokenLifetimeMs: 10 * 60_000 }, { tokenRefreshMarginMs: 60_000 });
    await client.searchCips(['1']);
    fake.advance(8 * 60_000);
    await client.searchCips(['1']);
    expect(fake.stats().authorize).toBe(1);
    fake.advance(61_000); // now 9:01 after the start: inside the one-minute margin
    await client.searchCips(['1']);
    expect(fake.stats().authorize).toBe(2);
  });

  it('re-authenticates after the token expired on the clock', async () => {
    const { fake, client } = setup({ tokenLifetimeMs: 5 * 60_000 });
    await client.authenticate();
    fake.advance(5 * 60_000 + 1);
    await client.createCip(order());
    expect(fake.stats()).toMatchObject({ authorize: 2, createCip: 1 });
    expect(fake.requests().map((entry) => entry.status)).toEqual([201, 201, 201]);
  });

  it('retries exactly once with a new token after a 401, transparently', async () => {
    const { fake, client } = setup();
    await client.authenticate();
    fake.revokeTokens();
    const created = await client.createCip(order());
    expect(created.cip).toBe('2401557');
    expect(fake.requests().map((entry) => `${entry.operation}:${entry.status}`)).toEqual([
      'authorize:201',
      'createCip:401',
      'authorize:201',
      'createCip:201',
    ]);
  });

  it('gives up with auth_token_rejected when the new token is refused too', async () => {
    const { fake, client } = setup();
    await client.authenticate();
    fake.revokeTokens();
    fake.failNext({ operation: 'searchCips', status: 401, code: 401, count: 2 });
    const error = await client.searchCips(['1']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'auth_token_rejected', status: 401 });
    expect(fake.stats()).toMatchObject({ authorize: 2, searchCips: 2 });
  });

  it('authenticate({ force: true }) always fetches a new token', async () => {
    const { fake, client } = setup();
    await client.authenticate();
    await client.authenticate();
    await client.authenticate({ force: true });
    expect(fake.stats().authorize).toBe(2);
  });

  it('maps refused credentials to auth_failed without leaking the secret', async () => {
    const { fake } = setup();
    const client = createPagoEfectivoClient({
      ...CREDENTIALS,
      secretKey: 'wrong-secret',
      fetch: fake.fetch,
      now: fake.now,
    });
    const error = await client.authenticate().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({
      code: 'auth_failed',
      status: 401,
      request: { method: 'POST', path: '/v1/authorizations' },
    });
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain('wrong-secret');
    expect(text).toContain('POST /v1/authorizations');
    expect(fake.stats().authorize).toBe(1); // a 4xx on auth is not retried
  });

  it('is refused when the clock is off by more than the fake tolerance', async () => {
    const { fake } = setup({ dateRequestToleranceMs: 60_000 });
    const skewed = () => new Date(START.getTime() + 2 * 60_000);
    const client = createPagoEfectivoClient({ ...CREDENTIALS, fetch: fake.fetch, now: skewed });
    await expect(client.authenticate()).rejects.toMatchObject({ code: 'auth_failed' });
  });

  it('retries a failed authorization after a 5xx (auth is idempotent)', async () => {
    const { fake, client } = setup();
    fake.failNext({ operation: 'authorize' });
    await client.authenticate();
    expect(fake.requests().map((entry) => entry.status)).toEqual([500, 201]);
  });

  it('lets the next call retry after a failed authorization instead of caching the failure', async () => {
    const { fake, client } = setup({}, { retry: { retries: 0 } });
    fake.failNext({ operation: 'authorize' });
    await expect(client.authenticate()).rejects.toMatchObject({ code: 'api_server_error' });
    await expect(client.authenticate()).resolves.toMatchObject({ codeService: 'TST' });
  });
});
