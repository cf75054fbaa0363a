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

  it('a failing commit leaves the reservation intact, deletes its CIP; it is taken over once its lease ends', async () => {
    const { h, broken } = setup();
    broken.add('commitCode');
    await expect(h.codes.issue(order('ORD-1'))).rejects.toBeInstanceOf(StorageError);
    broken.clear();
    const reserved = (await h.codes.get('ORD-1'))!;
    expect(reserved).toMatchObject({ status: 'reserving', version: 0, cip: null });
    // The CIP created for the failed commit is not forgotten: no stored code holds it, so it is deleted.
    const orphan = h.fake.getCip(String(2_401_557))!;
    expect(orphan).toMatchObject({ transactionCode: reserved.id, state: 'deleted' });
    h.advance(61_000);
    const { code, created } = await h.codes.issue(order('ORD-1'));
    expect(created).toBe(true);
    expect(code.id).not.toBe(reserved.id);
    expect(code.cip).not.toBe(orphan.cip);
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

  it('a held payment whose commit fails records nothing; the retry holds it, exactly once', async () => {
    const { h, broken } = setup();
    const { code } = await h.codes.issue(order('ORD-1'));
    const notice = { cip: code.cip!, amountMinor: 100, currency: 'PEN', operationNumber: '9' };
    broken.add('commitCode');
    await expect(h.codes.applyPayment(notice)).rejects.toBeInstanceOf(StorageError);
    broken.clear();
    expect((await h.codes.get(code.id))?.status).toBe('pending');
    await expect(h.codes.applyPayment(notice)).resolves.toMatchObject({ kind: 'review', reason: 'amount_mismatch' });
    await expect(h.codes.applyPayment(notice)).resolves.toMatchObject({ kind: 'duplicate' });
    const reviews = (await h.codes.history(code.id)).filter((entry) => entry.type === 'review');
    expect(reviews).toHaveLength(1);
    expect((await h.codes.get(code.id))?.status).toBe('review');
  });

  it('a rejection whose record append fails is recorded by the retry, exactly once', async () => {
    const { h, broken } = setup();
    const { code } = await h.codes.issue(order('ORD-1'));
    const notice = { cip: code.cip!, amountMinor: 15050, currency: 'PEN', operationNumber: '9' };
    await expect(h.codes.applyPayment(notice)).resolves.toMatchObject({ kind: 'paid' });
    const second = { ...notice, operationNumber: '10' };
    broken.add('appendRecords');
    await expect(h.codes.applyPayment(second)).rejects.toBeInstanceOf(StorageError);
    broken.clear();
    await expect(h.codes.applyPayment(second)).resolves.toMatchObject({ kind: 'rejected', reason: 'code_not_pending' });
    await h.codes.applyPayment(second);
    const rejections = (await h.codes.history(code.id)).filter((entry) => entry.type === 'payment_rejected');
    expect(rejections).toHaveLength(1);
    expect((await h.codes.get(code.id))?.payment?.operationNumber).toBe('9');
  });

  it('a sweep whose store fails mid-way counts errors and leaves codes pending', async () => {
    const { h, broken } = setup();
    const { code } = await h.codes.issue(order('ORD-1'));
    h.advance(25 * HOUR);
    broken.add('commitCode');
    expect(await h.codes.sweepExpired()).toMatchObject({ errors: 1, expired: 0, changed: [] });
    broken.clear();
    expect((await h.codes.get(code.id))?.status).toBe('pending');
  });
});
