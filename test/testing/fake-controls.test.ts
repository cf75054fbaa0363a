import { describe, expect, it, vi } from 'vitest';
import { ConfigurationError, ValidationError } from '../../src/errors.js';
import { createFakePagoEfectivo, FAKE_OPERATIONS } from '../../src/testing/index.js';

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const START = new Date('2024-03-05T15:15:30Z');
const search = { method: 'POST', body: '{"data":[{"cip":1}]}' };

describe('fake fault injection', () => {
  it('fails the next request with 500 / 166 by default, then recovers', async () => {
    const fake = createFakePagoEfectivo({ ...CREDS, start: START });
    fake.failNext();
    const failed = await fake.fetch(`${fake.baseUrl}cips/search`, search);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ code: 166, message: 'Error interno del servidor.', data: null });
    expect((await fake.fetch(`${fake.baseUrl}cips/search`, search)).status).toBe(401); // normal handling again
  });

  it('targets one operation, counts uses and supports custom status/code', async () => {
    const fake = createFakePagoEfectivo({ ...CREDS, start: START });
    fake.failNext({ operation: 'createCip', status: 400, code: 508, count: 2 });
    expect((await fake.fetch(`${fake.baseUrl}cips/search`, search)).status).toBe(401);
    for (let index = 0; index < 2; index++) {
      const answer = await fake.fetch(`${fake.baseUrl}cips`, { method: 'POST', body: '{}' });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { code: number }).code).toBe(508);
    }
    expect((await fake.fetch(`${fake.baseUrl}cips`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('simulates a dropped connection as fetch does (TypeError "fetch failed")', async () => {
    const fake = createFakePagoEfectivo({ ...CREDS, start: START });
    fake.failNext({ kind: 'network' });
    await expect(fake.fetch(`${fake.baseUrl}cips/search`, search)).rejects.toThrow(TypeError);
    expect(fake.requests()[0]?.status).toBe('network');
  });

  it('delayNext answers late but the request still takes effect; fetch honours abort signals', async () => {
    const fake = createFakePagoEfectivo({ ...CREDS, start: START });
    fake.delayNext({ operation: 'createCip', delayMs: 200 });
    const controller = new AbortController();
    const pending = fake.fetch(`${fake.baseUrl}cips`, { method: 'POST', body: '{}', signal: controller.signal });
    await vi.waitFor(() => expect(fake.requests()[0]?.status).toBe(401)); // processed, answer held back
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
    const aborted = AbortSignal.abort(new Error('already aborted'));
    await expect(fake.fetch(`${fake.baseUrl}cips`, { method: 'POST', signal: aborted })).rejects.toThrow(
      'already aborted',
    );
  });

  it('rejects bad fault specs', () => {
    const fake = createFakePagoEfectivo({ ...CREDS, start: START });
    expect(() => fake.failNext({ count: 0 })).toThrow(ValidationError);
    expect(() => fake.delayNext({ delayMs: -1 })).toThrow(ValidationError);
  });
});

describe('fake clock, log and options', () => {
  it('freezes the clock at start and moves it only with advance', () => {
    const fake = createFakePagoEfectivo({ ...CREDS, start: START });
    expect(fake.now()).toEqual(START);
    fake.advance(1500);
    expect(fake.now()).toEqual(new Date(START.getTime() + 1500));
    expect(() => fake.advance(-1)).toThrow(ValidationError);
    let base = START.getTime();
    const following = createFakePagoEfectivo({ ...CREDS, now: () => new Date(base) });
    base += 10_000;
    following.advance(5);
    expect(following.now()).toEqual(new Date(START.getTime() + 10_005));
  });

  it('counts requests per operation and can forget them', async () => {
    const fake = createFakePagoEfectivo({ ...CREDS, start: START });
    await fake.fetch(`${fake.baseUrl}cips/search`, search);
    await fake.fetch('/v1/cips', { method: 'POST', body: '{}' });
    const stats = fake.stats();
    expect(Object.keys(stats).sort()).toEqual([...FAKE_OPERATIONS, 'total', 'unknown'].sort());
    expect(stats).toMatchObject({ searchCips: 1, createCip: 1, authorize: 0, total: 2 });
    expect(fake.requests().map((entry) => [entry.operation, entry.path, entry.status])).toEqual([
      ['searchCips', '/v1/cips/search', 401],
      ['createCip', '/v1/cips', 401],
    ]);
    fake.clearRequests();
    expect(fake.stats().total).toBe(0);
  });

  it.each([
    ['a missing accessKey', { accessKey: undefined }],
    ['a bad serviceId', { serviceId: 'x' }],
    ['a bad maxAmount', { maxAmount: '1.234' }],
    ['a bad webhook target', { webhook: { url: 'nope' } }],
    ['a negative token lifetime', { tokenLifetimeMs: -1 }],
  ])('throws ConfigurationError for %s', (_name, change) => {
    expect(() => createFakePagoEfectivo({ ...CREDS, ...change } as never)).toThrow(ConfigurationError);
  });

  it('serves over HTTP and closes cleanly (twice is harmless)', async () => {
    const fake = createFakePagoEfectivo({ ...CREDS, start: START });
    const url = await fake.listen();
    expect(await fake.listen()).toBe(url);
    const answer = await fetch(`${url}cips/search`, search);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toContain('application/json');
    await fake.close();
    await fake.close();
    await expect(fetch(`${url}cips/search`, search)).rejects.toThrow();
  });
});
