import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import type { PaymentNotice } from '../../src/model/code.js';
import { createHarness, eventTypes, HOUR, order } from './_harness.js';

async function issued(orderId = 'ORD-1') {
  const h = createHarness();
  const { code } = await h.codes.issue(order(orderId));
  const notice: PaymentNotice = {
    cip: code.cip!,
    amountMinor: 15050,
    currency: 'PEN',
    operationNumber: '555001',
    source: 'webhook',
  };
  return { h, code, notice };
}

describe('applyPayment', () => {
  it('accepts the exact locked amount and currency of a pending CIP, delivered by the fake', async () => {
    const { h, code } = await issued();
    const report = await h.fake.pay(code.cip!, { operationNumber: '555001' });
    expect(report.delivered).toBe(true);
    expect(h.outcomes).toHaveLength(1);
    expect(h.outcomes[0]).toMatchObject({
      kind: 'paid',
      code: { id: code.id, status: 'paid', version: code.version + 1 },
    });
    const paid = (await h.codes.get(code.id))!;
    expect(paid.payment).toMatchObject({
      operationNumber: '555001',
      amountMinor: 15050,
      currency: 'PEN',
      source: 'webhook',
    });
    const last = (await h.codes.history(code.id)).at(-1);
    expect(last).toMatchObject({ type: 'paid', actor: 'pagoefectivo', from: 'pending', to: 'paid' });
  });

  it('answers duplicate to a redelivery: one transition, one duplicate entry however many repeats', async () => {
    const { h, code } = await issued();
    await h.fake.pay(code.cip!);
    await h.fake.redeliver(code.cip!);
    await h.fake.redeliver(code.cip!);
    expect(h.outcomes.map((outcome) => outcome.kind)).toEqual(['paid', 'duplicate', 'duplicate']);
    expect(await eventTypes(h.codes, code.id)).toEqual(['reserved', 'created', 'paid', 'payment_duplicate']);
  });

  it('20 concurrent deliveries of one payment make exactly one transition', async () => {
    const { h, code, notice } = await issued();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => h.codes.applyPayment(notice)));
    expect(outcomes.filter((outcome) => outcome.kind === 'paid')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'duplicate')).toHaveLength(19);
    const stored = (await h.codes.get(code.id))!;
    expect(stored.version).toBe(code.version + 1);
    expect((await eventTypes(h.codes, code.id)).filter((type) => type === 'paid')).toHaveLength(1);
  });

  it.each([
    ['a partial payment', { amount: '150.00' }, 'amount_mismatch', 'partial', 15000, 'PEN'],
    ['an over-payment', { amount: '151.00' }, 'amount_mismatch', 'over', 15100, 'PEN'],
    ['another currency', { currency: 'USD' }, 'currency_mismatch', undefined, 15050, 'USD'],
  ])(
    'holds %s for review, records it once and never marks the code paid',
    async (_name, payOptions, reason, kind, amountMinor, currency) => {
      const { h, code } = await issued();
      await h.fake.pay(code.cip!, payOptions);
      await h.fake.redeliver(code.cip!);
      // Every recorded notification is answered 200 (no retry); the redelivery is the same payment.
      expect(h.outcomes.map((outcome) => outcome.kind)).toEqual(['review', 'duplicate']);
      expect(h.outcomes[0]).toMatchObject({ reason, code: { id: code.id, status: 'review' } });
      if (kind !== undefined) expect(h.outcomes[0]?.kind === 'review' && h.outcomes[0].message).toContain(kind);
      const stored = (await h.codes.get(code.id))!;
      expect(stored.status).toBe('review');
      expect(stored.payment).toMatchObject({ amountMinor, currency, source: 'webhook' });
      expect(stored.review).toMatchObject({ reason, previousStatus: 'pending', decision: null });
      const history = await h.codes.history(code.id);
      expect(history.filter((entry) => entry.type === 'paid')).toEqual([]);
      const reviews = history.filter((entry) => entry.type === 'review');
      expect(reviews).toHaveLength(1);
      expect(reviews[0]).toMatchObject({ reason, actor: 'pagoefectivo', from: 'pending', to: 'review' });
      expect(await eventTypes(h.codes, code.id)).toEqual(['reserved', 'created', 'review', 'payment_duplicate']);
    },
  );

  it('rejects an unknown CIP and logs it under cip:<number>', async () => {
    const { h } = await issued();
    const outcome = await h.codes.applyPayment({
      cip: '99999999',
      amountMinor: 100,
      currency: 'PEN',
      operationNumber: '1',
    });
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'unknown_cip', code: null });
    await h.codes.applyPayment({ cip: '99999999', amountMinor: 100, currency: 'PEN', operationNumber: '1' });
    const log = await h.codes.history('cip:99999999');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      subject: 'cip:99999999',
      type: 'payment_rejected',
      reason: 'unknown_cip',
      orderId: null,
    });
  });

  it('holds a payment dated after the expiry of a still-pending code for review (paid_after_expiry)', async () => {
    const { h, code } = await issued();
    const outcome = await h.codes.applyPayment({
      cip: code.cip!,
      amountMinor: 15050,
      currency: 'PEN',
      operationNumber: '7',
      paidAt: new Date(code.expiresAt.getTime() + 1000),
    });
    expect(outcome).toMatchObject({ kind: 'review', reason: 'paid_after_expiry', code: { status: 'review' } });
    expect((await h.codes.get(code.id))?.status).toBe('review');
    expect((await eventTypes(h.codes, code.id)).filter((type) => type === 'paid')).toEqual([]);
  });

  it('holds a late payment of an expired code for review (paid_after_expiry), delivered by the fake', async () => {
    const { h, code } = await issued();
    h.advance(25 * HOUR);
    expect(await h.codes.sweepExpired()).toMatchObject({ expired: 1 });
    await h.fake.pay(code.cip!, { allowExpired: true });
    expect(h.outcomes.at(-1)).toMatchObject({ kind: 'review', reason: 'paid_after_expiry' });
    expect(await h.codes.get(code.id)).toMatchObject({ status: 'review', review: { previousStatus: 'expired' } });
    expect((await h.codes.history(code.id)).at(-1)).toMatchObject({ type: 'review', from: 'expired', to: 'review' });
  });

  it('holds a payment of a cancelled code for review (code_cancelled) and rejects another operation on a paid CIP', async () => {
    const { h, code, notice } = await issued();
    await h.codes.cancel('ORD-1');
    expect(await h.codes.applyPayment(notice)).toMatchObject({ kind: 'review', reason: 'code_cancelled' });
    const other = await issued('ORD-2');
    await other.h.codes.applyPayment(other.notice);
    const second = await other.h.codes.applyPayment({ ...other.notice, operationNumber: '555002' });
    expect(second).toMatchObject({ kind: 'rejected', reason: 'code_not_pending' });
    expect((await other.h.codes.get(other.code.id))?.payment?.operationNumber).toBe('555001');
    expect((await other.h.codes.history(other.code.id)).at(-1)).toMatchObject({
      type: 'payment_rejected',
      reason: 'code_not_pending',
    });
    expect((await h.codes.history(code.id)).at(-1)).toMatchObject({
      type: 'review',
      reason: 'code_cancelled',
      from: 'cancelled',
      to: 'review',
    });
  });

  it('refuses a malformed notice with a ValidationError naming the fields', async () => {
    const { h, notice } = await issued();
    const error = await h.codes
      .applyPayment({ ...notice, amountMinor: 150.5, operationNumber: '9'.repeat(65) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['amountMinor', 'operationNumber']);
  });

  it('accepts an empty operation number (the spec allows it): the CIP identifies the payment', async () => {
    const { h, code, notice } = await issued();
    expect(await h.codes.applyPayment({ ...notice, operationNumber: '' })).toMatchObject({ kind: 'paid' });
    expect(await h.codes.applyPayment({ ...notice, operationNumber: '' })).toMatchObject({ kind: 'duplicate' });
    expect((await h.codes.get(code.id))?.payment?.operationNumber).toBe('');
  });
});

describe('a webhook that arrives after the payment was recovered from a search', () => {
  it('is the same payment (duplicate), not a second one, when amount and currency match', async () => {
    const { h, code, notice } = await issued('ORD-LATE');
    const recovered = await h.codes.applyPayment({
      ...notice,
      operationNumber: `reconcile:${code.cip}`,
      source: 'reconcile',
    });
    expect(recovered.kind).toBe('paid');
    const late = await h.codes.applyPayment({ ...notice, operationNumber: '987654', source: 'webhook' });
    expect(late).toMatchObject({ kind: 'duplicate', code: { id: code.id, status: 'paid' } });
    expect((await h.codes.history(code.id)).filter((entry) => entry.type === 'payment_rejected')).toEqual([]);
  });

  it('is still refused and logged when its amount differs from the recovered payment', async () => {
    const { h, code, notice } = await issued('ORD-LATE-2');
    await h.codes.applyPayment({ ...notice, operationNumber: `reconcile:${code.cip}`, source: 'reconcile' });
    const odd = await h.codes.applyPayment({ ...notice, amountMinor: 100, operationNumber: '987655' });
    expect(odd).toMatchObject({ kind: 'rejected', reason: 'code_not_pending' });
    expect(await eventTypes(h.codes, code.id)).toContain('payment_rejected');
  });
});
