/**
 * The money-path invariants of issue 10, at the service level, under store faults. A wrapper fails the
 * Nth store call of an operation once, either before it takes effect or after (the reply is lost), for
 * every N the operation makes; then the retries a merchant or PagoEfectivo would make run, and:
 * every paid code has exactly one `paid` entry and one `code.paid` event that `onEvent` saw; no order
 * has two payable CIPs at the fake; no pending code points at a deleted CIP; every refused payment has
 * its entry.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { createCashCodes } from '../../src/codes/index.js';
import { isPagoEfectivoKitError, ValidationError } from '../../src/errors.js';
import { memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo } from '../../src/testing/index.js';
import {
  ACCESS_KEY,
  allEvents,
  createWorld,
  drainAll,
  EXPIRY_MS,
  entriesOf,
  type FaultyStore,
  faultyStore,
  GRACE_MS,
  HOUR,
  MINUTE,
  newOrderId,
  order,
  SECRET,
  START,
  STORES,
  type StoreFactory,
  storeTitle,
  violations,
  type World,
} from './_money-path.js';

const LEASE_MS = 60_000;

interface Faulted {
  world: World;
  faulty: FaultyStore;
  logs: { level: string; message: string; fields: Record<string, unknown> }[];
}

async function faultedWorld(factory: StoreFactory): Promise<Faulted> {
  let faulty: FaultyStore | null = null;
  const logs: Faulted['logs'] = [];
  const line =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      void logs.push({ level, message, fields });
  const world = await createWorld(factory, {
    fake: { webhookRetryDelayMs: 0 },
    codes: {
      leaseMs: LEASE_MS,
      inFlightWaitMs: 20,
      logger: { info: line('info'), warn: line('warn'), error: line('error') },
    },
    wrapStore: (store) => {
      faulty = faultyStore(store);
      return faulty.store;
    },
  });
  return { world, faulty: faulty!, logs };
}

/** Run `task`; resolve to its error code, or `ok`. */
async function attempt(task: () => Promise<unknown>): Promise<string> {
  try {
    await task();
    return 'ok';
  } catch (error) {
    return isPagoEfectivoKitError(error) ? error.code : String(error);
  }
}

/** One operation under fault: set up unarmed, run armed, recover unarmed, then check. */
interface Scenario<T> {
  name: string;
  setup(world: World): Promise<T>;
  run(world: World, state: T): Promise<unknown>;
  /** The retries a merchant (or PagoEfectivo, or the next sweeper run) would make. */
  recover(world: World, state: T): Promise<void>;
  check(world: World, state: T): Promise<void>;
}

async function payExact(world: World, cip: string): Promise<void> {
  const report = await world.fake.pay(cip);
  expect(report.delivered).toBe(true);
}

/** Issue until it succeeds, as a merchant would (moving past leases and letting the sweeper clean up). */
async function issueUntilDone(world: World, orderId: string) {
  for (let round = 0; round < 4; round += 1) {
    try {
      return await world.codes.issue(order(orderId));
    } catch {
      await world.advance(LEASE_MS + MINUTE);
      await world.codes.sweepExpired();
    }
  }
  throw new Error(`issue(${orderId}) never succeeded after the fault`);
}

const issueScenario: Scenario<{ orderId: string }> = {
  name: 'issue',
  setup: async () => ({ orderId: newOrderId('ORD-F-ISSUE') }),
  run: (world, { orderId }) => world.codes.issue(order(orderId)),
  async recover(world, { orderId }) {
    const { code } = await issueUntilDone(world, orderId);
    expect(code.status).toBe('pending');
    await payExact(world, code.cip!);
  },
  async check(world, { orderId }) {
    expect((await world.codes.get(orderId))!.status).toBe('paid');
  },
};

type PayKind = 'exact' | 'partial' | 'unknown';

function paymentScenario(
  kind: PayKind,
): Scenario<{ cip: string; codeId: string | null; report: { delivered: boolean } | null }> {
  return {
    name: `applyPayment (${kind}) through the webhook handler`,
    async setup(world) {
      if (kind === 'unknown') {
        const created = await world.client.createCip({
          currency: 'PEN',
          amount: '120.00',
          transactionCode: 'FOREIGN-1',
          userEmail: 'otro@example.pe',
          dateExpiry: new Date(world.now().getTime() + EXPIRY_MS),
        });
        return { cip: created.cip, codeId: null, report: null };
      }
      const { code } = await world.codes.issue(order(newOrderId(`ORD-F-PAY-${kind}`)));
      return { cip: code.cip!, codeId: code.id, report: null };
    },
    async run(world, state) {
      // PagoEfectivo's sender: one attempt, and one retry at once on anything but 2xx.
      state.report = await world.fake.pay(state.cip, kind === 'partial' ? { amount: '40.00' } : {});
    },
    async recover() {},
    async check(world, state) {
      // One fault, one retry: the notification is recorded by the second attempt at the latest.
      expect(state.report?.delivered).toBe(true);
      if (kind === 'unknown') {
        const log = await world.codes.history(`cip:${state.cip}`);
        expect(entriesOf(log, 'payment_rejected')).toMatchObject([{ reason: 'unknown_cip' }]);
        const events = (await allEvents(world.raw)).filter((event) => event.cip === state.cip);
        expect(events.map((event) => event.type)).toEqual(['payment.rejected']);
        return;
      }
      const code = (await world.codes.get(state.codeId!))!;
      expect(code.status).toBe(kind === 'exact' ? 'paid' : 'review');
      if (kind === 'partial') {
        const events = await allEvents(world.raw, code.id);
        expect(events.filter((event) => event.type === 'payment.review')).toHaveLength(1);
      }
    },
  };
}

function cancelScenario(paid: boolean): Scenario<{ orderId: string; cip: string; answers: string[] }> {
  return {
    name: paid ? 'cancel (CIP found paid)' : 'cancel (pending)',
    async setup(world) {
      const orderId = newOrderId('ORD-F-CANCEL');
      const { code } = await world.codes.issue(order(orderId));
      if (paid) await world.fake.pay(code.cip!, { notify: false });
      return { orderId, cip: code.cip!, answers: [] };
    },
    async run(world, state) {
      state.answers.push(await attempt(() => world.codes.cancel(state.orderId)));
    },
    async recover(world, state) {
      // The merchant retries until the answer is definitive.
      for (let round = 0; round < 3 && !['ok', 'code_not_cancellable'].includes(state.answers.at(-1)!); round += 1) {
        await world.advance(MINUTE);
        state.answers.push(await attempt(() => world.codes.cancel(state.orderId)));
      }
    },
    async check(world, state) {
      const code = (await world.codes.get(state.orderId))!;
      const events = await allEvents(world.raw, code.id);
      if (paid) {
        expect(state.answers.at(-1)).toBe('code_not_cancellable');
        expect(code.status).toBe('paid');
        expect(events.filter((event) => event.type === 'code.cancelled')).toEqual([]);
        expect(world.fake.getCip(state.cip)!.state).toBe('paid');
      } else {
        expect(state.answers.at(-1)).toBe('ok');
        expect(code.status).toBe('cancelled');
        expect(entriesOf(await world.codes.history(code.id), 'cancelled')).toHaveLength(1);
        expect(events.filter((event) => event.type === 'code.cancelled')).toHaveLength(1);
        expect(world.fake.getCip(state.cip)!.state).toBe('deleted');
      }
    },
  };
}

const sweepScenario: Scenario<{ unpaid: string; paid: string; partial: string }> = {
  name: 'sweepExpired',
  async setup(world) {
    const ids = [];
    for (const label of ['unpaid', 'paid', 'partial']) {
      ids.push((await world.codes.issue(order(newOrderId(`ORD-F-SWEEP-${label}`)))).code);
    }
    await world.advance(HOUR);
    await world.fake.pay(ids[1]!.cip!, { notify: false });
    await world.fake.pay(ids[2]!.cip!, { notify: false, amount: '40.00' });
    await world.advance(EXPIRY_MS + GRACE_MS);
    return { unpaid: ids[0]!.id, paid: ids[1]!.id, partial: ids[2]!.id };
  },
  run: (world) => world.codes.sweepExpired(),
  async recover(world) {
    // The next runs of the sweeper, once the leases of the codes the faulty run held have lapsed.
    await world.advance(LEASE_MS + MINUTE);
    await world.codes.sweepExpired();
    await world.advance(LEASE_MS + MINUTE);
    await world.codes.sweepExpired();
  },
  async check(world, state) {
    const expected = {
      unpaid: ['expired', 'code.expired'],
      paid: ['paid', 'code.paid'],
      partial: ['review', 'payment.review'],
    };
    for (const [key, [status, type]] of Object.entries(expected)) {
      const id = state[key as keyof typeof state];
      expect((await world.codes.get(id))!.status, key).toBe(status);
      const events = await allEvents(world.raw, id);
      expect(
        events.filter((event) => event.type === type),
        key,
      ).toHaveLength(1);
      expect(entriesOf(await world.codes.history(id), status!), key).toHaveLength(1);
    }
  },
};

const SCENARIOS: Scenario<never>[] = [
  issueScenario,
  paymentScenario('exact'),
  paymentScenario('partial'),
  paymentScenario('unknown'),
  cancelScenario(false),
  cancelScenario(true),
  sweepScenario,
] as unknown as Scenario<never>[];

/** The store calls a scenario's operation makes, in order (a run without faults). */
async function callsOf(factory: StoreFactory, scenario: Scenario<never>): Promise<string[]> {
  const { world, faulty } = await faultedWorld(factory);
  try {
    const state = await scenario.setup(world);
    faulty.record(true);
    await scenario.run(world, state);
    faulty.record(false);
    return [...faulty.calls];
  } finally {
    await world.close();
  }
}

for (const factory of STORES) {
  // Every store call of a scenario is failed in turn: on a server store that is hundreds of round trips.
  describe.skipIf(factory.skip !== null)(
    `money path under store faults, ${storeTitle(factory)}`,
    { timeout: 120_000 },
    () => {
      const worlds: World[] = [];
      afterEach(async () => {
        for (const world of worlds.splice(0)) await world.close();
      });

      describe.each(SCENARIOS.map((scenario) => ({ scenario, name: scenario.name })))('$name', ({ scenario }) => {
        test('every store call, failed once before or after it takes effect, leaves the invariants true', async () => {
          const calls = await callsOf(factory, scenario);
          expect(calls.length).toBeGreaterThan(0);
          const failures: string[] = [];
          for (let index = 0; index < calls.length; index += 1) {
            for (const when of ['before', 'after'] as const) {
              const label = `call #${index + 1} (${calls[index]}) failing ${when}`;
              const { world, faulty } = await faultedWorld(factory);
              worlds.push(world);
              const state = await scenario.setup(world);
              faulty.arm({ skip: index, count: 1, when });
              await attempt(() => scenario.run(world, state));
              faulty.disarm();
              try {
                expect(faulty.injected, 'the fault was injected').toHaveLength(1);
                await scenario.recover(world, state);
                await drainAll(world, world.codes);
                await scenario.check(world, state);
                const broken = await violations(world, new Set(world.delivered.map((event) => event.id)));
                expect(broken).toEqual([]);
              } catch (error) {
                failures.push(`${label}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
              }
              await world.close();
              worlds.splice(worlds.indexOf(world), 1);
            }
          }
          expect(failures).toEqual([]);
        });
      });

      describe('a created CIP whose commit failed is never left payable', () => {
        test('commit fails, the reservation records the CIP, its deletion fails: the sweeper deletes it after the lease', async () => {
          const { world, faulty } = await faultedWorld(factory);
          worlds.push(world);
          const orderId = newOrderId('ORD-STRANDED');
          // The commit to `pending` fails on every re-execution; the next commit (the orphan record) lands.
          faulty.arm({ methods: ['commitCode'], count: 4, when: 'before' });
          world.fake.failNext({ operation: 'deleteCip' });
          const failed = await attempt(() => world.codes.issue(order(orderId)));
          faulty.disarm();
          expect(failed).toBe('storage_error');
          const reservation = (await world.codes.get(orderId))!;
          expect(reservation.status).toBe('reserving');
          expect(reservation.cip).not.toBeNull();
          const cip = reservation.cip!;
          // The residual window: payable until the takeover deletes it; no other code for the order meanwhile.
          expect(world.fake.getCip(cip)!.state).toBe('generated');
          expect(await attempt(() => world.codes.issue(order(orderId)))).toBe('order_code_in_flight');
          expect(world.fake.stats().createCip).toBe(1);

          await world.advance(LEASE_MS + MINUTE);
          const summary = await world.codes.sweepExpired();
          expect(summary.released).toBe(1);
          expect(world.fake.getCip(cip)!.state).toBe('deleted');
          expect((await world.codes.get(reservation.id))!).toMatchObject({ status: 'failed', cip });

          const { code } = await world.codes.issue(order(orderId));
          expect(code.cip).not.toBe(cip);
          await payExact(world, code.cip!);
          await drainAll(world, world.codes);
          expect(await violations(world, new Set(world.delivered.map((event) => event.id)))).toEqual([]);
        });

        test('commit and the orphan record both fail: the CIP is deleted at PagoEfectivo right away', async () => {
          const { world, faulty } = await faultedWorld(factory);
          worlds.push(world);
          const orderId = newOrderId('ORD-STRANDED-2');
          faulty.arm({ methods: ['commitCode'], count: 8, when: 'before' });
          expect(await attempt(() => world.codes.issue(order(orderId)))).toBe('storage_error');
          faulty.disarm();
          const cip = world.fake.getCip('2401557')!;
          expect(cip.state).toBe('deleted');
          await world.advance(LEASE_MS + MINUTE);
          await world.codes.sweepExpired();
          const { code } = await world.codes.issue(order(orderId));
          expect(code.cip).not.toBe(cip.cip);
          expect(await violations(world, new Set(world.delivered.map((event) => event.id)))).toEqual([]);
        });

        test('commit, record and deletion all fail: the CIP number is logged at error level (the documented residue)', async () => {
          const { world, faulty, logs } = await faultedWorld(factory);
          worlds.push(world);
          faulty.arm({ methods: ['commitCode'], count: 8, when: 'before' });
          world.fake.failNext({ operation: 'deleteCip' });
          expect(await attempt(() => world.codes.issue(order(newOrderId('ORD-STRANDED-3'))))).toBe('storage_error');
          faulty.disarm();
          expect(logs.filter((line) => line.level === 'error' && line.fields.cip === '2401557')).not.toEqual([]);
        });

        test('a commit that landed although every reply was lost is the stored code: its CIP is kept, not deleted', async () => {
          const { world, faulty } = await faultedWorld(factory);
          worlds.push(world);
          faulty.arm({ methods: ['commitCode'], count: 4, when: 'after' });
          const result = await world.codes.issue(order(newOrderId('ORD-LANDED')));
          faulty.disarm();
          expect(result).toMatchObject({ created: true, code: { status: 'pending' } });
          expect(world.fake.getCip(result.code.cip!)!.state).toBe('generated');
          expect((await world.codes.get(result.code.id))!.status).toBe('pending');
        });
      });
    },
  );
}

describe('clientIp must be an address when a rate limit or an allow-list is configured', () => {
  function service(options: { rateLimit?: { limit: number; windowMs: number }; allowIps?: string[] }) {
    const fake = createFakePagoEfectivo({ serviceId: 1234, accessKey: ACCESS_KEY, secretKey: SECRET, start: START });
    const now = () => fake.now();
    const client = createPagoEfectivoClient({
      serviceId: 1234,
      accessKey: ACCESS_KEY,
      secretKey: SECRET,
      baseUrl: fake.baseUrl,
      fetch: fake.fetch,
      now,
      retry: { retries: 0 },
    });
    return { fake, codes: createCashCodes({ client, store: memoryStore({ now }), now, ...options }) };
  }

  test.each([
    ['a rate limit', { rateLimit: { limit: 5, windowMs: 60_000 } }],
    ['an allow-list', { allowIps: ['0.0.0.0/0'] }],
  ] as const)(
    'with %s, a raw header value is a ValidationError naming clientIp, before any API call',
    async (_label, options) => {
      const { fake, codes } = service(options as never);
      for (const clientIp of ['not-an-ip', '203.0.113.7, 10.0.0.1', '']) {
        let error: unknown = null;
        try {
          await codes.issue({ ...order(newOrderId('ORD-IP')), clientIp });
        } catch (caught) {
          error = caught;
        }
        expect(error, clientIp).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues.map((issue) => issue.path)).toContain('clientIp');
      }
      expect(fake.stats().createCip).toBe(0);
      // A real address passes.
      const { code } = await codes.issue({ ...order(newOrderId('ORD-IP')), clientIp: '203.0.113.7' });
      expect(code.status).toBe('pending');
    },
  );

  test('a rate limit keys on the address: one client cannot bypass it with made-up strings', async () => {
    const { codes } = service({ rateLimit: { limit: 1, windowMs: 60_000 } });
    await codes.issue({ ...order(newOrderId('ORD-RL')), clientIp: '198.51.100.1' });
    let error: unknown = null;
    try {
      await codes.issue({ ...order(newOrderId('ORD-RL')), clientIp: '198.51.100.1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'rate_limited' });
  });
});
