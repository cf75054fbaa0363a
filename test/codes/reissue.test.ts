import { describe, expect, it } from 'vitest';
import { createHarness, eventTypes, HOUR, order } from './_harness.js';

describe('a new code for an order whose code expired (invariant 1)', () => {
  it('confirms the old CIP expired with the API, records the expiry, then issues a new code', async () => {
    const h = createHarness();
    const { code: old } = await h.codes.issue(order('ORD-1'));
    h.advance(24 * HOUR + 11 * 60_000); // past the expiry and the 10-minute settlement grace
    const { code, created } = await h.codes.issue(order('ORD-1', '99.90'));
    expect(created).toBe(true);
    expect(code).toMatchObject({ orderId: 'ORD-1', amount: '99.90', status: 'pending' });
    expect(code.cip).not.toBe(old.cip);
    expect(h.fake.stats()).toMatchObject({ searchCips: 1, createCip: 2 });
    expect((await h.codes.get(old.id))?.status).toBe('expired');
    expect((await h.codes.history(old.id)).at(-1)).toMatchObject({
      type: 'expired',
      reason: 'confirmed_with_api',
      actor: 'system',
    });
    expect((await h.codes.history(code.id))[0]).toMatchObject({ type: 'reserved', data: { replaces: old.id } });
    expect((await h.codes.get('ORD-1'))?.id).toBe(code.id);
  });

  it('re-confirms a code the sweeper already expired before replacing it', async () => {
    const h = createHarness();
    await h.codes.issue(order('ORD-1'));
    h.advance(25 * HOUR);
    await h.codes.sweepExpired();
    h.fake.clearRequests();
    await expect(h.codes.issue(order('ORD-1'))).resolves.toMatchObject({ created: true });
    expect(h.fake.stats()).toMatchObject({ searchCips: 1, createCip: 1 });
  });

  it('refuses with order_previous_code_unconfirmed when the search fails, and issues nothing', async () => {
    const h = createHarness();
    const { code: old } = await h.codes.issue(order('ORD-1'));
    h.advance(25 * HOUR);
    h.fake.failNext({ operation: 'searchCips', kind: 'network' });
    await expect(h.codes.issue(order('ORD-1'))).rejects.toMatchObject({
      code: 'order_previous_code_unconfirmed',
      details: { reason: 'network_error', cip: old.cip },
    });
    expect(h.fake.stats().createCip).toBe(1);
    expect(await h.codes.get('ORD-1')).toEqual(old);
  });

  it('refuses while PagoEfectivo still reports the old CIP payable', async () => {
    const h = createHarness();
    const { code: old } = await h.codes.issue(order('ORD-1'));
    h.advance(25 * HOUR);
    await h.codes.sweepExpired();
    // Someone revived the CIP at PagoEfectivo (documented: a PATCH returns an expired CIP to "generado").
    await h.client.updateCipExpiry(old.cip!, new Date(h.now().getTime() + 2 * HOUR));
    await expect(h.codes.issue(order('ORD-1'))).rejects.toMatchObject({
      code: 'order_previous_code_unconfirmed',
      details: { reason: 'payable' },
    });
    expect(h.fake.stats().createCip).toBe(1);
  });

  it('records the payment and refuses when the API says the old code was paid (missed webhook)', async () => {
    const h = createHarness();
    const { code: old } = await h.codes.issue(order('ORD-1'));
    h.fake.setWebhookTarget(null);
    await h.fake.pay(old.cip!);
    h.advance(25 * HOUR);
    await expect(h.codes.issue(order('ORD-1'))).rejects.toMatchObject({ code: 'order_already_paid' });
    expect(await h.codes.get('ORD-1')).toMatchObject({ id: old.id, status: 'paid', payment: { source: 'issue' } });
    expect(await eventTypes(h.codes, old.id)).toEqual(['reserved', 'created', 'paid']);
    expect(h.fake.stats().createCip).toBe(1);
  });

  it('gives a failed order (definite refusal) a new code without asking the API about a CIP that never existed', async () => {
    const h = createHarness();
    h.fake.failNext({ operation: 'createCip', status: 400, code: 111 });
    await expect(h.codes.issue(order('ORD-1'))).rejects.toBeDefined();
    await expect(h.codes.issue(order('ORD-1'))).resolves.toMatchObject({ created: true });
    expect(h.fake.stats()).toMatchObject({ searchCips: 0, createCip: 2 });
  });
});
