import { describe, expect, it } from 'vitest';
import type { LifecycleEntry } from '../../src/model/code.js';
import type { CashCodeProvider } from '../../src/model/provider.js';
import { createHarness, HOUR, order } from '../codes/_harness.js';

const calls = (history: LifecycleEntry[]) => history.filter((entry) => entry.type === 'provider_call');

describe('provider calls in the lifecycle log', () => {
  it('a wrapper that spreads the client and overrides a call is still the one called (its exchange log is not inherited)', async () => {
    const seen: string[] = [];
    const h = createHarness(
      {},
      {
        wrapProvider: (client) => ({
          ...client,
          createCip: (input) => {
            seen.push(input.transactionCode);
            return client.createCip(input);
          },
        }),
      },
    );
    const { code } = await h.codes.issue(order('ORD-1'));
    expect(seen).toEqual([code.id]);
    // Logged from the call's outcome (no HTTP details: the wrapper has no exchange log of its own).
    const [call] = calls(await h.codes.history(code.id));
    expect(call?.data).toMatchObject({ operation: 'createCip', outcome: 'ok' });
  });

  it('issue writes the createCip call (HTTP status, PagoEfectivo code and message, request id) in the creation commit', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    const history = await h.codes.history(code.id);
    expect(history.map((entry) => entry.type)).toEqual(['reserved', 'provider_call', 'created']);
    const [call] = calls(history);
    expect(call).toMatchObject({
      subject: code.id,
      orderId: 'ORD-1',
      cip: code.cip,
      actor: 'merchant',
      reason: 'createCip',
    });
    expect(call?.data).toMatchObject({
      operation: 'createCip',
      outcome: 'ok',
      // The fake answers a creation with 201 Created.
      httpStatus: 201,
      providerCode: '100',
      errorCode: null,
    });
    expect(typeof call?.data.providerMessage).toBe('string');
    expect(call?.data.requestId).toMatch(/^pek_/);
    expect(call?.data.durationMs).toBeGreaterThanOrEqual(0);
    expect(call?.data.attempts).toHaveLength(1);
    // Never the request body or headers: no payer data, no key, no token.
    expect(JSON.stringify(call)).not.toMatch(/cliente@example\.pe|Quispe|exampleSecretKey|EXAMPLEACCESSKEY|Bearer/);
  });

  it('a refused createCip is logged with its HTTP status and PagoEfectivo code in the failure commit', async () => {
    const h = createHarness();
    h.fake.failNext({ operation: 'createCip', status: 400, code: 111 });
    await expect(h.codes.issue(order('ORD-1'))).rejects.toMatchObject({ code: 'api_validation_failed' });
    const failed = await h.store.getCodeByOrder('ORD-1');
    const history = await h.codes.history(failed!.id);
    expect(history.map((entry) => entry.type)).toEqual(['reserved', 'provider_call', 'creation_failed']);
    expect(calls(history)[0]?.data).toMatchObject({
      outcome: 'error',
      httpStatus: 400,
      providerCode: '111',
      errorCode: 'api_validation_failed',
    });
  });

  it('a createCip that gets no answer is logged without a status', async () => {
    const h = createHarness();
    h.fake.failNext({ operation: 'createCip', kind: 'network' });
    await expect(h.codes.issue(order('ORD-1'))).rejects.toMatchObject({ code: 'code_creation_outcome_unknown' });
    const failed = await h.store.getCodeByOrder('ORD-1');
    expect(calls(await h.codes.history(failed!.id))[0]?.data).toMatchObject({
      outcome: 'error',
      httpStatus: null,
      errorCode: 'network_error',
    });
  });

  it('the sweeper logs its search for every code of the batch, and cancel logs its delete', async () => {
    const h = createHarness();
    const first = await h.codes.issue({ ...order('ORD-1'), expiresInHours: 1 });
    const second = await h.codes.issue({ ...order('ORD-2'), expiresInHours: 1 });
    h.advance(2 * HOUR);
    const summary = await h.codes.sweepExpired();
    expect(summary.expired).toBe(2);
    for (const code of [first.code, second.code]) {
      const history = await h.codes.history(code.id);
      expect(history.map((entry) => entry.type)).toEqual([
        'reserved',
        'provider_call',
        'created',
        'provider_call',
        'expired',
      ]);
      expect(history[3]).toMatchObject({ actor: 'sweeper', reason: 'searchCips' });
      expect(history[3]?.data).toMatchObject({
        operation: 'searchCips',
        outcome: 'ok',
        httpStatus: 200,
        providerCode: '100',
      });
    }

    const third = await h.codes.issue(order('ORD-3'));
    await h.codes.cancel('ORD-3');
    const history = await h.codes.history(third.code.id);
    expect(history.map((entry) => [entry.type, entry.reason])).toEqual([
      ['reserved', null],
      ['provider_call', 'createCip'],
      ['created', null],
      ['provider_call', 'deleteCip'],
      ['cancelled', null],
    ]);
    expect(history[3]?.data).toMatchObject({ outcome: 'ok', httpStatus: 200 });
  });

  it('a sweep whose search fails logs the failure and leaves the codes pending', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue({ ...order('ORD-1'), expiresInHours: 1 });
    h.advance(2 * HOUR);
    h.fake.failNext({ operation: 'searchCips', status: 503, code: 166 });
    const summary = await h.codes.sweepExpired();
    expect(summary.errors).toBe(1);
    const last = (await h.codes.history(code.id)).at(-1);
    expect(last).toMatchObject({ type: 'provider_call', reason: 'searchCips' });
    expect(last?.data).toMatchObject({
      outcome: 'error',
      httpStatus: 503,
      providerCode: '166',
      errorCode: 'api_server_error',
    });
    expect((await h.store.getCode(code.id))?.status).toBe('pending');
  });

  it('a provider without an exchange log still gets its calls logged from their outcome', async () => {
    const h = createHarness(
      {},
      {
        wrapProvider: (client): CashCodeProvider => ({
          createCip: (input) => client.createCip(input),
          searchCips: (cips, references) => client.searchCips(cips, references),
          updateCipExpiry: (cip, date) => client.updateCipExpiry(cip, date),
          deleteCip: async () => {
            throw new Error('gateway down');
          },
        }),
      },
    );
    const { code } = await h.codes.issue(order('ORD-1'));
    await expect(h.codes.cancel('ORD-1')).rejects.toThrow('gateway down');
    const history = calls(await h.codes.history(code.id));
    expect(history.map((entry) => [entry.reason, entry.data.outcome, entry.data.httpStatus])).toEqual([
      ['createCip', 'ok', null],
      ['deleteCip', 'error', null],
      // The delete failed, so cancel searched to see whether the CIP is gone.
      ['searchCips', 'ok', null],
    ]);
    expect(history[1]?.data).toMatchObject({
      errorCode: 'provider_error',
      attempts: [{ errorCode: 'provider_error' }],
    });
    expect(JSON.stringify(history)).not.toContain('gateway down');
  });

  it('a store failure while logging a call never changes the payment operation', async () => {
    let failAppends = false;
    const h = createHarness(
      {},
      {
        wrapStore: (store) => {
          const wrapped = Object.create(store);
          wrapped.appendRecords = async (batch: Parameters<typeof store.appendRecords>[0]) => {
            if (failAppends) throw new Error('store down');
            return store.appendRecords(batch);
          };
          return wrapped;
        },
      },
    );
    const { code } = await h.codes.issue({ ...order('ORD-1'), expiresInHours: 1 });
    h.advance(2 * HOUR);
    failAppends = true;
    const summary = await h.codes.sweepExpired();
    expect(summary).toMatchObject({ expired: 1, errors: 0 });
    expect(h.logs.some((line) => line.message === 'could not log a provider call')).toBe(true);
    expect((await h.store.getCode(code.id))?.status).toBe('expired');
  });

  it('webhook notifications record that they verified and what the handler answered', async () => {
    const { createWebhookHandler } = await import('../../src/webhooks/index.js');
    const h = createHarness();
    const handler = createWebhookHandler({ secretKey: 'exampleSecretKey/abc+123=', codes: h.codes });
    h.fake.setWebhookTarget({ handler: (request) => handler(request) });
    const { code } = await h.codes.issue(order('ORD-1'));
    const report = await h.fake.pay(code.cip as string, { operationNumber: '4242' });
    expect(report.attempts).toEqual([{ status: 200 }]);
    await h.fake.redeliver(code.cip as string);
    const history = await h.codes.history(code.id);
    const paid = history.find((entry) => entry.type === 'paid');
    expect(paid?.data).toMatchObject({ verified: true, httpStatus: 200, operationNumber: '4242' });
    const duplicate = history.find((entry) => entry.type === 'payment_duplicate');
    expect(duplicate?.data).toMatchObject({ verified: true, httpStatus: 200 });
    // The event keeps the payment's facts only.
    const { events } = await h.store.listEvents({ codeId: code.id });
    expect(events.find((item) => item.event.type === 'code.paid')?.event.data).not.toHaveProperty('verified');

    const refused = createWebhookHandler({
      secretKey: 'exampleSecretKey/abc+123=',
      codes: h.codes,
      refusedStatus: 422,
    });
    h.fake.setWebhookTarget({ handler: (request) => refused(request) });
    const other = await h.codes.issue(order('ORD-2'));
    await h.fake.pay(other.code.cip as string, { amount: '1.00' });
    const review = (await h.codes.history(other.code.id)).find((entry) => entry.type === 'review');
    expect(review?.data).toMatchObject({ verified: true, httpStatus: 422 });
  });
});
