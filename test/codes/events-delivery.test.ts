/**
 * The event outbox's delivery guarantee (issue 11): at least once per event with a stable id, retried
 * with backoff on the service clock, dead-lettered after `maxAttempts` and re-drivable, in order per
 * code, a timeout counted as a failure, several instances never delivering one event at the same time,
 * and an event committed by an instance that died delivered by another one.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { CodeEvent } from '../../src/model/events.js';
import {
  allEvents,
  createWorld,
  EXPIRY_MS,
  GRACE_MS,
  HOUR,
  MINUTE,
  newOrderId,
  order,
  STORES,
  storeTitle,
  type World,
} from './_money-path.js';

const BACKOFF = 1_000;

/** An onEvent that throws for the first `failures` calls of each matching event, and records every call. */
function flaky(failures: number, match: (event: CodeEvent) => boolean = () => true) {
  const calls: CodeEvent[] = [];
  const failed = new Map<string, number>();
  const handler = async (event: CodeEvent): Promise<void> => {
    calls.push(event);
    if (!match(event)) return;
    const count = failed.get(event.id) ?? 0;
    if (count < failures) {
      failed.set(event.id, count + 1);
      throw new Error(`fulfilment down (${count + 1})`);
    }
  };
  return { handler, calls, ids: () => calls.map((event) => event.id) };
}

for (const factory of STORES) {
  describe.skipIf(factory.skip !== null)(`event delivery, ${storeTitle(factory)}`, () => {
    const worlds: World[] = [];
    afterEach(async () => {
      for (const world of worlds.splice(0)) await world.close();
    });
    const open = async (options: Parameters<typeof createWorld>[1] = {}): Promise<World> => {
      const world = await createWorld(factory, options);
      worlds.push(world);
      return world;
    };

    test.each([1, 3])(
      'an onEvent that throws %i times gets the event N+1 times with one id, then never again',
      async (n) => {
        const consumer = flaky(n, (event) => event.type === 'code.created');
        const world = await open({
          codes: { onEvent: consumer.handler, delivery: { backoffMs: BACKOFF, maxAttempts: 10 } },
        });
        const { code } = await world.codes.issue(order(newOrderId('ORD-FLAKY')));
        // The first attempt ran right after the commit, inside issue().
        expect(consumer.calls).toHaveLength(1);
        // Not due before its backoff: a drain now delivers nothing.
        expect(await world.codes.events.drain()).toEqual({ delivered: 0, failed: 0, pending: 1 });
        for (let attempt = 1; attempt <= n; attempt += 1) {
          // Backoff doubles: 1 s, 2 s, 4 s…
          await world.advance(BACKOFF * 2 ** (attempt - 1) - 1);
          expect((await world.codes.events.drain()).delivered).toBe(0);
          await world.advance(1);
          const result = await world.codes.events.drain();
          expect(result).toEqual(
            attempt < n ? { delivered: 0, failed: 1, pending: 1 } : { delivered: 1, failed: 0, pending: 0 },
          );
        }
        expect(consumer.calls).toHaveLength(n + 1);
        expect(new Set(consumer.ids())).toEqual(new Set([`${code.id}:v1:code.created`]));
        expect(consumer.calls.every((event) => event.type === 'code.created' && event.codeId === code.id)).toBe(true);
        // Delivered: never again, however long we wait.
        await world.advance(48 * HOUR);
        expect(await world.codes.events.drain()).toEqual({ delivered: 0, failed: 0, pending: 0 });
        expect(consumer.calls).toHaveLength(n + 1);
        const [stored] = (await world.codes.events.list({ codeId: code.id })).events;
        expect(stored).toMatchObject({ state: 'delivered', attempts: n + 1, lastError: null });
      },
    );

    test('dead-letters after maxAttempts, visible in list({ state: "dead" }), and redrive delivers it again', async () => {
      let healthy = false;
      const calls: string[] = [];
      const world = await open({
        codes: {
          onEvent: (event) => {
            calls.push(event.id);
            if (!healthy) throw new Error('warehouse API down');
          },
          delivery: { backoffMs: BACKOFF, maxAttempts: 3 },
        },
      });
      const { code } = await world.codes.issue(order(newOrderId('ORD-DEAD')));
      await world.advance(BACKOFF);
      await world.codes.events.drain();
      await world.advance(2 * BACKOFF);
      expect(await world.codes.events.drain()).toEqual({ delivered: 0, failed: 1, pending: 0 });
      expect(calls).toHaveLength(3);
      const dead = await world.codes.events.list({ state: 'dead' });
      expect(dead.events).toMatchObject([
        {
          state: 'dead',
          attempts: 3,
          event: { type: 'code.created', codeId: code.id },
          lastError: expect.stringContaining('warehouse API down'),
        },
      ]);
      // A dead letter is not retried automatically.
      await world.advance(48 * HOUR);
      expect(await world.codes.events.drain()).toEqual({ delivered: 0, failed: 0, pending: 0 });
      expect(calls).toHaveLength(3);

      healthy = true;
      const id = dead.events[0]!.event.id;
      expect(await world.codes.events.redrive(id)).toBe(true);
      expect(await world.codes.events.redrive(id)).toBe(false); // not dead any more
      expect(await world.codes.events.drain()).toEqual({ delivered: 1, failed: 0, pending: 0 });
      expect(calls).toEqual([id, id, id, id]);
      expect((await world.codes.events.list({ state: 'dead' })).events).toEqual([]);
      expect(await world.codes.events.redrive('no-such-event')).toBe(false);
    });

    test('delivers in order per code: code.paid never before code.created', async () => {
      const consumer = flaky(2, (event) => event.type === 'code.created');
      const world = await open({ codes: { onEvent: consumer.handler, delivery: { backoffMs: BACKOFF } } });
      const { code } = await world.codes.issue(order(newOrderId('ORD-ORDER')));
      await world.fake.pay(code.cip!);
      expect((await world.codes.get(code.id))!.status).toBe('paid');
      // code.created failed once inside issue(); code.paid is held behind it, not delivered around it.
      expect(consumer.calls.map((event) => event.type)).toEqual(['code.created']);
      await world.advance(BACKOFF);
      await world.codes.events.drain();
      expect(consumer.calls.map((event) => event.type)).toEqual(['code.created', 'code.created']);
      await world.advance(2 * BACKOFF);
      expect(await world.codes.events.drain()).toEqual({ delivered: 2, failed: 0, pending: 0 });
      expect(consumer.calls.map((event) => event.type)).toEqual([
        'code.created',
        'code.created',
        'code.created',
        'code.paid',
      ]);
    });

    test('an onEvent slower than delivery.timeoutMs counts as a failed attempt', async () => {
      let hang = true;
      const calls: string[] = [];
      const world = await open({
        codes: {
          onEvent: (event) => {
            calls.push(event.id);
            // A hung fulfilment call: never settles.
            return hang ? new Promise<void>(() => undefined) : undefined;
          },
          delivery: { backoffMs: BACKOFF, timeoutMs: 5 },
        },
      });
      const { code } = await world.codes.issue(order(newOrderId('ORD-SLOW')));
      const [outbox] = (await world.codes.events.list({ codeId: code.id })).events;
      expect(outbox).toMatchObject({
        state: 'pending',
        attempts: 1,
        lastError: expect.stringContaining('did not settle within 5 ms'),
      });
      hang = false;
      // The timed-out call may still run: no new attempt before its lease (timeoutMs + 30 s) is over.
      await world.advance(BACKOFF);
      expect(await world.codes.events.drain()).toEqual({ delivered: 0, failed: 0, pending: 1 });
      await world.advance(30_005);
      expect(await world.codes.events.drain()).toEqual({ delivered: 1, failed: 0, pending: 0 });
      expect(calls).toEqual([outbox!.event.id, outbox!.event.id]);
    });

    test('sweepExpired() drains the outbox and returns the codes it changed', async () => {
      const seen: CodeEvent[] = [];
      const world = await open({
        codes: { onEvent: (event) => void seen.push(event), delivery: { deliverAfterCommit: false } },
      });
      const unpaid = await world.codes.issue(order(newOrderId('ORD-SWEEP-A')));
      const missed = await world.codes.issue(order(newOrderId('ORD-SWEEP-B')));
      await world.advance(HOUR);
      await world.fake.pay(missed.code.cip!, { notify: false });
      expect(seen).toEqual([]); // nothing delivered outside drains
      await world.advance(EXPIRY_MS + GRACE_MS);
      const summary = await world.codes.sweepExpired();
      expect(summary).toMatchObject({ expired: 1, paid: 1 });
      expect(summary.changed).toEqual(
        expect.arrayContaining([
          { codeId: unpaid.code.id, orderId: unpaid.code.orderId, status: 'expired' },
          { codeId: missed.code.id, orderId: missed.code.orderId, status: 'paid' },
        ]),
      );
      expect(summary.changed).toHaveLength(2);
      expect(summary.events).toEqual({ delivered: 4, failed: 0, pending: 0 });
      expect(seen.map((event) => `${event.codeId}:${event.type}`).sort()).toEqual(
        [
          `${unpaid.code.id}:code.created`,
          `${unpaid.code.id}:code.expired`,
          `${missed.code.id}:code.created`,
          `${missed.code.id}:code.paid`,
        ].sort(),
      );
      expect(seen.find((event) => event.type === 'code.paid')).toMatchObject({
        source: 'sweeper',
        cip: missed.code.cip,
      });
      expect((await world.codes.sweepExpired({ drain: false })).events).toBeNull();
    });

    test('two instances draining the same store at once deliver every event, none twice at the same time', async () => {
      const world = await open({ codes: { delivery: { deliverAfterCommit: false } } });
      const ORDERS = 12;
      for (let index = 0; index < ORDERS; index += 1) {
        const { code } = await world.codes.issue(order(newOrderId('ORD-RACE')));
        if (index % 2 === 0) await world.fake.pay(code.cip!);
      }
      const total = (await allEvents(world.store)).length;
      expect(total).toBe(ORDERS + ORDERS / 2);
      const inFlight = new Set<string>();
      const overlaps: string[] = [];
      const deliveries = new Map<string, number>();
      const worker = () => async (event: CodeEvent) => {
        if (inFlight.has(event.id)) overlaps.push(event.id);
        inFlight.add(event.id);
        // Let the other instance run while this delivery is in flight.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        inFlight.delete(event.id);
        deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
      };
      const a = world.instance({ onEvent: worker(), delivery: { batchSize: 3 } });
      const b = world.instance({ onEvent: worker(), delivery: { batchSize: 3 } });
      let delivered = 0;
      for (let round = 0; round < 10; round += 1) {
        const [ra, rb] = await Promise.all([a.events.drain(), b.events.drain()]);
        delivered += ra.delivered + rb.delivered;
        if (ra.pending === 0 && rb.pending === 0) break;
      }
      expect(overlaps).toEqual([]);
      expect(delivered).toBe(total);
      expect(deliveries.size).toBe(total);
      expect([...deliveries.values()].every((count) => count === 1)).toBe(true);
      expect(await world.store.countEvents('pending')).toBe(0);
    });

    test('an event committed by an instance that dies before delivering it is delivered by another', async () => {
      const world = await open({ noHandler: true });
      // Instance A commits a code and its payment but never delivers (as if it crashed right after commit).
      const aSaw: CodeEvent[] = [];
      const a = world.instance({ onEvent: (event) => void aSaw.push(event), delivery: { deliverAfterCommit: false } });
      const { code } = await a.issue(order(newOrderId('ORD-CRASH')));
      const outcome = await a.applyPayment({
        cip: code.cip!,
        amountMinor: 12000,
        currency: 'PEN',
        operationNumber: '555',
        paidAt: world.now(),
      });
      expect(outcome.kind).toBe('paid');
      expect(aSaw).toEqual([]);
      // Instance B, another process on the same store, delivers both.
      const bSaw: CodeEvent[] = [];
      const b = world.instance({ onEvent: (event) => void bSaw.push(event) });
      expect(await b.events.drain()).toEqual({ delivered: 2, failed: 0, pending: 0 });
      expect(bSaw.map((event) => event.type)).toEqual(['code.created', 'code.paid']);
      expect(bSaw[1]).toMatchObject({
        codeId: code.id,
        orderId: code.orderId,
        cip: code.cip,
        source: 'webhook',
        data: { amountMinor: 12000 },
      });
    });

    test('an instance that dies mid-delivery (lease held) is taken over once its lease lapses', async () => {
      const world = await open({ codes: { delivery: { deliverAfterCommit: false } }, noHandler: true });
      const { code } = await world.codes.issue(order(newOrderId('ORD-LEASE')));
      // A worker claimed the event, then its process died: no settle ever comes.
      const claimed = await world.store.claimEvents({
        limit: 10,
        leaseMs: 60_000,
        owner: 'dead-worker',
        now: world.now(),
      });
      expect(claimed.map((outbox) => outbox.event.codeId)).toEqual([code.id]);
      const saw: string[] = [];
      const b = world.instance({ onEvent: (event) => void saw.push(event.id) });
      expect(await b.events.drain()).toMatchObject({ delivered: 0, pending: 1 });
      await world.advance(60_000);
      expect(await b.events.drain()).toEqual({ delivered: 1, failed: 0, pending: 0 });
      expect(saw).toEqual([claimed[0]!.event.id]);
    });

    test("the webhook handler's onPaid is fed by events: a throwing onPaid is retried by drain()", async () => {
      const paidCalls: { cip: string; status: string; eventId: unknown }[] = [];
      let failures = 1;
      const world = await open({
        codes: { delivery: { backoffMs: BACKOFF } },
        handler: {
          onPaid: (event, outcome) => {
            paidCalls.push({ cip: event.cip, status: outcome.code.status, eventId: event.raw.eventId });
            if (failures-- > 0) throw new Error('ERP unreachable');
          },
        },
      });
      const { code } = await world.codes.issue(order(newOrderId('ORD-ONPAID')));
      const report = await world.fake.pay(code.cip!);
      // The payment is recorded whatever onPaid does: PagoEfectivo gets its 200.
      expect(report.attempts).toEqual([{ status: 200 }]);
      expect(world.answers.at(-1)).toEqual({ status: 200, body: { status: 'processed' } });
      expect(paidCalls).toHaveLength(1);
      await world.advance(BACKOFF);
      const drained = await world.codes.events.drain();
      expect(drained).toMatchObject({ delivered: 1, failed: 0, pending: 0 });
      expect(paidCalls).toHaveLength(2);
      expect(paidCalls[1]).toEqual(paidCalls[0]);
      expect(paidCalls[1]).toMatchObject({ cip: code.cip, status: 'paid', eventId: `${code.id}:v2:code.paid` });
      // onEvent saw the same code.paid twice too (it is redelivered as a whole): dedupe by id.
      expect(world.delivered.filter((event) => event.type === 'code.paid').map((event) => event.id)).toEqual([
        `${code.id}:v2:code.paid`,
        `${code.id}:v2:code.paid`,
      ]);
      // And the payment found by the sweeper reaches onPaid too, not only the webhook's.
      const other = await world.codes.issue(order(newOrderId('ORD-ONPAID-SWEPT')));
      await world.fake.pay(other.code.cip!, { notify: false });
      await world.advance(EXPIRY_MS + GRACE_MS + MINUTE);
      await world.codes.sweepExpired();
      expect(paidCalls.at(-1)).toMatchObject({ cip: other.code.cip, status: 'paid' });
    });
  });
}
