import { describe, expect, it } from 'vitest';
import { createHarness, eventTypes, HOUR, noticeFromBody, order } from './_harness.js';

describe('cancel', () => {
  it('deletes the CIP at PagoEfectivo, then marks the code cancelled; repeating is a no-op', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    const cancelled = await h.codes.cancel('ORD-1');
    expect(cancelled).toMatchObject({ id: code.id, status: 'cancelled', version: code.version + 1 });
    expect(h.fake.getCip(code.cip!)?.state).toBe('deleted');
    expect((await h.codes.history(code.id)).at(-1)).toMatchObject({
      type: 'cancelled',
      actor: 'merchant',
      from: 'pending',
      to: 'cancelled',
    });
    await expect(h.codes.cancel('ORD-1')).resolves.toEqual(cancelled);
    expect(h.fake.stats().deleteCip).toBe(1);
  });

  it('refuses unknown orders, paid codes and codes being created', async () => {
    const h = createHarness();
    await expect(h.codes.cancel('NOPE')).rejects.toMatchObject({ code: 'code_not_found' });
    const { code } = await h.codes.issue(order('PAID'));
    await h.fake.pay(code.cip!);
    await expect(h.codes.cancel('PAID')).rejects.toMatchObject({
      code: 'code_not_cancellable',
      details: { status: 'paid' },
    });
    h.fake.delayNext({ operation: 'createCip', delayMs: 100 });
    const creating = h.codes.issue(order('SLOW'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(h.codes.cancel('SLOW')).rejects.toMatchObject({ code: 'order_code_in_flight' });
    await creating;
  });

  it('records a payment PagoEfectivo knows about (missed webhook) instead of cancelling', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    h.fake.setWebhookTarget(null);
    await h.fake.pay(code.cip!, { operationNumber: '42' });
    await expect(h.codes.cancel('ORD-1')).rejects.toMatchObject({ code: 'code_not_cancellable' });
    const paid = (await h.codes.get('ORD-1'))!;
    expect(paid).toMatchObject({
      status: 'paid',
      payment: { source: 'cancel', operationNumber: '', amountMinor: 15050 },
    });
    expect(await eventTypes(h.codes, code.id)).toEqual(['reserved', 'created', 'paid']);
    // The webhook arriving later is a duplicate of the recorded payment, not a second one.
    const outcome = await h.codes.applyPayment(noticeFromBody(h.fake.getCip(code.cip!)!.notification!.body));
    expect(outcome).toMatchObject({ kind: 'duplicate' });
    expect((await h.codes.get('ORD-1'))?.payment?.source).toBe('cancel');
  });

  it('cancels an expired order after confirming with the API; the order then never gets a code', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    h.advance(25 * HOUR);
    await h.codes.sweepExpired();
    const cancelled = await h.codes.cancel('ORD-1');
    expect(cancelled).toMatchObject({ id: code.id, status: 'cancelled' });
    expect(h.fake.stats().deleteCip).toBe(0);
    await expect(h.codes.issue(order('ORD-1'))).rejects.toMatchObject({ code: 'order_cancelled' });
  });

  it('surfaces the API error and changes nothing when deletion fails for another reason', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    h.fake.failNext({ operation: 'deleteCip' });
    h.fake.failNext({ operation: 'searchCips' });
    await expect(h.codes.cancel('ORD-1')).rejects.toMatchObject({ code: 'api_server_error' });
    expect(await h.codes.get('ORD-1')).toEqual(code);
    await expect(h.codes.cancel('ORD-1')).resolves.toMatchObject({ status: 'cancelled' });
  });
});
