/**
 * What the webhook handler answers PagoEfectivo (issue 11): 200 with `{ status }` for every authentic
 * notification that was recorded (processed, duplicate, rejected, review); `refusedStatus: 422` keeps
 * 0.1's answer for refusals; 4xx only for requests that are not authentic or not well formed; 503 only
 * when nothing was recorded. An empty or missing operation number is accepted and deduped by CIP, and
 * an unknown event type is recorded and surfaced as a `notification.unknown` event.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  allEvents,
  createWorld,
  entriesOf,
  type FaultyStore,
  faultyStore,
  MINUTE,
  newOrderId,
  order,
  SECRET,
  STORES,
  storeTitle,
  type World,
  type WorldOptions,
} from '../codes/_money-path.js';
import { sign } from './_helpers.js';

const URL = 'https://merchant.example/webhooks/pagoefectivo';

function post(body: string, signature: string | null = sign(body, SECRET), method = 'POST'): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['pe-signature'] = signature;
  return new Request(URL, method === 'GET' ? { method, headers } : { method, headers, body });
}

async function answer(world: World, request: Request): Promise<{ status: number; body: unknown }> {
  const response = await world.handle(request);
  return { status: response.status, body: await response.json() };
}

/** A `cip.paid` body; `operationNumber: undefined` leaves the key out. */
function paidBody(fields: {
  cip: string;
  amount?: string;
  transactionCode?: string;
  operationNumber?: string | null;
}): string {
  const body: Record<string, unknown> = { eventType: 'cip.paid' };
  if (fields.operationNumber !== undefined) body.operationNumber = fields.operationNumber;
  body.data = {
    cip: fields.cip,
    currency: 'PEN',
    amount: Number(fields.amount ?? '120.00'),
    transactionCode: fields.transactionCode ?? null,
    paymentDate: '2026-03-02T11:00:00-05:00',
  };
  return JSON.stringify(body);
}

for (const factory of STORES) {
  describe.skipIf(factory.skip !== null)(`webhook answers, ${storeTitle(factory)}`, () => {
    const worlds: World[] = [];
    afterEach(async () => {
      for (const world of worlds.splice(0)) await world.close();
    });
    const open = async (options: WorldOptions = {}): Promise<World> => {
      const world = await createWorld(factory, options);
      worlds.push(world);
      return world;
    };

    test('200 with the outcome for processed, duplicate, rejected (unknown CIP) and review (partial)', async () => {
      const world = await open();
      const paid = (await world.codes.issue(order(newOrderId('ORD-A')))).code;
      const partial = (await world.codes.issue(order(newOrderId('ORD-B')))).code;
      const foreign = await world.client.createCip({
        currency: 'PEN',
        amount: '120.00',
        transactionCode: 'FOREIGN-7',
        userEmail: 'otro@example.pe',
        dateExpiry: new Date(world.now().getTime() + 3_600_000),
      });
      await world.fake.pay(paid.cip!);
      await world.fake.redeliver(paid.cip!);
      await world.fake.pay(foreign.cip);
      await world.fake.pay(partial.cip!, { amount: '40.00' });
      await world.fake.redeliver(partial.cip!);
      expect(world.answers).toEqual([
        { status: 200, body: { status: 'processed' } },
        { status: 200, body: { status: 'duplicate' } },
        { status: 200, body: { status: 'rejected', reason: 'unknown_cip' } },
        { status: 200, body: { status: 'review', reason: 'amount_mismatch' } },
        { status: 200, body: { status: 'review', reason: 'amount_mismatch', duplicate: true } },
      ]);
      // 200 means recorded: each outcome is in the store.
      expect((await world.codes.get(paid.id))!.status).toBe('paid');
      expect((await world.codes.get(partial.id))!.status).toBe('review');
      expect(entriesOf(await world.codes.history(`cip:${foreign.cip}`), 'payment_rejected')).toHaveLength(1);
    });

    test('refusedStatus: 422 answers 422 to rejected and review, 200 to processed and duplicate; the retry records nothing twice', async () => {
      const world = await open({ handler: { refusedStatus: 422 } });
      const paid = (await world.codes.issue(order(newOrderId('ORD-422-A')))).code;
      const partial = (await world.codes.issue(order(newOrderId('ORD-422-B')))).code;
      await world.fake.pay(paid.cip!);
      await world.fake.redeliver(paid.cip!);
      const refused = await world.fake.pay(partial.cip!, { amount: '40.00' });
      expect(refused).toMatchObject({ delivered: false, attempts: [{ status: 422 }] });
      expect(refused.retryAt).not.toBeNull();
      // PagoEfectivo's one retry of a non-200 answer, a minute later on its clock.
      const retried = await world.fake.advance(MINUTE);
      expect(retried.map((report) => report.attempts)).toEqual([[{ status: 422 }, { status: 422 }]]);
      const unknown = await answer(world, post(paidBody({ cip: '99999999', operationNumber: '1' })));
      expect(world.answers.slice(0, 4)).toEqual([
        { status: 200, body: { status: 'processed' } },
        { status: 200, body: { status: 'duplicate' } },
        { status: 422, body: { status: 'review', reason: 'amount_mismatch' } },
        { status: 422, body: { status: 'review', reason: 'amount_mismatch', duplicate: true } },
      ]);
      expect(unknown).toEqual({ status: 422, body: { status: 'rejected', reason: 'unknown_cip' } });
      const events = await allEvents(world.store, partial.id);
      expect(events.filter((event) => event.type === 'payment.review')).toHaveLength(1);
    });

    test.each([
      ['a forged signature', (body: string) => post(body, sign(body, 'not-the-secret')), 401, 'signature_mismatch'],
      ['no signature', (body: string) => post(body, null), 401, 'signature_missing'],
      ['a malformed signature', (body: string) => post(body, 'xyz'), 401, 'signature_malformed'],
      ['a signed body that is not JSON', () => post('{"eventType":"cip.paid",'), 400, 'malformed_payload'],
      [
        'a signed cip.paid without a CIP',
        () => post('{"eventType":"cip.paid","operationNumber":"1","data":{"currency":"PEN","amount":120}}'),
        400,
        'malformed_payload',
      ],
      ['a GET', (body: string) => post(body, undefined, 'GET'), 405, 'method_not_allowed'],
    ] as const)('4xx for %s, and nothing recorded', async (_label, build, status, code) => {
      const world = await open();
      const { code: issued } = await world.codes.issue(order(newOrderId('ORD-4XX')));
      const body = paidBody({ cip: issued.cip!, operationNumber: '42', transactionCode: issued.id });
      expect(await answer(world, build(body))).toEqual({ status, body: { status: 'error', code } });
      expect((await world.codes.get(issued.id))!.status).toBe('pending');
      expect((await allEvents(world.store, issued.id)).map((event) => event.type)).toEqual(['code.created']);
    });

    describe('503 only when nothing was recorded', () => {
      let faulty: FaultyStore;
      const wrapStore: WorldOptions['wrapStore'] = (store) => {
        faulty = faultyStore(store);
        return faulty.store;
      };

      test.each([
        ['the code lookup fails', 'getCodeByCip', 2],
        ['the commit fails on every re-execution', 'commitCode', 8],
      ] as const)(
        '%s for both attempts: 503 twice, then the redelivery is processed',
        async (_label, method, count) => {
          const world = await open({ wrapStore, fake: { webhookRetryDelayMs: 0 } });
          const { code } = await world.codes.issue(order(newOrderId('ORD-503')));
          faulty.arm({ methods: [method], count, when: 'before' });
          const report = await world.fake.pay(code.cip!);
          faulty.disarm();
          expect(report).toMatchObject({ delivered: false, attempts: [{ status: 503 }, { status: 503 }] });
          expect(world.answers.map((entry) => entry.body)).toEqual([
            { status: 'error', code: 'storage_error' },
            { status: 'error', code: 'storage_error' },
          ]);
          // 503 means nothing was recorded: no state change, no entry, no event, no dedupe record.
          expect((await world.codes.get(code.id))!.status).toBe('pending');
          expect((await world.codes.history(code.id)).map((entry) => entry.type)).toEqual([
            'reserved',
            'provider_call',
            'created',
          ]);
          expect((await allEvents(world.store, code.id)).map((event) => event.type)).toEqual(['code.created']);
          // The store is back: a later delivery of the same notification is processed, not "duplicate".
          const again = await world.fake.redeliver(code.cip!);
          expect(again.attempts).toEqual([{ status: 200 }]);
          expect(world.answers.at(-1)!.body).toEqual({ status: 'processed' });
          expect((await world.codes.get(code.id))!.status).toBe('paid');
        },
      );
    });

    test.each([
      ['empty', ''],
      ['null', null],
      ['missing', undefined],
    ] as const)('an %s operationNumber is accepted and deduped by the CIP', async (_label, operationNumber) => {
      const world = await open();
      const { code } = await world.codes.issue(order(newOrderId('ORD-NOOP')));
      const body = paidBody({ cip: code.cip!, operationNumber, transactionCode: code.id });
      expect(await answer(world, post(body))).toEqual({ status: 200, body: { status: 'processed' } });
      expect(await answer(world, post(body))).toEqual({ status: 200, body: { status: 'duplicate' } });
      const paid = (await world.codes.get(code.id))!;
      expect(paid).toMatchObject({ status: 'paid', payment: { amountMinor: 12000, operationNumber: '' } });
      const events = await allEvents(world.store, code.id);
      expect(events.filter((event) => event.type === 'code.paid')).toHaveLength(1);
      // Without the fast-path record (another instance, an expired record), applyPayment dedupes by CIP.
      const other = await world.codes.applyPayment({
        cip: code.cip!,
        amountMinor: 12000,
        currency: 'PEN',
        operationNumber: null,
      });
      expect(other.kind).toBe('duplicate');
      expect(entriesOf(await world.codes.history(code.id), 'paid')).toHaveLength(1);
    });

    test('an unknown event type is recorded with its body under the CIP, and surfaced as notification.unknown', async () => {
      const world = await open();
      const { code } = await world.codes.issue(order(newOrderId('ORD-REV')));
      const body = JSON.stringify({
        eventType: 'cip.reversed',
        operationNumber: '777',
        data: { cip: code.cip, amount: 120 },
      });
      expect(await answer(world, post(body))).toEqual({ status: 200, body: { status: 'ignored' } });
      expect(await answer(world, post(body))).toEqual({ status: 200, body: { status: 'ignored' } });
      const entries = entriesOf(await world.codes.history(code.id), 'notification_unknown');
      expect(entries).toMatchObject([
        { cip: code.cip, reason: 'unknown_event_type', data: { eventType: 'cip.reversed', body } },
      ]);
      const events = (await allEvents(world.store, code.id)).filter((event) => event.type === 'notification.unknown');
      expect(events).toMatchObject([
        { codeId: code.id, cip: code.cip, source: 'webhook', data: { eventType: 'cip.reversed', body } },
      ]);
      expect(world.delivered.map((event) => event.id)).toContain(events[0]!.id);
      // The code itself is untouched.
      expect((await world.codes.get(code.id))!.status).toBe('pending');
    });

    test('an unknown event type without a known CIP is recorded under notification:<type> or cip:<number>', async () => {
      const world = await open();
      const ping = JSON.stringify({ eventType: 'merchant.ping', data: {} });
      expect((await answer(world, post(ping))).status).toBe(200);
      expect(entriesOf(await world.codes.history('notification:merchant.ping'), 'notification_unknown')).toMatchObject([
        { cip: null, data: { body: ping } },
      ]);
      const stray = JSON.stringify({ eventType: 'cip.reversed', data: { cip: '5550001' } });
      expect((await answer(world, post(stray))).status).toBe(200);
      expect(entriesOf(await world.codes.history('cip:5550001'), 'notification_unknown')).toMatchObject([
        { cip: '5550001', data: { body: stray } },
      ]);
      const surfaced = world.delivered.filter((event) => event.type === 'notification.unknown');
      expect(surfaced.map((event) => [event.codeId, event.cip])).toEqual([
        [null, null],
        [null, '5550001'],
      ]);
    });

    test('an unknown event type that cannot be recorded is answered 503, so the retry gets another chance', async () => {
      let faulty: FaultyStore | null = null;
      const world = await open({
        wrapStore: (store) => {
          faulty = faultyStore(store);
          return faulty.store;
        },
      });
      const body = JSON.stringify({ eventType: 'cip.reversed', data: { cip: '5550002' } });
      faulty!.arm({ methods: ['appendRecords'], count: 4, when: 'before' });
      expect(await answer(world, post(body))).toEqual({
        status: 503,
        body: { status: 'error', code: 'storage_error' },
      });
      faulty!.disarm();
      expect(await world.codes.history('cip:5550002')).toEqual([]);
      expect(await answer(world, post(body))).toEqual({ status: 200, body: { status: 'ignored' } });
      expect(await world.codes.history('cip:5550002')).toHaveLength(1);
    });
  });
}
