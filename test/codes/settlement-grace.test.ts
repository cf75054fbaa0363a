import { describe, expect, it } from 'vitest';
import { createHarness, HOUR, order } from './_harness.js';

const GRACE = 10 * 60_000;

describe('settlementGraceMs: a payment made just before expiry but reported late (invariant 1)', () => {
  it('without a grace, a late report of a timely payment meets a replaced code (the hazard)', async () => {
    const h = createHarness({ settlementGraceMs: 0 });
    const { code: old } = await h.codes.issue(order('ORD-G0'));
    const paidAt = new Date(old.expiresAt.getTime() - 60_000);
    h.advance(24 * HOUR + 1000);
    // The API's "expired" is only the clock past dateExpiry: the order gets a second code at once…
    await expect(h.codes.issue(order('ORD-G0'))).resolves.toMatchObject({ created: true });
    // …and the buyer's payment, made a minute before expiry, is reported now: it meets a replaced code,
    // so it cannot be accepted on its own and waits for a person (never silently paid twice).
    await h.fake.pay(old.cip!, { paidAt, allowExpired: true });
    expect(h.outcomes.at(-1)).toMatchObject({
      kind: 'review',
      reason: 'code_replaced',
      message: expect.stringContaining("no longer its order's code"),
      code: { id: old.id, status: 'review', review: { previousStatus: 'expired' } },
    });
  });

  it('with a grace, issue and the sweeper wait, and the late report is accepted', async () => {
    const h = createHarness({ settlementGraceMs: GRACE });
    const { code: old } = await h.codes.issue(order('ORD-G1'));
    const paidAt = new Date(old.expiresAt.getTime() - 60_000);
    h.advance(24 * HOUR + 1000);
    await expect(h.codes.issue(order('ORD-G1'))).rejects.toMatchObject({
      code: 'order_previous_code_unconfirmed',
      message: expect.stringContaining('settlement grace'),
    });
    expect(await h.codes.sweepExpired()).toMatchObject({
      expired: 0,
      paid: 0,
      review: 0,
      skipped: 0,
      unconfirmed: 0,
      errors: 0,
      released: 0,
      changed: [],
    });
    expect(h.fake.stats().createCip).toBe(1);
    expect((await h.codes.get(old.id))?.status).toBe('pending');
    await h.fake.pay(old.cip!, { paidAt, allowExpired: true });
    expect(h.outcomes.at(-1)).toMatchObject({ kind: 'paid' });
    await expect(h.codes.issue(order('ORD-G1'))).rejects.toMatchObject({ code: 'order_already_paid' });
  });

  it('after the grace, the sweeper expires the code and the order may get a new one', async () => {
    const h = createHarness({ settlementGraceMs: GRACE });
    const { code: old } = await h.codes.issue(order('ORD-G2'));
    h.advance(24 * HOUR + GRACE + 1000);
    expect(await h.codes.sweepExpired()).toMatchObject({ expired: 1 });
    expect((await h.codes.get(old.id))?.status).toBe('expired');
    await expect(h.codes.issue(order('ORD-G2'))).resolves.toMatchObject({ created: true });
  });

  it('rejects a negative or fractional grace at construction', () => {
    expect(() => createHarness({ settlementGraceMs: -1 })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    expect(() => createHarness({ settlementGraceMs: 1.5 })).toThrow(/settlementGraceMs/);
  });
});
