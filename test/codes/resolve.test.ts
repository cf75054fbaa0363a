/**
 * `codes.resolve()`: a person settles a payment under review (issue 11). Accept makes the order paid
 * (`code.paid`); refund records the refund-required outcome (`payment.refund_required`) and frees the
 * order for a new code; both decisions are in the lifecycle log with who took them.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import type { CashCode } from '../../src/model/code.js';
import {
  allEvents,
  createWorld,
  EXPIRY_MS,
  entriesOf,
  GRACE_MS,
  MINUTE,
  moneyTypes,
  newOrderId,
  order,
  STORES,
  storeTitle,
  type World,
} from './_money-path.js';

async function rejection(
  run: Promise<unknown>,
): Promise<{ code?: string; name?: string; issues?: { path: string }[] }> {
  try {
    await run;
  } catch (error) {
    return error as { code?: string };
  }
  throw new Error('expected a rejection');
}

for (const factory of STORES) {
  describe.skipIf(factory.skip !== null)(`codes.resolve, ${storeTitle(factory)}`, () => {
    const worlds: World[] = [];
    afterEach(async () => {
      for (const world of worlds.splice(0)) await world.close();
    });

    /** A code whose buyer paid S/ 40.00 of S/ 120.00 (through the real webhook): in review. */
    async function inReview(): Promise<{ world: World; code: CashCode; orderId: string }> {
      const world = await createWorld(factory);
      worlds.push(world);
      const orderId = newOrderId('ORD-REVIEW');
      const { code } = await world.codes.issue(order(orderId, '120.00'));
      await world.fake.pay(code.cip!, { amount: '40.00' });
      const held = (await world.codes.get(code.id))!;
      expect(held).toMatchObject({ status: 'review', review: { reason: 'amount_mismatch', decision: null } });
      return { world, code: held, orderId };
    }

    test('accept → paid with a code.paid event; the review and the decision are in the log with the actor', async () => {
      const { world, code } = await inReview();
      const accepted = await world.codes.resolve(code.id, {
        decision: 'accept',
        actor: 'ana.support',
        note: 'topped up at the counter',
      });
      expect(accepted).toMatchObject({
        status: 'paid',
        review: {
          reason: 'amount_mismatch',
          decision: 'accept',
          decidedBy: 'ana.support',
          note: 'topped up at the counter',
        },
      });
      expect((await world.codes.get(code.id))!.status).toBe('paid');
      const events = await allEvents(world.store, code.id);
      expect(moneyTypes(events)).toEqual(['payment.review', 'code.paid']);
      const paid = events.find((event) => event.type === 'code.paid')!;
      expect(paid).toMatchObject({
        source: 'support',
        data: { decision: 'accept', decidedBy: 'ana.support', reason: 'amount_mismatch' },
      });
      expect(world.delivered.map((event) => event.id)).toContain(paid.id);
      const log = await world.codes.history(code.id);
      expect(entriesOf(log, 'review')).toMatchObject([
        { actor: 'pagoefectivo', reason: 'amount_mismatch', from: 'pending', to: 'review' },
      ]);
      expect(entriesOf(log, 'resolved')).toMatchObject([
        {
          actor: 'support',
          reason: 'accept',
          from: 'review',
          to: 'paid',
          data: { decidedBy: 'ana.support', note: 'topped up at the counter' },
        },
      ]);
      // The order is paid now: no new code.
      expect((await rejection(world.codes.issue(order(code.orderId, '120.00')))).code).toBe('order_already_paid');
    });

    test('refund → refund_required with payment.refund_required, logged with the actor; the order then gets a new code', async () => {
      const { world, code, orderId } = await inReview();
      const refunded = await world.codes.resolve(code.id, { decision: 'refund', actor: 'luis' });
      expect(refunded).toMatchObject({
        status: 'refund_required',
        review: { decision: 'refund', decidedBy: 'luis', note: null },
      });
      const events = await allEvents(world.store, code.id);
      expect(moneyTypes(events)).toEqual(['payment.review', 'payment.refund_required']);
      expect(events.at(-1)).toMatchObject({
        source: 'support',
        data: { decision: 'refund', decidedBy: 'luis', amountMinor: 4000, lockedAmountMinor: 12000 },
      });
      expect(entriesOf(await world.codes.history(code.id), 'resolved')).toMatchObject([
        { actor: 'support', reason: 'refund', from: 'review', to: 'refund_required', data: { decidedBy: 'luis' } },
      ]);
      const reissued = await world.codes.issue(order(orderId, '120.00'));
      expect(reissued.created).toBe(true);
      expect(reissued.code).toMatchObject({ orderId, status: 'pending' });
      expect(reissued.code.id).not.toBe(code.id);
      expect(reissued.code.cip).not.toBe(code.cip);
      expect(world.fake.getCip(reissued.code.cip!)!.state).toBe('generated');
      // The refunded code stays as it was, and the order's current code is the new one.
      expect((await world.codes.get(code.id))!.status).toBe('refund_required');
      expect((await world.codes.get(orderId))!.id).toBe(reissued.code.id);
    });

    test('the same decision twice is idempotent; another decision afterwards is refused', async () => {
      const { world, code } = await inReview();
      const first = await world.codes.resolve(code.id, { decision: 'refund', actor: 'luis' });
      const eventsBefore = await allEvents(world.store, code.id);
      const logBefore = await world.codes.history(code.id);
      const again = await world.codes.resolve(code.id, { decision: 'refund', actor: 'someone-else' });
      expect(again).toEqual(first);
      expect(await allEvents(world.store, code.id)).toEqual(eventsBefore);
      expect(await world.codes.history(code.id)).toEqual(logBefore);
      const other = await rejection(world.codes.resolve(code.id, { decision: 'accept', actor: 'luis' }));
      expect(other).toMatchObject({ name: 'GuardError', code: 'code_not_in_review' });
      expect((await world.codes.get(code.id))!.status).toBe('refund_required');
    });

    test('resolving a code that is not in review → code_not_in_review; an unknown id → code_not_found', async () => {
      const world = await createWorld(factory);
      worlds.push(world);
      const { code } = await world.codes.issue(order(newOrderId('ORD-PENDING')));
      expect(await rejection(world.codes.resolve(code.id, { decision: 'accept', actor: 'ana' }))).toMatchObject({
        name: 'GuardError',
        code: 'code_not_in_review',
      });
      await world.fake.pay(code.cip!);
      expect(await rejection(world.codes.resolve(code.id, { decision: 'refund', actor: 'ana' }))).toMatchObject({
        code: 'code_not_in_review',
      });
      expect((await world.codes.get(code.id))!.status).toBe('paid');
      expect(await rejection(world.codes.resolve('no-such-code', { decision: 'accept', actor: 'ana' }))).toMatchObject({
        code: 'code_not_found',
      });
    });

    test.each([
      ['no input', undefined, ['decision', 'actor']],
      ['an unknown decision', { decision: 'maybe', actor: 'ana' }, ['decision']],
      ['an empty actor', { decision: 'accept', actor: '   ' }, ['actor']],
      ['an actor of 101 characters', { decision: 'accept', actor: 'a'.repeat(101) }, ['actor']],
      ['a note of 501 characters', { decision: 'refund', actor: 'ana', note: 'n'.repeat(501) }, ['note']],
    ] as const)('bad input (%s) → ValidationError naming the fields, nothing changed', async (_label, input, paths) => {
      const { world, code } = await inReview();
      const error = await rejection(world.codes.resolve(code.id, input as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.issues!.map((issue) => issue.path)).toEqual(paths);
      expect((await world.codes.get(code.id))!.status).toBe('review');
    });

    test('issue() for an order in review → order_payment_in_review, no new CIP', async () => {
      const { world, orderId } = await inReview();
      const before = world.fake.stats().createCip;
      expect(await rejection(world.codes.issue(order(orderId, '120.00')))).toMatchObject({
        code: 'order_payment_in_review',
      });
      // Also after the code's expiry: the review still holds the order.
      await world.advance(EXPIRY_MS + GRACE_MS + MINUTE);
      expect(await rejection(world.codes.issue(order(orderId, '120.00')))).toMatchObject({
        code: 'order_payment_in_review',
      });
      expect(world.fake.stats().createCip).toBe(before);
    });

    test('accepting a replaced code while its order has a new payable code is refused until that code is cancelled', async () => {
      const world = await createWorld(factory);
      worlds.push(world);
      const orderId = newOrderId('ORD-REPLACED');
      const { code: first } = await world.codes.issue(order(orderId, '120.00'));
      await world.advance(EXPIRY_MS + GRACE_MS + MINUTE);
      await world.codes.sweepExpired();
      const { code: second } = await world.codes.issue(order(orderId, '120.00'));
      expect(second.id).not.toBe(first.id);
      await world.fake.pay(first.cip!, { allowExpired: true });
      expect((await world.codes.get(first.id))!).toMatchObject({
        status: 'review',
        review: { reason: 'code_replaced' },
      });
      expect(await rejection(world.codes.resolve(first.id, { decision: 'accept', actor: 'ana' }))).toMatchObject({
        code: 'order_code_in_flight',
      });
      await world.codes.cancel(orderId); // the new code's CIP is deleted: it can no longer be paid
      expect((await world.codes.resolve(first.id, { decision: 'accept', actor: 'ana' })).status).toBe('paid');
      const paidEvents = [
        ...(await allEvents(world.store, first.id)),
        ...(await allEvents(world.store, second.id)),
      ].filter((event) => event.type === 'code.paid');
      expect(paidEvents).toHaveLength(1);
    });

    test('a second payment of a code in review is recorded and refused, not applied', async () => {
      const { world, code } = await inReview();
      const outcome = await world.codes.applyPayment({
        cip: code.cip!,
        amountMinor: 8000,
        currency: 'PEN',
        operationNumber: 'SECOND',
        paidAt: world.now(),
      });
      expect(outcome).toMatchObject({ kind: 'rejected', reason: 'code_in_review' });
      expect(moneyTypes(await allEvents(world.store, code.id))).toEqual(['payment.review', 'payment.rejected']);
      expect((await world.codes.get(code.id))!).toMatchObject({ status: 'review', payment: { amountMinor: 4000 } });
    });
  });
}
