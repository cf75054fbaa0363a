import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/codes/_context.js';
import { createEventDelivery } from '../../src/codes/events.js';
import { TRANSITIONS, transition } from '../../src/codes/lifecycle.js';
import { type CashCode, CODE_STATUSES } from '../../src/model/code.js';
import { memoryStore } from '../../src/storage/memory.js';
import { resolveExpiryPolicy } from '../../src/time/index.js';

const NOW = new Date('2026-03-02T15:00:00Z');

function context(): ServiceContext {
  const store = memoryStore({ now: () => NOW.getTime() });
  return {
    provider: {
      createCip: async () => Promise.reject(new Error('unused')),
      searchCips: async () => [],
      updateCipExpiry: async () => {},
      deleteCip: async () => {},
    },
    store,
    policy: resolveExpiryPolicy(),
    logger: null,
    now: () => NOW,
    newId: () => 'pc_test',
    leaseMs: 1000,
    inFlightWaitMs: 10,
    settlementGraceMs: 0,
    allowList: null,
    rateLimiter: null,
    events: createEventDelivery({ store, onEvent: undefined, options: undefined, now: () => NOW, logger: null }),
    afterCommit: async () => {},
  };
}

const base: CashCode = {
  id: 'pc_1',
  orderId: 'O',
  status: 'pending',
  version: 0,
  cip: '1',
  cipUrl: null,
  amount: '1.00',
  amountMinor: 100,
  currency: 'PEN',
  fx: null,
  payer: { email: 'a@b.pe' },
  expiresAt: NOW,
  createdAt: NOW,
  updatedAt: NOW,
  leaseUntil: null,
  payment: null,
  metadata: {},
};

describe('the lifecycle state machine', () => {
  it('has paid and refund_required as the only final states, and every status is covered', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...CODE_STATUSES].sort());
    expect(CODE_STATUSES.filter((status) => TRANSITIONS[status].length === 0).sort()).toEqual([
      'paid',
      'refund_required',
    ]);
    // A cancelled code only leaves cancelled when its CIP turns out paid, and then only to review.
    expect(TRANSITIONS.cancelled).toEqual(['review']);
    expect(TRANSITIONS.review).toEqual(['paid', 'refund_required']);
  });

  it('applies a legal change by CAS and appends one entry; a stale version changes nothing', async () => {
    const ctx = context();
    await ctx.store.claimOrder(base);
    const expired = await transition(
      ctx,
      base,
      { status: 'expired' },
      { type: 'expired', actor: 'sweeper', reason: 'test' },
    );
    expect(expired).toMatchObject({ status: 'expired', version: 1 });
    expect(await transition(ctx, base, { status: 'paid' }, { type: 'paid', actor: 'pagoefectivo' })).toBeNull();
    expect(await ctx.store.readLog('pc_1')).toMatchObject([
      { type: 'expired', from: 'pending', to: 'expired', actor: 'sweeper', reason: 'test' },
    ]);
  });

  it('refuses a change outside the table before touching the store', async () => {
    const ctx = context();
    const paid = { ...base, status: 'paid' as const };
    await ctx.store.claimOrder(paid);
    await expect(transition(ctx, paid, { status: 'pending' }, { type: 'note', actor: 'system' })).rejects.toThrow(
      /illegal transition paid -> pending/,
    );
    expect(await ctx.store.getCode('pc_1')).toMatchObject({ status: 'paid', version: 0 });
  });
});
