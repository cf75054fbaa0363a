import { expect } from './expect.js';
import { expectKitError, makeCode, nextVersion, race, type SuiteContext, uniqueCip, uniqueId } from './fixtures.js';

/** claimOrder and the three lookups: one active code per order, exact round-trips, unique CIPs. */
export function claimTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('claimOrder claims a free order; the code reads back identically by id, order and CIP', async () => {
    const store = ctx.store();
    const code = makeCode({
      status: 'paid',
      leaseUntil: new Date('2026-03-01T15:05:00.789Z'),
      payment: {
        operationNumber: '0012345',
        amountMinor: 15050,
        currency: 'PEN',
        paidAt: new Date('2026-03-01T18:30:01.001Z'),
        source: 'webhook',
      },
    });
    const result = await store.claimOrder(code);
    expect(result).toEqual({ claimed: true, code });
    for (const read of [
      await store.getCode(code.id),
      await store.getCodeByOrder(code.orderId),
      await store.getCodeByCip(code.cip!),
    ]) {
      expect(read).toEqual(code);
      expect(read?.expiresAt).toBeInstanceOf(Date);
      expect(read?.fx?.quotedAt).toBeInstanceOf(Date);
      expect(read?.payment?.paidAt).toBeInstanceOf(Date);
      expect(read?.payer.lastName).toBe('Ñúñez Peña');
    }
  });

  it('claimOrder stores a code without CIP (reserving) and lookups of unknown keys return null', async () => {
    const store = ctx.store();
    const code = makeCode({ status: 'reserving', cip: null, cipUrl: null, fx: null, metadata: {} });
    expect(await store.claimOrder(code)).toEqual({ claimed: true, code });
    expect(await store.getCodeByOrder(code.orderId)).toEqual(code);
    expect(await store.getCode(uniqueId('code'))).toBeNull();
    expect(await store.getCodeByOrder(uniqueId('order'))).toBeNull();
    expect(await store.getCodeByCip(uniqueCip())).toBeNull();
  });

  it('claimOrder on an occupied order returns the current code and stores nothing', async () => {
    const store = ctx.store();
    const first = makeCode();
    await store.claimOrder(first);
    const second = makeCode({ orderId: first.orderId });
    expect(await store.claimOrder(second)).toEqual({ claimed: false, current: first });
    expect(await store.getCode(second.id)).toBeNull();
    expect(await store.getCodeByCip(second.cip!)).toBeNull();
    expect(await store.getCodeByOrder(first.orderId)).toEqual(first);
  });

  it('concurrent claims for one order: exactly one wins and every other caller sees the winner', async () => {
    const store = ctx.store();
    const orderId = uniqueId('order');
    const attempts = Array.from({ length: ctx.concurrency }, () => makeCode({ orderId }));
    const results = await race(attempts.length, (index) => store.claimOrder(attempts[index]!));
    const winners = results.flatMap((result) => (result.claimed ? [result.code] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    for (const result of results) if (!result.claimed) expect(result.current).toEqual(winner);
    expect(await store.getCodeByOrder(orderId)).toEqual(winner);
    // No losing attempt left anything behind, by id or by CIP.
    for (const attempt of attempts) {
      if (attempt.id === winner.id) continue;
      expect(await store.getCode(attempt.id)).toBeNull();
      expect(await store.getCodeByCip(attempt.cip!)).toBeNull();
    }
  });

  it('a replacing claim wins only against the exact current id and version', async () => {
    const store = ctx.store();
    const old = makeCode();
    await store.claimOrder(old);
    const expired = nextVersion(old, { status: 'expired' });
    expect(await store.updateCode(expired, old.version)).toBe(true);

    const next = makeCode({ orderId: old.orderId });
    const stale = await store.claimOrder(next, { replacing: { id: old.id, version: old.version } });
    expect(stale).toEqual({ claimed: false, current: expired });
    const wrongId = await store.claimOrder(next, { replacing: { id: uniqueId('code'), version: expired.version } });
    expect(wrongId).toEqual({ claimed: false, current: expired });
    expect(await store.claimOrder(next)).toEqual({ claimed: false, current: expired });
    expect(await store.getCode(next.id)).toBeNull();

    const won = await store.claimOrder(next, { replacing: { id: old.id, version: expired.version } });
    expect(won).toEqual({ claimed: true, code: next });
    expect(await store.getCodeByOrder(old.orderId)).toEqual(next);
    // The replaced code stays readable by id and by its CIP (late payments must still find it).
    expect(await store.getCode(old.id)).toEqual(expired);
    expect(await store.getCodeByCip(old.cip!)).toEqual(expired);
    expect(await store.getCodeByCip(next.cip!)).toEqual(next);

    const again = await store.claimOrder(makeCode({ orderId: old.orderId }), {
      replacing: { id: old.id, version: expired.version },
    });
    expect(again).toEqual({ claimed: false, current: next });
  });

  it('concurrent replacing claims with the same expected version: exactly one wins', async () => {
    const store = ctx.store();
    const old = makeCode({ status: 'failed', cip: null });
    await store.claimOrder(old);
    const replacing = { id: old.id, version: old.version };
    const results = await race(ctx.concurrency, () =>
      store.claimOrder(makeCode({ orderId: old.orderId }), { replacing }),
    );
    const winners = results.flatMap((result) => (result.claimed ? [result.code] : []));
    expect(winners).toHaveLength(1);
    for (const result of results) if (!result.claimed) expect(result.current).toEqual(winners[0]);
    expect(await store.getCodeByOrder(old.orderId)).toEqual(winners[0]);
  });

  it('a replacing claim on an order without a code rejects with validation_failed', async () => {
    const store = ctx.store();
    const code = makeCode();
    await expectKitError(
      store.claimOrder(code, { replacing: { id: uniqueId('code'), version: 1 } }),
      'validation_failed',
    );
    expect(await store.getCodeByOrder(code.orderId)).toBeNull();
    expect(await store.getCode(code.id)).toBeNull();
  });

  it('claimOrder never reuses a CIP or an id held by another code: storage_error, nothing written', async () => {
    const store = ctx.store();
    const holder = makeCode();
    await store.claimOrder(holder);

    const sameCip = makeCode({ cip: holder.cip });
    await expectKitError(store.claimOrder(sameCip), 'storage_error');
    expect(await store.getCodeByOrder(sameCip.orderId)).toBeNull();
    expect(await store.getCode(sameCip.id)).toBeNull();
    expect(await store.getCodeByCip(holder.cip!)).toEqual(holder);

    const sameId = makeCode({ id: holder.id });
    await expectKitError(store.claimOrder(sameId), 'storage_error');
    expect(await store.getCodeByOrder(sameId.orderId)).toBeNull();
    expect(await store.getCodeByCip(sameId.cip!)).toBeNull();
    expect(await store.getCode(holder.id)).toEqual(holder);

    // The order stays free: a correct claim still succeeds afterwards.
    const fixed = makeCode({ orderId: sameCip.orderId });
    expect(await store.claimOrder(fixed)).toEqual({ claimed: true, code: fixed });
  });

  it('records are copies: changing what was passed in or returned never changes the store', async () => {
    const store = ctx.store();
    const code = makeCode();
    const original = structuredClone(code);
    const claimed = await store.claimOrder(code);
    code.metadata.cart = 'changed';
    code.payer.email = 'changed@example.pe';
    code.expiresAt.setTime(0);
    if (claimed.claimed) claimed.code.metadata.cart = 'changed too';
    const read = await store.getCode(original.id);
    expect(read).toEqual(original);
    read!.fx!.quotedAt.setTime(0);
    read!.metadata.extra = 'x';
    expect(await store.getCodeByOrder(original.orderId)).toEqual(original);
    expect(await store.getCodeByCip(original.cip!)).toEqual(original);
  });
}
