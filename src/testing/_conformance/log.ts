import { expect } from './expect.js';
import { expectKitError, makeEntry, race, type SuiteContext, uniqueCip, uniqueId } from './fixtures.js';

/** appendLog/readLog: append-only, append order, exact round-trips, copies. */
export function logTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('readLog returns a subject’s entries in append order with every field intact', async () => {
    const store = ctx.store();
    const subject = uniqueId('code');
    const at = new Date('2026-03-01T15:00:00.456Z');
    // Same instant on purpose: the order must come from the append, not from sorting by `at`.
    const entries = [
      makeEntry(subject, { type: 'reserved', actor: 'merchant', at, from: null, to: 'reserving' }),
      makeEntry(subject, {
        type: 'created',
        at,
        orderId: uniqueId('order'),
        cip: uniqueCip(),
        from: 'reserving',
        to: 'pending',
        data: { amountMinor: 15050, payer: { name: 'José Ñúñez' }, tags: ['a', 'ñ'], ok: true, none: null },
      }),
      makeEntry(subject, {
        type: 'payment_rejected',
        actor: 'pagoefectivo',
        at,
        reason: 'amount_mismatch',
        data: { expectedMinor: 15050, notifiedMinor: 15000 },
      }),
      makeEntry(subject, {
        type: 'note',
        actor: 'support',
        at: new Date(at.getTime() + 1),
        reason: 'Llamó el cliente',
      }),
    ];
    for (const entry of entries) await store.appendLog(entry);
    await store.appendLog(makeEntry(uniqueId('code'), { reason: 'another subject' }));

    const log = await store.readLog(subject);
    expect(log).toEqual(entries);
    for (const entry of log) expect(entry.at).toBeInstanceOf(Date);
    expect(await store.readLog(uniqueId('code'))).toEqual([]);
  });

  it('logs about unknown CIPs live under their cip:<number> subject', async () => {
    const store = ctx.store();
    const cip = uniqueCip();
    const entry = makeEntry(`cip:${cip}`, {
      cip,
      type: 'payment_rejected',
      reason: 'unknown_cip',
      actor: 'pagoefectivo',
    });
    await store.appendLog(entry);
    expect(await store.readLog(`cip:${cip}`)).toEqual([entry]);
  });

  it('concurrent appends are all kept, each exactly once', async () => {
    const store = ctx.store();
    const subject = uniqueId('code');
    const count = Math.max(2, Math.round(ctx.concurrency / 2));
    await race(count, (index) => store.appendLog(makeEntry(subject, { data: { n: index } })));
    const log = await store.readLog(subject);
    expect(log.map((entry) => entry.data.n as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: count }, (_, index) => index),
    );
  });

  it('log entries are copies: changing what was passed in or read never changes the log', async () => {
    const store = ctx.store();
    const subject = uniqueId('code');
    const entry = makeEntry(subject, { data: { list: [1, 2] } });
    const original = structuredClone(entry);
    await store.appendLog(entry);
    entry.reason = 'changed';
    entry.at.setTime(0);
    (entry.data.list as number[]).push(3);
    const [read] = await store.readLog(subject);
    expect(read).toEqual(original);
    read!.data.extra = true;
    read!.at.setTime(0);
    expect(await store.readLog(subject)).toEqual([original]);
  });

  it('appendLog and readLog reject an empty subject or an invalid date', async () => {
    const store = ctx.store();
    await expectKitError(store.appendLog(makeEntry('')), 'validation_failed');
    await expectKitError(store.readLog(''), 'validation_failed');
    const subject = uniqueId('code');
    await expectKitError(store.appendLog(makeEntry(subject, { at: new Date(Number.NaN) })), 'validation_failed');
    expect(await store.readLog(subject)).toEqual([]);
  });
}
