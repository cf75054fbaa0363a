import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import type { CashCode } from '../../src/model/code.js';
import { memoryStore } from '../../src/storage/memory.js';
import { sampleCode } from './_fixtures/records.js';

const DAY = 86_400_000;

function clock(start = Date.UTC(2026, 2, 1, 15)) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

const entry = (subject: string, n: number) => ({
  id: `${subject}-e${n}`,
  subject,
  orderId: null,
  cip: null,
  type: 'note' as const,
  actor: 'system' as const,
  at: new Date(Date.UTC(2026, 2, 1)),
  reason: null,
  from: null,
  to: null,
  data: { n },
});

const event = (codeId: string, n: number) => ({
  id: `${codeId}-ev${n}`,
  type: 'code.paid' as const,
  codeId,
  orderId: null,
  cip: null,
  at: new Date(Date.UTC(2026, 2, 1)),
  source: 'webhook' as const,
  data: {},
});

/** A store holding one code per status, each with two log entries and one event, updated at `now`. */
async function seeded(retainFinalMs = 30 * DAY) {
  const time = clock();
  const store = memoryStore({ now: time.now, retainFinalMs });
  const codes = new Map<CashCode['status'], CashCode>();
  for (const status of [
    'reserving',
    'pending',
    'paid',
    'expired',
    'cancelled',
    'failed',
    'review',
    'refund_required',
  ] as const) {
    const code = sampleCode({
      status,
      updatedAt: new Date(time.now()),
      cip: status === 'reserving' ? null : `9${Math.floor(Math.random() * 1e12)}`,
    });
    await store.claimOrder(code, { entries: [entry(code.id, 1), entry(code.id, 2)], events: [event(code.id, 1)] });
    codes.set(status, code);
  }
  return { store, time, codes };
}

async function deliverAll(store: ReturnType<typeof memoryStore>, now: Date): Promise<void> {
  const claimed = await store.claimEvents({ limit: 100, leaseMs: 60_000, owner: 'w', now });
  for (const record of claimed) {
    await store.settleEvent({
      id: record.event.id,
      owner: 'w',
      attempt: record.attempts,
      outcome: { delivered: true },
    });
  }
}

describe('memoryStore({ retainFinalMs }).prune()', () => {
  it('removes final codes older than the retention with their logs and delivered events, nothing else', async () => {
    const { store, time, codes } = await seeded();
    await deliverAll(store, new Date(time.now()));
    // Keep one undelivered event of a paid code: pending events are never pruned (at least once).
    const paid = codes.get('paid')!;
    await store.appendRecords({ entries: [], events: [event(paid.id, 2)] });
    expect(store.prune()).toEqual({ codes: 0, logEntries: 0, events: 0 });
    time.advance(30 * DAY);
    const result = store.prune();
    expect(result).toEqual({ codes: 5, logEntries: 10, events: 5 });
    for (const status of ['paid', 'expired', 'cancelled', 'failed', 'refund_required'] as const) {
      const code = codes.get(status)!;
      expect(await store.getCode(code.id)).toBeNull();
      expect(await store.getCodeByCip(code.cip!)).toBeNull();
      expect(await store.readLog(code.id)).toEqual([]);
      expect((await store.listCodes({ statuses: [status] })).codes).toEqual([]);
    }
    for (const status of ['reserving', 'pending', 'review'] as const) {
      const code = codes.get(status)!;
      expect(await store.getCode(code.id)).toEqual(code);
      expect(await store.readLog(code.id)).toHaveLength(2);
    }
    expect((await store.listEvents({ codeId: paid.id })).events.map((record) => record.event.id)).toEqual([
      `${paid.id}-ev2`,
    ]);
    expect(store.stats()).toMatchObject({ codes: 3, logEntries: 6, events: 4 });
    expect(await store.countEvents('delivered')).toBe(3);
    // Re-running is safe: nothing older is left.
    expect(store.prune()).toEqual({ codes: 0, logEntries: 0, events: 0 });
  });

  it('a pruned order is forgotten and can be claimed again; a replaced older code goes alone', async () => {
    const { store, time, codes } = await seeded();
    const paid = codes.get('paid')!;
    // An order whose first code expired and was replaced: the old code is not the order's current one.
    const old = sampleCode({ status: 'expired', updatedAt: new Date(time.now()) });
    await store.claimOrder({ ...old, status: 'pending', version: 1 });
    await store.updateCode({ ...old, version: 2 }, 1);
    time.advance(DAY);
    const current = sampleCode({ orderId: old.orderId, updatedAt: new Date(time.now()) });
    expect((await store.claimOrder(current, { replacing: { id: old.id, version: 2 } })).claimed).toBe(true);
    await store.updateCode({ ...current, status: 'paid', version: 2, updatedAt: new Date(time.now()) }, 1);
    time.advance(29 * DAY);
    expect(store.prune().codes).toBe(6);
    expect(await store.getCode(old.id)).toBeNull();
    expect((await store.getCodeByOrder(old.orderId))?.id).toBe(current.id);
    // The paid order's code is gone: the store no longer knows the order (docs/storage.md).
    expect(await store.getCodeByOrder(paid.orderId)).toBeNull();
    const again = sampleCode({ orderId: paid.orderId });
    expect(await store.claimOrder(again)).toEqual({ claimed: true, code: again });
    // Its CIP is free again too, and a replacing claim against the pruned code is refused.
    const reused = sampleCode({ cip: paid.cip });
    expect((await store.claimOrder(reused)).claimed).toBe(true);
    await expect(
      store.claimOrder(sampleCode({ orderId: codes.get('expired')!.orderId }), {
        replacing: { id: codes.get('expired')!.id, version: 1 },
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('prunes at most `limit` per call, oldest update first', async () => {
    const { store, time, codes } = await seeded();
    // The paid code becomes the most recently updated one: it goes last.
    const paid = codes.get('paid')!;
    time.advance(DAY);
    const touched = { ...paid, version: 2, updatedAt: new Date(time.now()), metadata: { note: 'refunded?' } };
    expect(await store.updateCode(touched, 1)).toBe(true);
    time.advance(30 * DAY - 1);
    expect(store.prune({ limit: 2 }).codes).toBe(2);
    expect(store.prune({ limit: 2 }).codes).toBe(2);
    expect(await store.getCode(paid.id)).toEqual(touched);
    time.advance(1);
    expect(store.prune({ limit: 100 }).codes).toBe(1);
    expect(await store.getCode(paid.id)).toBeNull();
    expect(() => store.prune({ limit: 0 })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('refuses prune() without retainFinalMs and a bad retainFinalMs', () => {
    const error = (() => {
      try {
        memoryStore().prune();
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(isPagoEfectivoKitError(error, 'config_invalid')).toBe(true);
    for (const retainFinalMs of [0, -1, 1.5, Number.NaN]) {
      expect(() => memoryStore({ retainFinalMs })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    }
  });
});

describe('memoryStore().purgeExpired({ limit })', () => {
  it('deletes exactly the expired keys of every family, at most limit per call', async () => {
    const time = clock();
    const store = memoryStore({ now: time.now });
    for (let n = 0; n < 5; n += 1) {
      await store.consumeOnce(`m${n}`, 1_000);
      await store.putValue(`v${n}`, 'x', 1_000);
      await store.hit(`c${n}`, 3, 1_000);
    }
    await store.putValue('live', 'kept', 60_000);
    time.advance(1_000);
    expect(store.stats()).toMatchObject({ markers: 5, values: 6, counters: 5 });
    expect(await store.purgeExpired({ limit: 4 })).toBe(4);
    expect(await store.purgeExpired({ limit: 100 })).toBe(11);
    expect(await store.purgeExpired()).toBe(0);
    expect(store.stats()).toMatchObject({ markers: 0, values: 1, counters: 0 });
    expect(await store.getValue('live')).toBe('kept');
  });

  it('expired keys nobody reads leave as new keys arrive, without any purge call', async () => {
    const time = clock();
    const store = memoryStore({ now: time.now });
    for (let n = 0; n < 10_000; n += 1) {
      await store.consumeOnce(`dedupe:${n}`, 1_000);
      time.advance(1);
    }
    // Each insert deletes up to two expired markers: the map holds about the live TTL's worth.
    expect(store.stats().markers).toBeLessThanOrEqual(1_100);
  });
});
