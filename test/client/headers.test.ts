/**
 * Client hardening from the second protocol pass (protocol notes §12): the `Origin: web` header on
 * create-CIP, and a created CIP whose answer has no `cipUrl` (the official Android SDK's model has
 * none) is recorded with `cipUrl: null` instead of failing.
 * @see issue 13, "What the buyer sees"
 */
import { describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { createFakePagoEfectivo } from '../../src/testing/index.js';
import { CREDENTIALS, order, START } from './_setup.js';

type Seen = { path: string; method: string; headers: Headers };

/** A client on the fake whose fetch records every request's headers and may rewrite answers. */
function recordingClient(rewrite?: (path: string, body: string) => string) {
  const fake = createFakePagoEfectivo({ ...CREDENTIALS, start: START });
  const seen: Seen[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    seen.push({ path, method: request.method, headers: new Headers(request.headers) });
    const response = await fake.fetch(request);
    if (!rewrite) return response;
    const text = rewrite(path, await response.text());
    return new Response(text, { status: response.status, headers: response.headers });
  };
  const client = createPagoEfectivoClient({ ...CREDENTIALS, fetch, now: fake.now, retry: { baseDelayMs: 0 } });
  return { client, seen };
}

describe('request headers', () => {
  it('sends Origin: web on createCip, where the official PDF marks it mandatory', async () => {
    const { client, seen } = recordingClient();
    const created = await client.createCip(order());
    await client.searchCips([created.cip]);
    await client.updateCipExpiry(created.cip, new Date(START.getTime() + 72 * 3600_000));
    await client.deleteCip(created.cip);
    const create = seen.find((entry) => entry.path === '/v1/cips' && entry.method === 'POST');
    expect(create?.headers.get('origin')).toBe('web');
    expect(create?.headers.get('authorization')).toMatch(/^Bearer \S+$/);
    expect(create?.headers.get('content-type')).toBe('application/json');
    // The notes document Origin for no other call; those keep their documented headers only.
    const others = seen.filter((entry) => entry !== create);
    expect(others.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'POST /v1/authorizations',
      'POST /v1/cips/search',
      `PATCH /v1/cips/${created.cip}`,
      `DELETE /v1/cips/${created.cip}`,
    ]);
    for (const entry of others) expect(entry.headers.get('origin')).toBeNull();
  });
});

describe('a created CIP without cipUrl', () => {
  it.each([
    ['absent', (data: Record<string, unknown>) => delete data.cipUrl],
    ['null', (data: Record<string, unknown>) => (data.cipUrl = null)],
  ])('is recorded with cipUrl null when the field is %s', async (_case, strip) => {
    const { client } = recordingClient((path, body) => {
      if (path !== '/v1/cips') return body;
      const envelope = JSON.parse(body) as { data: Record<string, unknown> };
      strip(envelope.data);
      return JSON.stringify(envelope);
    });
    const created = await client.createCip(order());
    expect(created).toEqual({
      cip: '2401557',
      cipUrl: null,
      amount: '150.50',
      currency: 'PEN',
      transactionCode: 'ORD-0001',
      dateExpiry: new Date(START.getTime() + 48 * 3600_000),
    });
  });
});
