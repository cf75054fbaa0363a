import { describe, expect, it } from 'vitest';
import type { ClientRequestEvent, ClientResponseEvent } from '../../src/client/index.js';
import type { CashCodesMetrics } from '../../src/observability/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { CREDENTIALS, FORBIDDEN, order, WEBHOOK_SECRET, world } from './_otel.js';

/** Wrap a fetch to learn the secrets on the wire: the bearer token and the auth hash. */
function recordingFetch(inner: typeof fetch, secrets: Set<string>): typeof fetch {
  return async (input, init) => {
    const auth = new Headers(init?.headers).get('authorization');
    if (auth) secrets.add(auth.replace(/^Bearer /, ''));
    if (typeof init?.body === 'string') {
      const hash = /"hashString":"([^"]+)"/.exec(init.body)?.[1];
      if (hash) secrets.add(hash);
    }
    const response = await inner(input, init);
    const clone = response.clone();
    const token = /"token":"([^"]+)"/.exec(await clone.text())?.[1];
    if (token) secrets.add(token);
    return response;
  };
}

describe('client hooks', () => {
  it('see method, path, status, duration, request id and attempt, and never a secret, token, hash or body', async () => {
    const events: (ClientRequestEvent | ClientResponseEvent)[] = [];
    const secrets = new Set<string>([CREDENTIALS.secretKey, CREDENTIALS.accessKey]);
    const base = world();
    const { codes } = world(
      {},
      {
        fetch: recordingFetch(base.fake.fetch as typeof fetch, secrets),
        hooks: { onRequest: (event) => events.push(event), onResponse: (event) => events.push(event) },
      },
    );
    const { code } = await codes.issue(order('ORD-HOOK-1'));
    expect(secrets.size).toBeGreaterThanOrEqual(4); // keys, hash and token were really on the wire

    const responses = events.filter((event): event is ClientResponseEvent => 'status' in event);
    expect(responses.map((event) => [event.operation, event.method, event.path, event.status, event.attempt])).toEqual([
      ['authorize', 'POST', '/v1/authorizations', 201, 1],
      ['createCip', 'POST', '/v1/cips', 201, 1],
    ]);
    for (const event of responses) {
      expect(event.durationMs).toBeGreaterThanOrEqual(0);
      expect(event.requestId).toMatch(/^pek_/);
      expect(event.errorCode).toBeNull();
    }
    expect(events[0]).toMatchObject({ operation: 'authorize', attempt: 1 });
    expect(events[0]!.clientRequestId).toBe(events[1]!.clientRequestId);
    const text = JSON.stringify(events);
    for (const secret of [...secrets, ...FORBIDDEN]) expect(text).not.toContain(secret);
    expect(text).not.toContain('hashString');
    expect(code.cip).toMatch(/^\d+$/);
  });

  it('client.on adds and removes hooks; retries count attempts; a PagoEfectivo request id header wins', async () => {
    const { fake } = world();
    const fetchWithId: typeof fetch = async (input, init) => {
      const response = await (fake.fetch as typeof fetch)(input, init);
      const headers = new Headers(response.headers);
      headers.set('x-request-id', 'pe-req-42');
      return new Response(await response.text(), { status: response.status, headers });
    };
    const { client } = world({}, { fetch: fetchWithId, retry: { retries: 2, baseDelayMs: 0 } });
    const seen: ClientResponseEvent[] = [];
    const off = client.on('response', (event) => seen.push(event));
    fake.failNext({ operation: 'authorize', status: 503 });
    await client.authenticate();
    expect(seen.map((event) => [event.status, event.attempt, event.requestId])).toEqual([
      [503, 1, 'pe-req-42'],
      [201, 2, 'pe-req-42'],
    ]);
    expect(seen[0]!.errorCode).not.toBeNull();
    off();
    await client.authenticate({ force: true });
    expect(seen).toHaveLength(2);
  });

  it('a throwing hook never breaks a call; bad hooks are a ConfigurationError', async () => {
    const boom = (): never => {
      throw new Error('hook down');
    };
    const { codes, client } = world({}, { hooks: { onRequest: boom, onResponse: boom } });
    client.on('request', boom);
    expect((await codes.issue(order('ORD-HOOK-2'))).created).toBe(true);
    expect(() => world({}, { hooks: { onRequest: 1 as never } })).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
    expect(() => world({}, { hooks: 'x' as never })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    expect(() => client.on('nope' as never, () => {})).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });
});

describe('metrics hook', () => {
  it('counts codes issued, payments by outcome, webhook latency and events pending', async () => {
    const calls: [string, unknown][] = [];
    const metrics: CashCodesMetrics = {
      codeIssued: (data) => calls.push(['codeIssued', data]),
      paymentApplied: (data) => calls.push(['paymentApplied', data]),
      webhookHandled: (data) => calls.push(['webhookHandled', data]),
      eventsPending: (data) => calls.push(['eventsPending', data]),
    };
    const { codes, fake } = world({ metrics, onEvent: () => {} });
    const { code } = await codes.issue(order('ORD-MET-1'));
    await codes.issue(order('ORD-MET-1')); // the existing code: not a new one
    fake.setWebhookTarget({ handler: createWebhookHandler({ secretKey: WEBHOOK_SECRET, codes, metrics }) });
    await fake.pay(code.cip!);
    await fake.redeliver(code.cip!);
    const { code: other } = await codes.issue(order('ORD-MET-2'));
    await fake.pay(other.cip!, { amount: '100.00' });
    await codes.applyPayment({ cip: '999999999', amountMinor: 100, currency: 'PEN', operationNumber: '1' });

    const of = (name: string) => calls.filter(([kind]) => kind === name).map(([, data]) => data);
    expect(of('codeIssued')).toEqual([
      { currency: 'PEN', amountMinor: 15050 },
      { currency: 'PEN', amountMinor: 15050 },
    ]);
    expect(of('paymentApplied')).toEqual([
      { outcome: 'paid', source: 'webhook', reason: null },
      { outcome: 'duplicate', source: 'webhook', reason: null },
      { outcome: 'review', source: 'webhook', reason: 'amount_mismatch' },
      { outcome: 'rejected', source: 'webhook', reason: 'unknown_cip' },
    ]);
    const webhooks = of('webhookHandled') as { durationMs: number; status: number }[];
    expect(webhooks.length).toBeGreaterThanOrEqual(3);
    for (const entry of webhooks) {
      expect(entry.status).toBe(200);
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(of('eventsPending').length).toBeGreaterThan(0);
    expect(of('eventsPending').at(-1)).toEqual({ pending: 0 });
    const text = JSON.stringify(calls);
    for (const forbidden of FORBIDDEN) expect(text).not.toContain(forbidden);
  });

  it('a throwing metric does not change the outcome; a bad metric is a ConfigurationError', async () => {
    const boom = (): never => {
      throw new Error('metrics down');
    };
    const metrics = { codeIssued: boom, paymentApplied: boom, webhookHandled: boom, eventsPending: boom };
    const { codes, fake } = world({ metrics, onEvent: () => {} });
    const { code } = await codes.issue(order('ORD-MET-3'));
    fake.setWebhookTarget({ handler: createWebhookHandler({ secretKey: WEBHOOK_SECRET, codes, metrics }) });
    expect((await fake.pay(code.cip!)).attempts).toEqual([{ status: 200 }]);
    expect(await codes.get('ORD-MET-3')).toMatchObject({ status: 'paid' });
    expect(() => world({ metrics: { codeIssued: 1 } as never })).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
    expect(() => world({ metrics: 'x' as never })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });
});
