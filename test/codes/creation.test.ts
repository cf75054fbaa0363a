import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import type { CashCode } from '../../src/model/code.js';
import type { CashCodeProvider } from '../../src/model/provider.js';
import { createHarness, eventTypes, order, START } from './_harness.js';

/** The first CIP number the fake hands out. */
const FIRST_CIP = '2401557';

describe('two-phase creation', () => {
  it('marks the code failed on a definite API refusal, surfaces the API error, and lets the order retry', async () => {
    const h = createHarness();
    h.fake.failNext({ operation: 'createCip', status: 400, code: 111 });
    await expect(h.codes.issue(order('ORD-1'))).rejects.toMatchObject({
      name: 'ApiError',
      code: 'api_validation_failed',
    });
    const failed = (await h.codes.get('ORD-1'))!;
    expect(failed).toMatchObject({ status: 'failed', cip: null, leaseUntil: null });
    const history = await h.codes.history(failed.id);
    expect(history.map((entry) => [entry.type, entry.reason])).toEqual([
      ['reserved', null],
      ['provider_call', 'createCip'],
      ['creation_failed', 'creation_rejected'],
    ]);
    expect(history[1]).toMatchObject({ data: { outcome: 'error', httpStatus: 400, providerCode: '111' } });
    expect(history[2]).toMatchObject({ from: 'reserving', to: 'failed', data: { errorCode: 'api_validation_failed' } });
    const retry = await h.codes.issue(order('ORD-1'));
    expect(retry.created).toBe(true);
    expect(retry.code.id).not.toBe(failed.id);
    // No CIP existed, so nothing had to be confirmed with a search.
    expect(h.fake.stats().searchCips).toBe(0);
  });

  it.each([
    ['a 500', { operation: 'createCip' as const }],
    ['a dropped connection', { operation: 'createCip' as const, kind: 'network' as const }],
    ['an unreadable answer', { operation: 'createCip' as const, kind: 'malformed' as const }],
  ])('reports code_creation_outcome_unknown after %s and records the reason', async (_name, fault) => {
    const h = createHarness();
    h.fake.failNext(fault);
    const error = await h.codes.issue(order('ORD-1')).catch((caught: unknown) => caught);
    expect(isPagoEfectivoKitError(error, 'code_creation_outcome_unknown')).toBe(true);
    const failed = (await h.codes.get('ORD-1'))!;
    expect(failed.status).toBe('failed');
    expect((await h.codes.history(failed.id)).at(-1)).toMatchObject({
      type: 'creation_failed',
      reason: 'creation_outcome_unknown',
    });
    expect(h.logs.some((line) => line.level === 'error' && line.message === 'createCip failed')).toBe(true);
  });

  it('attributes a payment of an orphan CIP (timed-out creation) to its failed code instead of dropping it', async () => {
    const h = createHarness({}, { clientTimeoutMs: 50 });
    h.fake.delayNext({ operation: 'createCip', delayMs: 300 });
    await expect(h.codes.issue(order('ORD-1'))).rejects.toMatchObject({ code: 'code_creation_outcome_unknown' });
    const failed = (await h.codes.get('ORD-1'))!;
    // PagoEfectivo did create it: the residual risk of an API without idempotency keys.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.fake.getCip(FIRST_CIP)).toMatchObject({ transactionCode: failed.id, state: 'generated' });

    const { code: fresh } = await h.codes.issue(order('ORD-1'));
    expect(fresh.cip).not.toBe(FIRST_CIP);

    // Money for a code that is no longer its order's code: held for a person, never dropped or applied.
    await h.fake.pay(FIRST_CIP);
    expect(h.outcomes.at(-1)).toMatchObject({
      kind: 'review',
      reason: 'code_replaced',
      code: { id: failed.id, status: 'review', cip: FIRST_CIP },
    });
    await h.fake.pay(fresh.cip!);
    expect(h.outcomes.at(-1)).toMatchObject({ kind: 'paid' });
    // The orphan's notification again: the same payment, already held, is not recorded twice.
    await h.fake.redeliver(FIRST_CIP);
    expect(h.outcomes.at(-1)).toMatchObject({ kind: 'duplicate', code: { id: failed.id, status: 'review' } });

    const reviews = (await h.codes.history(failed.id)).filter((entry) => entry.type === 'review');
    expect(reviews.map((entry) => [entry.reason, entry.cip, entry.from, entry.to])).toEqual([
      ['code_replaced', FIRST_CIP, 'failed', 'review'],
    ]);
    expect((await h.codes.get(failed.id))?.payment).toMatchObject({ amountMinor: 15050, currency: 'PEN' });
    expect((await h.codes.get('ORD-1'))?.status).toBe('paid');
  });
});

describe('crash recovery', () => {
  it('takes over a reservation whose worker crashed (lease expired) so the order is never blocked', async () => {
    const h = createHarness({ leaseMs: 30_000, inFlightWaitMs: 10 });
    const crashed: CashCode = {
      id: 'pc_crashedworker000000001',
      orderId: 'ORD-CRASH',
      status: 'reserving',
      version: 0,
      cip: null,
      cipUrl: null,
      amount: '150.50',
      amountMinor: 15050,
      currency: 'PEN',
      fx: null,
      payer: { email: 'cliente@example.pe' },
      expiresAt: new Date(START.getTime() + 86_400_000),
      createdAt: START,
      updatedAt: START,
      leaseUntil: new Date(START.getTime() + 30_000),
      payment: null,
      metadata: {},
    };
    await h.store.claimOrder(crashed);
    // While the lease lasts, the order is in flight.
    await expect(h.codes.issue(order('ORD-CRASH'))).rejects.toMatchObject({ code: 'order_code_in_flight' });
    h.advance(30_001);
    const { code, created } = await h.codes.issue(order('ORD-CRASH'));
    expect(created).toBe(true);
    expect(code.id).not.toBe(crashed.id);
    expect((await h.codes.get(crashed.id))?.status).toBe('failed');
    expect(await eventTypes(h.codes, crashed.id)).toEqual(['creation_failed', 'lease_taken_over']);
    expect(h.fake.stats().createCip).toBe(1);
  });

  it('a hung worker that resumes after a takeover deletes its late CIP and returns the live code', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const hangFirst = (client: CashCodeProvider): CashCodeProvider => ({
      searchCips: (cips) => client.searchCips(cips),
      updateCipExpiry: (cip, date) => client.updateCipExpiry(cip, date),
      deleteCip: (cip) => client.deleteCip(cip),
      async createCip(input) {
        calls += 1;
        if (calls === 1) await gate;
        return client.createCip(input);
      },
    });
    const h = createHarness({ leaseMs: 30_000, inFlightWaitMs: 10 }, { wrapProvider: hangFirst });
    const hung = h.codes.issue(order('ORD-HUNG'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const stale = (await h.codes.get('ORD-HUNG'))!;
    expect(stale.status).toBe('reserving');
    h.advance(30_001);
    const taker = await h.codes.issue(order('ORD-HUNG'));
    expect(taker.created).toBe(true);
    release();
    const resumed = await hung;
    expect(resumed).toEqual({ code: taker.code, created: false });
    expect(h.fake.stats().createCip).toBe(2);
    expect(h.fake.stats().deleteCip).toBe(1);
    const late = (await h.codes.get(stale.id))!;
    expect(late).toMatchObject({ status: 'failed' });
    expect(h.fake.getCip(late.cip!)?.state).toBe('deleted');
    expect((await h.codes.history(stale.id)).map((entry) => entry.reason)).toEqual([
      null,
      'lease_expired',
      'lease_expired',
      // The hung worker's createCip, then its deletion of the late CIP.
      'createCip',
      'deleteCip',
      'orphan_cip_deleted',
    ]);
  });

  it('a request waiting on a reservation whose lease runs out takes it over and gets a code', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const hangFirst = (client: CashCodeProvider): CashCodeProvider => ({
      searchCips: (cips) => client.searchCips(cips),
      updateCipExpiry: (cip, date) => client.updateCipExpiry(cip, date),
      deleteCip: (cip) => client.deleteCip(cip),
      async createCip(input) {
        calls += 1;
        if (calls === 1) await gate;
        return client.createCip(input);
      },
    });
    const h = createHarness({ leaseMs: 30_000 }, { wrapProvider: hangFirst });
    const hung = h.codes.issue(order('ORD-WAITER'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const waiter = h.codes.issue(order('ORD-WAITER'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    h.advance(30_001);
    const taken = await waiter;
    expect(taken.created).toBe(true);
    release();
    await expect(hung).resolves.toEqual({ code: taken.code, created: false });
    expect(h.fake.stats()).toMatchObject({ createCip: 2, deleteCip: 1 });
  });
});
