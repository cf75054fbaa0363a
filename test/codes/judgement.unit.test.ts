import { describe, expect, it } from 'vitest';
import { judgePayment, type PaymentObservation } from '../../src/codes/judgement.js';
import type { CashCode } from '../../src/model/code.js';

const EXPIRES = new Date('2026-03-03T15:00:00Z');
const code = {
  id: 'pc_1',
  orderId: 'O-1',
  status: 'pending',
  amount: '120.00',
  amountMinor: 12000,
  currency: 'PEN',
  expiresAt: EXPIRES,
  payment: null,
} as unknown as CashCode;
const seen = (paidAt: Date | null): PaymentObservation => ({
  cip: '1',
  amountMinor: 12000,
  currency: 'PEN',
  paidAt,
  operationNumber: '9',
  source: 'webhook',
});
const facts = (now: Date) => ({ current: true, orderPaid: false, now });

describe('judgePayment: a payment with no payment time', () => {
  it('is accepted on a pending code before its expiry', () => {
    expect(judgePayment(code, seen(null), facts(new Date(EXPIRES.getTime() - 1)))).toEqual({ kind: 'accept' });
  });
  it('goes to review once the code has expired: it may have been paid late (fail closed)', () => {
    expect(judgePayment(code, seen(null), facts(new Date(EXPIRES.getTime() + 1)))).toMatchObject({
      kind: 'review',
      reason: 'paid_after_expiry',
    });
  });
  it('is judged by its own time when it has one, whenever it is reported', () => {
    const late = new Date(EXPIRES.getTime() + 3_600_000);
    expect(judgePayment(code, seen(new Date(EXPIRES.getTime() - 1)), facts(late))).toEqual({ kind: 'accept' });
  });
});
