import { describe, expect, it } from 'vitest';
import { createHarness, eventTypes, HOUR, order } from './_harness.js';

describe('sweepExpired', () => {
  it('expires pending codes past expiry once the API confirms them unpaid (actor sweeper)', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    await h.codes.issue({ ...order('ORD-2'), expiresInHours: 48 });
    const idle = { paid: 0, review: 0, skipped: 0, unconfirmed: 0, errors: 0, released: 0, purged: 0 };
    expect(await h.codes.sweepExpired()).toEqual({ ...idle, expired: 0, changed: [], events: expect.any(Object) });
    h.advance(24 * HOUR + 11 * 60_000); // past the expiry and the 10-minute settlement grace
    expect(await h.codes.sweepExpired()).toEqual({
      ...idle,
      expired: 1,
      changed: [{ codeId: code.id, orderId: 'ORD-1', status: 'expired' }],
      events: expect.any(Object),
    });
    expect((await h.codes.get(code.id))?.status).toBe('expired');
    expect((await h.codes.get('ORD-2'))?.status).toBe('pending');
    expect((await h.codes.history(code.id)).at(-1)).toMatchObject({
      type: 'expired',
      actor: 'sweeper',
      reason: 'confirmed_with_api',
    });
    expect(h.fake.stats().searchCips).toBe(1);
  });

  it('recovers a payment whose webhook never arrived (source sweeper)', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    h.fake.setWebhookTarget(null);
    const paidAt = new Date(h.now().getTime() + HOUR);
    h.advance(2 * HOUR);
    await h.fake.pay(code.cip!, { paidAt });
    h.advance(23 * HOUR);
    expect(await h.codes.sweepExpired()).toMatchObject({ paid: 1, expired: 0 });
    const paid = (await h.codes.get(code.id))!;
    expect(paid).toMatchObject({ status: 'paid', payment: { source: 'sweeper', amountMinor: 15050, paidAt } });
    expect((await h.codes.history(code.id)).at(-1)).toMatchObject({
      type: 'paid',
      actor: 'sweeper',
      reason: 'confirmed_with_api',
      data: { source: 'sweeper', amountMinor: 15050, operationNumber: null },
    });
    // The recovered payment reaches fulfilment like a webhook's: one code.paid event from the sweeper.
    const { events } = await h.codes.events.list();
    expect(events.filter((outbox) => outbox.event.type === 'code.paid').map((outbox) => outbox.event)).toMatchObject([
      { codeId: code.id, source: 'sweeper' },
    ]);
  });

  it('leaves codes pending when the search fails, and retries them after the lease', async () => {
    const h = createHarness({ leaseMs: 60_000 });
    const { code } = await h.codes.issue(order('ORD-1'));
    h.advance(25 * HOUR);
    h.fake.failNext({ operation: 'searchCips' });
    expect(await h.codes.sweepExpired()).toMatchObject({ errors: 1, expired: 0 });
    expect((await h.codes.get(code.id))?.status).toBe('pending');
    // Still leased to the failed run: the next sweep does not see it yet.
    expect(await h.codes.sweepExpired()).toMatchObject({ errors: 0, expired: 0 });
    h.advance(60_001);
    expect(await h.codes.sweepExpired()).toMatchObject({ expired: 1 });
  });

  it('skips a code PagoEfectivo still reports payable (its expiry was extended there)', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    await h.client.updateCipExpiry(code.cip!, new Date(code.expiresAt.getTime() + 48 * HOUR));
    h.advance(25 * HOUR);
    expect(await h.codes.sweepExpired()).toMatchObject({ skipped: 1, expired: 0 });
    expect((await h.codes.get(code.id))?.status).toBe('pending');
  });

  it('leaves a code pending (unconfirmed) when the search answer omits its CIP: a missing fact is not "gone"', async () => {
    const h = createHarness(
      {},
      {
        wrapProvider: (client) => ({
          createCip: (input) => client.createCip(input),
          searchCips: async () => [],
          updateCipExpiry: (cip, expiresAt) => client.updateCipExpiry(cip, expiresAt),
          deleteCip: (cip) => client.deleteCip(cip),
        }),
      },
    );
    const { code } = await h.codes.issue(order('ORD-1'));
    h.advance(25 * HOUR);
    expect(await h.codes.sweepExpired()).toMatchObject({ unconfirmed: 1, expired: 0, changed: [] });
    expect((await h.codes.get(code.id))?.status).toBe('pending');
    expect(await eventTypes(h.codes, code.id)).toEqual(['reserved', 'created']);
    // Nor does a new code replace it while its CIP may still be payable.
    await expect(h.codes.issue(order('ORD-1'))).rejects.toMatchObject({
      code: 'order_previous_code_unconfirmed',
      details: { reason: 'absent', cip: code.cip },
    });
    expect(h.fake.stats().createCip).toBe(1);
  });

  it('two concurrent sweepers never process the same code twice', async () => {
    const h = createHarness();
    for (let index = 0; index < 10; index += 1) await h.codes.issue(order(`ORD-${index}`));
    h.advance(25 * HOUR);
    const [a, b] = await Promise.all([h.codes.sweepExpired({ limit: 6 }), h.codes.sweepExpired({ limit: 6 })]);
    expect(a.expired + b.expired).toBe(10);
    for (let index = 0; index < 10; index += 1) {
      const code = (await h.codes.get(`ORD-${index}`))!;
      expect((await eventTypes(h.codes, code.id)).filter((type) => type === 'expired')).toHaveLength(1);
    }
  });

  it('releases reservations whose lease ran out, so their orders can get a code', async () => {
    const h = createHarness({ leaseMs: 10_000, inFlightWaitMs: 10 });
    h.fake.delayNext({ operation: 'createCip', delayMs: 100 });
    const first = h.codes.issue(order('ORD-1'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const stale = (await h.codes.get('ORD-1'))!;
    h.advance(10_001);
    expect(await h.codes.sweepExpired()).toMatchObject({ released: 1 });
    expect(await eventTypes(h.codes, stale.id)).toEqual(['reserved', 'creation_failed', 'lease_taken_over']);
    expect((await h.codes.history(stale.id)).at(-1)).toMatchObject({ actor: 'sweeper' });
    // The slow worker's commit loses: it deletes its late CIP, re-reads the order and issues afresh.
    const resumed = await first;
    expect(resumed.created).toBe(true);
    expect(resumed.code.id).not.toBe(stale.id);
    const late = (await h.codes.get(stale.id))!;
    expect(h.fake.getCip(late.cip!)?.state).toBe('deleted');
    expect(h.fake.stats()).toMatchObject({ createCip: 2, deleteCip: 1 });
    await expect(h.codes.issue(order('ORD-1'))).resolves.toEqual({ code: resumed.code, created: false });
  });

  it('judges reservation leases on the service clock, not on the `now` it sweeps expiries for', async () => {
    const h = createHarness({ leaseMs: 10_000 });
    h.fake.delayNext({ operation: 'createCip', delayMs: 100 });
    const first = h.codes.issue(order('ORD-LIVE'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await h.codes.get('ORD-LIVE'))?.status).toBe('reserving');
    // A sweep asked about a later instant must not take over a reservation whose worker is alive.
    const later = new Date(h.now().getTime() + 2 * HOUR);
    expect(await h.codes.sweepExpired({ now: later })).toMatchObject({ released: 0 });
    await expect(first).resolves.toMatchObject({ created: true });
    expect(h.fake.stats()).toMatchObject({ createCip: 1, deleteCip: 0 });
  });
});
