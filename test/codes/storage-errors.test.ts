import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';
import { createHarness, type Harness, HOUR, order } from './_harness.js';

type Method = Exclude<keyof CashCodeStore, 'name'>;

/** A store whose chosen methods fail with a plain driver error while `broken` holds them. */
function flakyStore(inner: CashCodeStore) {
  const broken = new Set<Method>();
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (broken.has(property as Method))
          return Promise.reject(new Error(`connection reset during ${String(property)}`));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, broken };
}

function setup() {
  // The store follows the harness's fake clock once the harness exists.
  let h: Harness | null = null;
  const { store, broken } = flakyStore(memoryStore({ now: () => h?.now().getTime() ?? 0 }));
  h = createHarness({ store });
  return { h, broken };
}

describe('storage failures', () => {
  it('a failing claim surfaces a StorageError and reaches no API', async () => {
    const { h, broken } = setup();
    broken.add('claimOrder');
    const error = await h.codes.issue(order('ORD-1')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'storage_error', details: { operation: 'claimOrder' } });
    expect(h.fake.stats().createCip).toBe(0);
    broken.clear();
    expect(await h.codes.get('ORD-1')).toBeNull();
  });

  it('a failing commit leaves the reservation intact; it is taken over once its lease ends', async () => {
    const { h, broken } = setup();
    broken.add('updateCode');
    await expect(h.codes.issue(order('ORD-1'))).rejects.toBeInstanceOf(StorageError);
    broken.clear();
    const reserved = (await h.codes.get('ORD-1'))!;
    expect(reserved).toMatchObject({ status: 'reserving', version: 0, cip: null });
    h.advance(61_000);
    const { code, created } = await h.codes.issue(order('ORD-1'));
    expect(created).toBe(true);
    expect(code.id).not.toBe(reserved.id);
  });

  it('a failing read while applying a payment rejects with StorageError (so the webhook is retried)', async () => {
    const { h, broken } = setup();
    const { code } = await h.codes.issue(order('ORD-1'));
    const notice = { cip: code.cip!, amountMinor: 15050, currency: 'PEN', operationNumber: '9' };
    broken.add('getCodeByCip');
    await expect(h.codes.applyPayment(notice)).rejects.toBeInstanceOf(StorageError);
    broken.clear();
    expect((await h.codes.get(code.id))?.status).toBe('pending');
    await expect(h.codes.applyPayment(notice)).resolves.toMatchObject({ kind: 'paid' });
  });

  it('a rejection whose log append fails is logged by the retry, exactly once', async () => {
    const { h, broken } = setup();
    const { code } = await h.codes.issue(order('ORD-1'));
    const notice = { cip: code.cip!, amountMinor: 100, currency: 'PEN', operationNumber: '9' };
    broken.add('appendLog');
    await expect(h.codes.applyPayment(notice)).rejects.toBeInstanceOf(StorageError);
    broken.clear();
    await expect(h.codes.applyPayment(notice)).resolves.toMatchObject({ kind: 'rejected', reason: 'amount_mismatch' });
    await h.codes.applyPayment(notice);
    const rejections = (await h.codes.history(code.id)).filter((entry) => entry.type === 'payment_rejected');
    expect(rejections).toHaveLength(1);
  });

  it('a sweep whose store fails mid-way counts errors and leaves codes pending', async () => {
    const { h, broken } = setup();
    const { code } = await h.codes.issue(order('ORD-1'));
    h.advance(25 * HOUR);
    broken.add('updateCode');
    expect(await h.codes.sweepExpired()).toMatchObject({ errors: 1, expired: 0 });
    broken.clear();
    expect((await h.codes.get(code.id))?.status).toBe('pending');
  });
});
