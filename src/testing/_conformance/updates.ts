import type { CashCodeStore } from '../../storage/contract.js';
import { expect } from './expect.js';
import { expectKitError, makeCode, nextVersion, race, type SuiteContext, uniqueCip, uniqueId } from './fixtures.js';

/** Read-modify-CAS until the write lands: the loop every caller of updateCode is expected to run. */
async function incrementCounter(store: CashCodeStore, id: string, maxAttempts: number): Promise<number> {
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const current = await store.getCode(id);
    if (current === null) throw new Error(`code ${id} vanished during the update race`);
    const count = Number(current.metadata.count ?? '0') + 1;
    const next = nextVersion(current, { metadata: { ...current.metadata, count: String(count) } });
    if (await store.updateCode(next, current.version)) return attempt;
  }
  throw new Error(`no successful compare-and-set on ${id} after ${maxAttempts} attempts`);
}

/** updateCode: compare-and-set on the version, with the order and CIP indexes kept in step. */
export function updateTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('updateCode with the expected version stores the next one; every lookup sees it', async () => {
    const store = ctx.store();
    const reserving = makeCode({ status: 'reserving', cip: null, cipUrl: null });
    await store.claimOrder(reserving);
    const cip = uniqueCip();
    const pending = nextVersion(reserving, {
      status: 'pending',
      cip,
      cipUrl: 'https://pre1a.payment.pagoefectivo.pe/ab12.html',
      updatedAt: new Date('2026-03-01T15:00:02.002Z'),
    });
    expect(await store.updateCode(pending, reserving.version)).toBe(true);
    expect(await store.getCode(reserving.id)).toEqual(pending);
    expect(await store.getCodeByOrder(reserving.orderId)).toEqual(pending);
    expect(await store.getCodeByCip(cip)).toEqual(pending);

    const paid = nextVersion(pending, {
      status: 'paid',
      payment: { operationNumber: '77', amountMinor: 15050, currency: 'PEN', paidAt: new Date(), source: 'webhook' },
    });
    expect(await store.updateCode(paid, pending.version)).toBe(true);
    expect(await store.getCodeByCip(cip)).toEqual(paid);
  });

  it('updateCode returns false on a stale version or an unknown id and changes nothing', async () => {
    const store = ctx.store();
    const code = makeCode({ version: 3 });
    await store.claimOrder(code);
    expect(await store.updateCode({ ...code, status: 'expired' }, 2)).toBe(false);
    expect(await store.updateCode({ ...nextVersion(code), version: 5 }, 4)).toBe(false);
    expect(await store.updateCode(nextVersion(makeCode({ id: uniqueId('code') })), 1)).toBe(false);
    expect(await store.getCode(code.id)).toEqual(code);
  });

  it('updateCode rejects a code whose version is not expectedVersion + 1', async () => {
    const store = ctx.store();
    const code = makeCode();
    await store.claimOrder(code);
    await expectKitError(store.updateCode({ ...code, status: 'expired' }, code.version), 'validation_failed');
    await expectKitError(store.updateCode({ ...code, version: code.version + 2 }, code.version), 'validation_failed');
    expect(await store.getCode(code.id)).toEqual(code);
  });

  it('concurrent updates from the same version: exactly one lands, and it is the stored one', async () => {
    const store = ctx.store();
    const code = makeCode();
    await store.claimOrder(code);
    const attempts = Array.from({ length: ctx.concurrency }, (_, index) =>
      nextVersion(code, { metadata: { writer: String(index) } }),
    );
    const results = await race(attempts.length, (index) => store.updateCode(attempts[index]!, code.version));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = attempts[results.indexOf(true)]!;
    expect(await store.getCode(code.id)).toEqual(winner);
  });

  it('concurrent read-modify-CAS retry loops never lose an update', async () => {
    const store = ctx.store();
    const code = makeCode({ metadata: { count: '0' } });
    await store.claimOrder(code);
    const workers = Math.max(2, Math.round(ctx.concurrency / 2));
    await race(workers, () => incrementCounter(store, code.id, workers * 10));
    const final = await store.getCode(code.id);
    expect(final?.metadata.count).toBe(String(workers));
    expect(final?.version).toBe(code.version + workers);
  });

  it('updateCode never gives a code a CIP held by another code: storage_error, nothing changes', async () => {
    const store = ctx.store();
    const holder = makeCode();
    const other = makeCode({ status: 'reserving', cip: null });
    await store.claimOrder(holder);
    await store.claimOrder(other);
    await expectKitError(store.updateCode(nextVersion(other, { cip: holder.cip }), other.version), 'storage_error');
    expect(await store.getCode(other.id)).toEqual(other);
    expect(await store.getCodeByCip(holder.cip!)).toEqual(holder);
  });

  it('updateCode never changes or clears a CIP once set: storage_error, nothing changes', async () => {
    const store = ctx.store();
    const code = makeCode();
    await store.claimOrder(code);
    await expectKitError(store.updateCode(nextVersion(code, { cip: uniqueCip() }), code.version), 'storage_error');
    await expectKitError(store.updateCode(nextVersion(code, { cip: null }), code.version), 'storage_error');
    expect(await store.getCode(code.id)).toEqual(code);
    expect(await store.getCodeByCip(code.cip!)).toEqual(code);
  });

  it('updateCode never moves a code to another order', async () => {
    const store = ctx.store();
    const code = makeCode();
    await store.claimOrder(code);
    const moved = nextVersion(code, { orderId: uniqueId('order') });
    await expectKitError(store.updateCode(moved, code.version), 'validation_failed');
    expect(await store.getCodeByOrder(moved.orderId)).toBeNull();
    expect(await store.getCodeByOrder(code.orderId)).toEqual(code);
  });

  it('updating a replaced code keeps the order pointing at its current code', async () => {
    const store = ctx.store();
    const old = makeCode({ status: 'failed', cip: null });
    await store.claimOrder(old);
    const current = makeCode({ orderId: old.orderId });
    await store.claimOrder(current, { replacing: { id: old.id, version: old.version } });
    const noted = nextVersion(old, { metadata: { note: 'audited' } });
    expect(await store.updateCode(noted, old.version)).toBe(true);
    expect(await store.getCode(old.id)).toEqual(noted);
    expect(await store.getCodeByOrder(old.orderId)).toEqual(current);
  });
}
