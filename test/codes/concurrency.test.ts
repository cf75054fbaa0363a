import { describe, expect, it } from 'vitest';
import { createHarness, eventTypes, order } from './_harness.js';

describe('issue under concurrency (invariant 1)', () => {
  it('100 concurrent issues for one order send exactly one createCip and all get that code', async () => {
    const h = createHarness();
    const results = await Promise.all(Array.from({ length: 100 }, () => h.codes.issue(order('ORD-RACE'))));
    expect(h.fake.stats().createCip).toBe(1);
    const ids = new Set(results.map((result) => result.code.id));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(results.every((result) => result.code.status === 'pending' && result.code.cip !== null)).toBe(true);
    const [id] = ids;
    expect(await eventTypes(h.codes, id!)).toEqual(['reserved', 'created']);
  });

  it('still sends one createCip when PagoEfectivo answers slowly', async () => {
    const h = createHarness();
    h.fake.delayNext({ operation: 'createCip', delayMs: 30 });
    const results = await Promise.all(Array.from({ length: 20 }, () => h.codes.issue(order('ORD-SLOW'))));
    expect(h.fake.stats().createCip).toBe(1);
    expect(new Set(results.map((result) => result.code.cip)).size).toBe(1);
  });

  it('keeps orders independent: 50 orders issued concurrently get 50 codes and 50 CIPs', async () => {
    const h = createHarness();
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => h.codes.issue(order(`ORD-${index}`))));
    expect(h.fake.stats().createCip).toBe(50);
    expect(new Set(results.map((result) => result.code.cip)).size).toBe(50);
  });

  it('answers order_code_in_flight when the first request does not commit within inFlightWaitMs', async () => {
    const h = createHarness({ inFlightWaitMs: 20 });
    h.fake.delayNext({ operation: 'createCip', delayMs: 500 });
    const first = h.codes.issue(order('ORD-WAIT'));
    // Let the first call claim the order before the second one looks.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(h.codes.issue(order('ORD-WAIT'))).rejects.toMatchObject({ code: 'order_code_in_flight' });
    await expect(first).resolves.toMatchObject({ created: true });
    await expect(h.codes.issue(order('ORD-WAIT'))).resolves.toMatchObject({ created: false });
    expect(h.fake.stats().createCip).toBe(1);
  });

  it('tells concurrent waiters when the creation they waited for failed, instead of creating again', async () => {
    const h = createHarness();
    h.fake.failNext({ operation: 'createCip', status: 400, code: 111, delayMs: 20 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => h.codes.issue(order('ORD-FAIL'))));
    expect(h.fake.stats().createCip).toBe(1);
    const codes = results.map((result) =>
      result.status === 'rejected' ? (result.reason as { code: string }).code : 'ok',
    );
    expect(codes.filter((code) => code === 'api_validation_failed')).toHaveLength(1);
    expect(codes.filter((code) => code === 'order_code_in_flight')).toHaveLength(9);
    // The order may retry: the next issue creates a fresh code.
    await expect(h.codes.issue(order('ORD-FAIL'))).resolves.toMatchObject({ created: true });
  });
});
