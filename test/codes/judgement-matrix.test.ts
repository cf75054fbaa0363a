/**
 * One payment judgement for every path (issue 11): the webhook, the sweeper, `reconcileWithApi`,
 * `reconcileSettlement({ codes })`, `cancel()` and a re-issue each discover the same payment, and each
 * ends in the final status and money events that the outcome table of src/codes/judgement.ts gives.
 * Afterwards every other path looks at the same payment again and changes nothing: no path accepts
 * what another refused.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { CodeStatus, PaymentRejectReason } from '../../src/model/code.js';
import { reconcileSettlement, reconcileWithApi } from '../../src/reconcile/index.js';
import type { ReconcileReport } from '../../src/reconcile/types.js';
import {
  allEvents,
  createWorld,
  drainAll,
  EXPIRY_MS,
  entriesOf,
  GRACE_MS,
  HOUR,
  MINUTE,
  moneyTypes,
  newOrderId,
  order,
  STORES,
  settlementCsv,
  storeTitle,
  type World,
} from './_money-path.js';

type CaseName = 'exact' | 'partial' | 'over' | 'late' | 'unknown' | 'duplicate' | 'cancelled';
type PathName = 'webhook' | 'sweeper' | 'reconcileWithApi' | 'reconcileSettlement' | 'cancel' | 'reissue';

/** What the outcome table says a case ends in, whatever path found the payment. */
interface Expected {
  /** Final status of the code (`null`: no code, the CIP is unknown). */
  status: CodeStatus | null;
  /** The money events of the code (or of the CIP), oldest first. */
  money: string[];
  reason: PaymentRejectReason | null;
}

const TABLE: Record<CaseName, Expected> = {
  exact: { status: 'paid', money: ['code.paid'], reason: null },
  partial: { status: 'review', money: ['payment.review'], reason: 'amount_mismatch' },
  over: { status: 'review', money: ['payment.review'], reason: 'amount_mismatch' },
  late: { status: 'review', money: ['payment.review'], reason: 'paid_after_expiry' },
  unknown: { status: null, money: ['payment.rejected'], reason: 'unknown_cip' },
  duplicate: { status: 'paid', money: ['code.paid'], reason: null },
  cancelled: { status: 'review', money: ['payment.review'], reason: 'code_cancelled' },
};

/**
 * Which path can discover which case. The sweeper, the API reconciliation, cancel and re-issue only
 * look at stored codes (no unknown CIP); the sweeper only at pending codes, and cancel/re-issue of a
 * cancelled order refuse before looking (so no cancelled-code case for them).
 */
const APPLIES: Record<PathName, readonly CaseName[]> = {
  webhook: ['exact', 'partial', 'over', 'late', 'unknown', 'duplicate', 'cancelled'],
  sweeper: ['exact', 'partial', 'over', 'late', 'duplicate'],
  reconcileWithApi: ['exact', 'partial', 'over', 'late', 'duplicate', 'cancelled'],
  reconcileSettlement: ['exact', 'partial', 'over', 'late', 'unknown', 'duplicate', 'cancelled'],
  cancel: ['exact', 'partial', 'over', 'late', 'duplicate'],
  reissue: ['exact', 'partial', 'over', 'late', 'duplicate'],
};

/** Paths whose result differs from the table (none: every path records what the webhook records). */
const OVERRIDES: Partial<Record<`${PathName}:${CaseName}`, Partial<Expected>>> = {};

/** The payment as made at the fake. */
interface Payment {
  cip: string;
  amount: string;
  currency: string;
  paidAt: Date;
  operationNumber: string;
  transactionCode: string;
  codeId: string | null;
  orderId: string | null;
}

const LOCKED = '120.00';
const PAID_AMOUNT: Partial<Record<CaseName, string>> = { partial: '40.00', over: '200.00' };
const PAST_EXPIRY = EXPIRY_MS + GRACE_MS + MINUTE;

/** Make the case's payment at the fake; only the webhook path lets the notification go out. */
async function prepare(world: World, kase: CaseName, notify: boolean): Promise<Payment> {
  const amount = PAID_AMOUNT[kase] ?? LOCKED;
  let codeId: string | null = null;
  let orderId: string | null = null;
  let cip: string;
  if (kase === 'unknown') {
    // A CIP created at PagoEfectivo by something else than this service (another system, a test).
    const created = await world.client.createCip({
      currency: 'PEN',
      amount: LOCKED,
      transactionCode: `FOREIGN-${newOrderId('x').replace(/\D/g, '')}`,
      userEmail: 'otro@example.pe',
      dateExpiry: new Date(world.now().getTime() + EXPIRY_MS),
    });
    cip = created.cip;
  } else {
    orderId = newOrderId(`ORD-${kase}`);
    const { code } = await world.codes.issue(order(orderId, LOCKED));
    codeId = code.id;
    cip = code.cip!;
  }
  let allowExpired = false;
  if (kase === 'late') {
    await world.advance(PAST_EXPIRY);
    allowExpired = true;
  } else if (kase === 'cancelled') {
    await world.advance(PAST_EXPIRY);
    const swept = await world.codes.sweepExpired();
    expect(swept.changed).toEqual([{ codeId, orderId, status: 'expired' }]);
    expect((await world.codes.cancel(orderId!)).status).toBe('cancelled');
    allowExpired = true;
  } else {
    await world.advance(HOUR);
  }
  await world.fake.pay(cip, { amount, allowExpired, notify });
  const paid = world.fake.getCip(cip)!;
  return {
    cip,
    amount,
    currency: 'PEN',
    paidAt: paid.datePayment!,
    operationNumber: paid.notification!.operationNumber,
    transactionCode: paid.transactionCode,
    codeId,
    orderId,
  };
}

const csvOf = (payment: Payment, times = 1): string =>
  settlementCsv(
    Array.from({ length: times }, () => ({
      cip: payment.cip,
      amount: payment.amount,
      currency: payment.currency,
      paidAt: payment.paidAt,
      operationNumber: payment.operationNumber,
      transactionCode: payment.transactionCode,
    })),
  );

const reconcileApi = (world: World): Promise<ReconcileReport> =>
  reconcileWithApi({ codes: world.codes, client: world.client, store: world.store, now: world.now });

const reconcileFile = (world: World, payment: Payment, times = 1): Promise<ReconcileReport> =>
  reconcileSettlement(csvOf(payment, times), { store: world.store, codes: world.codes, now: world.now });

const itemOf = (report: ReconcileReport, cip: string) => report.items.filter((item) => item.cip === cip);

async function guardCode(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'resolved';
}

/**
 * Discover the payment through one path (twice for the duplicate case), checking what the path itself
 * reports about it.
 */
const PATHS: Record<PathName, (world: World, payment: Payment, kase: CaseName) => Promise<void>> = {
  async webhook(world, payment, kase) {
    const expected = TABLE[kase];
    const first = world.answers.at(-1)!;
    expect(first.status).toBe(200);
    if (expected.status === 'paid') expect(first.body).toEqual({ status: 'processed' });
    else if (expected.status === null) expect(first.body).toEqual({ status: 'rejected', reason: 'unknown_cip' });
    else expect(first.body).toEqual({ status: 'review', reason: expected.reason });
    if (kase === 'duplicate') {
      const again = await world.fake.redeliver(payment.cip);
      expect(again.attempts).toEqual([{ status: 200 }]);
      expect(world.answers.at(-1)!.body).toEqual({ status: 'duplicate' });
    }
  },
  async sweeper(world, payment, kase) {
    if (kase !== 'late') await world.advance(PAST_EXPIRY);
    const summary = await world.codes.sweepExpired();
    expect(summary.changed).toEqual([{ codeId: payment.codeId, orderId: payment.orderId, status: TABLE[kase].status }]);
    expect(summary.expired).toBe(0);
    if (kase === 'duplicate') {
      const again = await world.codes.sweepExpired();
      expect(again.changed).toEqual([]);
    }
  },
  async reconcileWithApi(world, payment, kase) {
    const report = await reconcileApi(world);
    const expected = TABLE[kase].status === 'paid' ? 'payment_recovered' : 'payment_flagged';
    expect(itemOf(report, payment.cip).map((item) => item.kind)).toEqual([expected]);
    if (kase === 'duplicate') {
      const again = await reconcileApi(world);
      expect(itemOf(again, payment.cip).map((item) => [item.kind, item.action])).toEqual([['matched', 'none']]);
    }
  },
  async reconcileSettlement(world, payment, kase) {
    const report = await reconcileFile(world, payment, kase === 'duplicate' ? 2 : 1);
    const kinds = itemOf(report, payment.cip).map((item) => item.kind);
    if (kase === 'unknown') expect(kinds).toEqual(['unknown_here']);
    else if (kase === 'duplicate') expect(kinds).toEqual(['payment_recovered', 'duplicate_in_settlement']);
    else expect(kinds).toEqual([TABLE[kase].status === 'paid' ? 'payment_recovered' : 'payment_flagged']);
    if (kase === 'duplicate') {
      const again = await reconcileFile(world, payment);
      expect(itemOf(again, payment.cip).map((item) => item.kind)).toEqual(['matched']);
    }
  },
  async cancel(world, payment, kase) {
    // The CIP is paid at PagoEfectivo: the cancel is refused and the payment recorded, judged.
    expect(await guardCode(world.codes.cancel(payment.orderId!))).toBe('code_not_cancellable');
    if (kase === 'duplicate') {
      expect(await guardCode(world.codes.cancel(payment.orderId!))).toBe('code_not_cancellable');
    }
    expect(world.fake.getCip(payment.cip)!.state).toBe('paid');
  },
  async reissue(world, payment, kase) {
    if (kase !== 'late') await world.advance(PAST_EXPIRY);
    const refusal = TABLE[kase].status === 'paid' ? 'order_already_paid' : 'order_payment_in_review';
    const before = world.fake.stats().createCip;
    expect(await guardCode(world.codes.issue(order(payment.orderId!, LOCKED)))).toBe(refusal);
    if (kase === 'duplicate') {
      expect(await guardCode(world.codes.issue(order(payment.orderId!, LOCKED)))).toBe(refusal);
    }
    // No second CIP for an order whose first one was paid.
    expect(world.fake.stats().createCip).toBe(before);
  },
};

/** The code's (or the unknown CIP's) outcome as a merchant sees it. */
async function outcome(world: World, payment: Payment) {
  const events =
    payment.codeId === null
      ? (await allEvents(world.store)).filter((event) => event.cip === payment.cip)
      : await allEvents(world.store, payment.codeId);
  const code = payment.codeId === null ? null : await world.codes.get(payment.codeId);
  const log = await world.codes.history(payment.codeId ?? `cip:${payment.cip}`);
  return { code, events, money: events.filter((event) => moneyTypes([event]).length > 0), log };
}

/** Look at the same payment through every other path; nothing may change. */
async function lookAgainEverywhere(world: World, payment: Payment): Promise<void> {
  const redelivered = await world.fake.redeliver(payment.cip);
  expect(redelivered.attempts.map((attempt) => ('status' in attempt ? attempt.status : attempt.error))).toEqual([200]);
  await world.advance(PAST_EXPIRY);
  await world.codes.sweepExpired();
  await reconcileApi(world);
  await reconcileFile(world, payment);
}

for (const factory of STORES) {
  describe.skipIf(factory.skip !== null)(`judgement matrix, ${storeTitle(factory)}`, () => {
    let world: World;
    const worlds: World[] = [];
    beforeEach(() => {
      worlds.length = 0;
    });
    afterEach(async () => {
      for (const opened of worlds) await opened.close();
    });
    const open = async (): Promise<World> => {
      world = await createWorld(factory);
      worlds.push(world);
      return world;
    };

    const rows = (Object.keys(TABLE) as CaseName[]).flatMap((kase) =>
      (Object.keys(APPLIES) as PathName[])
        .filter((path) => APPLIES[path].includes(kase))
        .map((path) => ({ kase, path })),
    );

    test.each(rows)('$kase payment found by $path', async ({ kase, path }) => {
      await open();
      const expected: Expected = { ...TABLE[kase], ...OVERRIDES[`${path}:${kase}`] };
      const payment = await prepare(world, kase, path === 'webhook');
      await PATHS[path](world, payment, kase);
      await drainAll(world, world.codes);

      const found = await outcome(world, payment);
      expect(found.code?.status ?? null).toBe(expected.status);
      expect(found.money.map((event) => event.type)).toEqual(expected.money);
      if (expected.status === 'paid') {
        expect(entriesOf(found.log, 'paid')).toHaveLength(1);
        expect(found.code!.payment).toMatchObject({ amountMinor: 12000, currency: 'PEN' });
      }
      if (expected.status === 'review') {
        expect(found.code!.review).toMatchObject({ reason: expected.reason, decision: null });
        expect(entriesOf(found.log, 'review')).toMatchObject([{ reason: expected.reason }]);
        expect(found.money[0]!.data).toMatchObject({ reason: expected.reason });
        // The review keeps what was really paid, not the locked amount.
        expect(found.code!.payment).toMatchObject({ amountMinor: Math.round(Number(payment.amount) * 100) });
      }
      if (expected.money.includes('payment.rejected')) {
        expect(entriesOf(found.log, 'payment_rejected')).toMatchObject([{ reason: expected.reason }]);
        expect(found.money[0]).toMatchObject({ codeId: null, cip: payment.cip, data: { reason: expected.reason } });
      }
      // Every money event reached onEvent, once per id here (no failures were injected).
      const seen = world.delivered.filter(
        (event) => moneyTypes([event]).length > 0 && found.money.some((m) => m.id === event.id),
      );
      expect(seen.map((event) => event.id)).toEqual(found.money.map((event) => event.id));

      // No other path turns the outcome into something else.
      const before = found.money.map((event) => event.id);
      await lookAgainEverywhere(world, payment);
      const after = await outcome(world, payment);
      expect(after.code?.status ?? null).toBe(expected.status);
      // The events already recorded stay; a path that recorded nothing (settlement, unknown CIP) may be
      // followed by the webhook's own record, which is then the table's answer.
      expect(after.money.map((event) => event.id).slice(0, before.length)).toEqual(before);
      expect(after.money.map((event) => event.type)).toEqual(TABLE[kase].money);
      expect(entriesOf(after.log, 'paid')).toHaveLength(expected.status === 'paid' ? 1 : 0);
    });
  });
}
