import { describe, expect, it } from 'vitest';
import { decideOrder } from '../../src/guards/index.js';
import type { CashCode, CodeStatus } from '../../src/model/code.js';

const NOW = new Date('2026-03-02T15:00:00Z');
const request = { orderId: 'ORD-1', amountMinor: 15050, currency: 'PEN' };

function code(status: CodeStatus, patch: Partial<CashCode> = {}): CashCode {
  return {
    id: 'pc_x',
    orderId: 'ORD-1',
    status,
    version: 3,
    cip: status === 'reserving' ? null : '2401557',
    cipUrl: null,
    amount: '150.50',
    amountMinor: 15050,
    currency: 'PEN',
    fx: null,
    payer: { email: 'a@b.pe' },
    expiresAt: new Date(NOW.getTime() + 3_600_000),
    createdAt: NOW,
    updatedAt: NOW,
    leaseUntil: status === 'reserving' ? new Date(NOW.getTime() + 1000) : null,
    payment: null,
    metadata: {},
    ...patch,
  };
}

describe('decideOrder', () => {
  it('claims a fresh order and reuses a live pending code with the same lock', () => {
    expect(decideOrder(null, request, NOW)).toEqual({ kind: 'claim' });
    expect(decideOrder(code('pending'), request, NOW)).toMatchObject({ kind: 'reuse' });
  });

  it.each([
    ['paid', code('paid'), 'order_already_paid'],
    ['cancelled', code('cancelled'), 'order_cancelled'],
    ['pending for another amount', code('pending', { amountMinor: 100, amount: '1.00' }), 'order_amount_conflict'],
    ['pending in another currency', code('pending', { currency: 'USD' }), 'order_amount_conflict'],
    ['reserving for another amount', code('reserving', { amountMinor: 100 }), 'order_amount_conflict'],
  ])('refuses an order whose code is %s', (_name, current, errorCode) => {
    const decision = decideOrder(current, request, NOW);
    expect(decision.kind === 'refuse' && decision.error.code).toBe(errorCode);
  });

  it('waits on a live reservation and takes over one whose lease ran out', () => {
    expect(decideOrder(code('reserving'), request, NOW)).toMatchObject({ kind: 'wait' });
    expect(decideOrder(code('reserving', { leaseUntil: NOW }), request, NOW)).toMatchObject({ kind: 'take_over' });
  });

  it('replaces expired, failed and past-expiry pending codes, confirming only when a CIP exists', () => {
    expect(decideOrder(code('expired'), request, NOW)).toMatchObject({ kind: 'replace', confirm: true });
    expect(decideOrder(code('failed', { cip: null }), request, NOW)).toMatchObject({ kind: 'replace', confirm: false });
    expect(decideOrder(code('failed'), request, NOW)).toMatchObject({ kind: 'replace', confirm: true });
    const late = code('pending', { expiresAt: NOW, amountMinor: 1 });
    expect(decideOrder(late, request, NOW)).toMatchObject({ kind: 'replace', confirm: true });
  });
});
