import { describe, expect, it } from 'vitest';
import type { CashCodeProvider } from '../../src/model/provider.js';
import { createHarness, eventTypes, HOUR, order } from './_harness.js';

describe('confirming an expired code before a new one is asked once, not once per caller', () => {
  it('100 concurrent re-issues send one search and one createCip', async () => {
    const h = createHarness();
    const { code: old } = await h.codes.issue(order('ORD-HERD'));
    h.advance(25 * HOUR);
    h.fake.clearRequests();
    const results = await Promise.all(Array.from({ length: 100 }, () => h.codes.issue(order('ORD-HERD'))));
    expect(h.fake.stats()).toMatchObject({ searchCips: 1, createCip: 1 });
    expect(new Set(results.map((result) => result.code.id)).size).toBe(1);
    expect(await eventTypes(h.codes, old.id)).toEqual(['reserved', 'created', 'expired']);
  });

  it('replays a failed confirmation to the concurrent callers instead of searching again', async () => {
    const h = createHarness();
    await h.codes.issue(order('ORD-DOWN'));
    h.advance(25 * HOUR);
    h.fake.clearRequests();
    h.fake.failNext({ operation: 'searchCips', kind: 'network', delayMs: 20 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => h.codes.issue(order('ORD-DOWN'))));
    const codes = results.map((result) =>
      result.status === 'rejected' ? (result.reason as { code: string }).code : 'ok',
    );
    expect(new Set(codes)).toEqual(new Set(['order_previous_code_unconfirmed']));
    expect(h.fake.stats()).toMatchObject({ searchCips: 1, createCip: 0 });
    // Once the replay window is over, the next call asks PagoEfectivo again and succeeds.
    h.advance(2_100);
    await expect(h.codes.issue(order('ORD-DOWN'))).resolves.toMatchObject({ created: true });
  });

  it('does not wait for its own turn when a sweeper expires the code right after it confirmed it', async () => {
    let sweepNow: (() => Promise<void>) | null = null;
    const h = createHarness(
      { inFlightWaitMs: 500 },
      {
        wrapProvider: (client): CashCodeProvider => ({
          createCip: (input) => client.createCip(input),
          updateCipExpiry: (cip, date) => client.updateCipExpiry(cip, date),
          deleteCip: (cip) => client.deleteCip(cip),
          async searchCips(cips) {
            const found = await client.searchCips(cips);
            const sweep = sweepNow;
            sweepNow = null;
            await sweep?.();
            return found;
          },
        }),
      },
    );
    const { code: old } = await h.codes.issue(order('ORD-SWEPT'));
    h.advance(25 * HOUR);
    sweepNow = async () => {
      expect(await h.codes.sweepExpired()).toMatchObject({ expired: 1 });
    };
    await expect(h.codes.issue(order('ORD-SWEPT'))).resolves.toMatchObject({ created: true });
    expect((await h.codes.get(old.id))?.status).toBe('expired');
  });
});
