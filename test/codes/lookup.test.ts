import { describe, expect, it } from 'vitest';
import { createHarness, order } from './_harness.js';

describe('get and history', () => {
  it('finds a code by id, by order id and by CIP; null otherwise', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    expect(await h.codes.get(code.id)).toEqual(code);
    expect(await h.codes.get('ORD-1')).toEqual(code);
    expect(await h.codes.get(code.cip!)).toEqual(code);
    expect(await h.codes.get('ORD-404')).toBeNull();
    expect(await h.codes.get('')).toBeNull();
  });

  it('keeps an append-only history with actors, transitions and timestamps', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    h.advance(60_000);
    await h.fake.pay(code.cip!, { operationNumber: '777' });
    const history = await h.codes.history(code.id);
    expect(history.map(({ type, actor, from, to }) => ({ type, actor, from, to }))).toEqual([
      { type: 'reserved', actor: 'merchant', from: null, to: 'reserving' },
      { type: 'provider_call', actor: 'merchant', from: null, to: null },
      { type: 'created', actor: 'merchant', from: 'reserving', to: 'pending' },
      { type: 'paid', actor: 'pagoefectivo', from: 'pending', to: 'paid' },
    ]);
    expect(history[3]).toMatchObject({
      subject: code.id,
      orderId: 'ORD-1',
      cip: code.cip,
      at: h.now(),
      data: { operationNumber: '777' },
    });
    expect(history[0]!.at.getTime()).toBeLessThan(history[3]!.at.getTime());
    // Entries carry no payer data.
    expect(JSON.stringify(history)).not.toContain('cliente@example.pe');
  });

  it('never logs payer data through the logger', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    await h.fake.pay(code.cip!);
    await h.codes.cancel('ORD-1').catch(() => undefined);
    expect(h.logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(h.logs)).not.toMatch(/cliente@example\.pe|Quispe|exampleSecretKey|EXAMPLEACCESSKEY/);
  });
});
