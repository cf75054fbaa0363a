import { describe, expect, it } from 'vitest';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { createHarness, eventTypes, order } from './_harness.js';

/** A deterministic PRNG (mulberry32), so a failing interleaving can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wrap a store so that every operation behaves like a network round trip to PostgreSQL/Redis: the
 * request travels for 2–10 ms, the operation runs atomically, the answer travels back for 2–10 ms
 * (5–20 ms per call in all). Results of one call may therefore arrive after later calls took effect.
 */
function withLatency(store: CashCodeStore, seed: number): CashCodeStore {
  const next = random(seed);
  const leg = (): number => 2 + Math.floor(next() * 9);
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]): Promise<unknown> => {
        await pause(leg());
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        await pause(leg());
        return result;
      };
    },
  });
}

describe('issue with a slow store (5–20 ms per operation, like PostgreSQL or Redis)', () => {
  it('100 concurrent issues for one order still send exactly one createCip', async () => {
    for (const seed of [1, 2, 3]) {
      const h = createHarness({}, { wrapStore: (store) => withLatency(store, seed) });
      const results = await Promise.all(Array.from({ length: 100 }, () => h.codes.issue(order(`ORD-SLOW-${seed}`))));
      expect(h.fake.stats().createCip).toBe(1);
      expect(new Set(results.map((result) => result.code.id)).size).toBe(1);
      expect(new Set(results.map((result) => result.code.cip)).size).toBe(1);
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(await eventTypes(h.codes, results[0]!.code.id)).toEqual(['reserved', 'created']);
    }
  });

  it('100 concurrent re-issues of an expired order confirm once and create exactly one new code', async () => {
    const h = createHarness({}, { wrapStore: (store) => withLatency(store, 7) });
    const first = await h.codes.issue(order('ORD-SLOW-REISSUE'));
    h.fake.expire(first.code.cip!);
    h.advance(25 * 3_600_000);
    const results = await Promise.all(Array.from({ length: 100 }, () => h.codes.issue(order('ORD-SLOW-REISSUE'))));
    expect(h.fake.stats().createCip).toBe(2);
    // One caller asks PagoEfectivo about the old CIP; the rest wait for it instead of all searching.
    expect(h.fake.stats().searchCips).toBe(1);
    const ids = new Set(results.map((result) => result.code.id));
    expect(ids.size).toBe(1);
    expect(ids.has(first.code.id)).toBe(false);
    expect((await h.codes.get(first.code.id))?.status).toBe('expired');
    expect(await eventTypes(h.codes, first.code.id)).toEqual(['reserved', 'created', 'expired']);
  });

  it('concurrent duplicate notifications with a slow store are applied once', async () => {
    const h = createHarness({}, { wrapStore: (store) => withLatency(store, 11) });
    const { code } = await h.codes.issue(order('ORD-SLOW-PAY'));
    const notice = {
      cip: code.cip!,
      amountMinor: code.amountMinor,
      currency: code.currency,
      operationNumber: '555',
      paidAt: h.now(),
    };
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => h.codes.applyPayment({ ...notice })));
    expect(outcomes.filter((outcome) => outcome.kind === 'paid')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'duplicate')).toHaveLength(29);
    const types = await eventTypes(h.codes, code.id);
    expect(types.filter((type) => type === 'paid')).toHaveLength(1);
    expect(types.filter((type) => type === 'payment_duplicate')).toHaveLength(1);
  });

  it('waiters report why the creation they waited for failed, even when its log entry lands late', async () => {
    const h = createHarness(
      {},
      {
        wrapStore: (store) =>
          new Proxy(store, {
            get(target, property, receiver) {
              const value = Reflect.get(target, property, receiver) as unknown;
              if (property !== 'appendLog' || typeof value !== 'function') return value;
              // The status change is visible for a while before its lifecycle entry.
              return async (...args: unknown[]) => {
                await pause(40);
                return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
              };
            },
          }),
      },
    );
    h.fake.failNext({ operation: 'createCip', status: 400, code: 111, delayMs: 20 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => h.codes.issue(order('ORD-LATE-LOG'))));
    const reasons = results.map((result) => (result.status === 'rejected' ? (result.reason as Error).message : 'ok'));
    expect(h.fake.stats().createCip).toBe(1);
    expect(reasons.filter((message) => message.includes('creation_rejected'))).toHaveLength(9);
  });
});
