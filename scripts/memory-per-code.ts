/**
 * Rough memory cost of one code in the memory store, as docs/storage.md quotes it:
 * `node --expose-gc --import tsx scripts/memory-per-code.ts [codes]` (default 50,000).
 *
 * Each code is issued like the service does it (a claim with its `reserved` entry and event, then the
 * commit to `pending` with its `created` entry), then paid (a third entry and a `code.paid` event,
 * delivered); then `prune()` removes them all. Heap use is read with process.memoryUsage() after a forced GC, before and after.
 */
import type { CashCode } from '../src/model/code.js';
import { memoryStore } from '../src/storage/memory.js';

const count = Number(process.argv[2] ?? 50_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const at = new Date('2026-03-01T15:00:00.000Z');
const entry = (code: CashCode, n: number, type: 'reserved' | 'created' | 'paid') => ({
  id: `${code.id}-e${n}`,
  subject: code.id,
  orderId: code.orderId,
  cip: code.cip,
  type,
  actor: 'merchant' as const,
  at,
  reason: null,
  from: null,
  to: null,
  data: { amountMinor: code.amountMinor },
});

// The store's clock jumps ahead at the end, so that prune() removes every paid code.
let clock = at.getTime();
const store = memoryStore({ now: () => clock, retainFinalMs: 86_400_000 });
const before = heap();
for (let index = 0; index < count; index += 1) {
  const id = `pc_${index.toString(36).padStart(22, '0')}`;
  const code: CashCode = {
    id,
    orderId: `ORD-${index}`,
    status: 'reserving',
    version: 0,
    cip: null,
    cipUrl: null,
    amount: '150.50',
    amountMinor: 15050,
    currency: 'PEN',
    fx: null,
    payer: { email: `buyer${index}@example.pe`, firstName: 'Ana', lastName: 'Quispe' },
    expiresAt: new Date(at.getTime() + 86_400_000),
    createdAt: at,
    updatedAt: at,
    leaseUntil: new Date(at.getTime() + 30_000),
    payment: null,
    paymentConcept: null,
    metadata: {},
  };
  await store.claimOrder(code, { entries: [entry(code, 1, 'reserved')], events: [] });
  const pending: CashCode = {
    ...code,
    status: 'pending',
    version: 1,
    cip: String(10_000_000_000 + index),
    cipUrl: `https://pre1a.payment.pagoefectivo.pe/${index}.html`,
    leaseUntil: null,
  };
  await store.commitCode({
    code: pending,
    expectedVersion: 0,
    writeId: `w${index}a`,
    entries: [entry(pending, 2, 'created')],
    events: [],
  });
  const paid: CashCode = {
    ...pending,
    status: 'paid',
    version: 2,
    payment: { operationNumber: String(index), amountMinor: 15050, currency: 'PEN', paidAt: at, source: 'webhook' },
  };
  const event = {
    id: `${id}-paid`,
    type: 'code.paid' as const,
    codeId: id,
    orderId: paid.orderId,
    cip: paid.cip,
    at,
    source: 'webhook' as const,
    data: { amountMinor: 15050 },
  };
  await store.commitCode({
    code: paid,
    expectedVersion: 1,
    writeId: `w${index}b`,
    entries: [entry(paid, 3, 'paid')],
    events: [event],
  });
}
for (;;) {
  const claimed = await store.claimEvents({ limit: 1000, leaseMs: 60_000, owner: 'w', now: new Date('2030-01-01') });
  if (claimed.length === 0) break;
  for (const record of claimed) {
    await store.settleEvent({
      id: record.event.id,
      owner: 'w',
      attempt: record.attempts,
      outcome: { delivered: true },
    });
  }
}
const after = heap();
const perCode = (after - before) / count;
console.log(
  `${count} paid codes (3 log entries and 1 delivered event each): ${(perCode / 1024).toFixed(2)} KiB per code ` +
    `(${Math.round(perCode)} bytes), heap +${((after - before) / 1024 / 1024).toFixed(1)} MiB`,
);
clock += 2 * 86_400_000;
const pruned = store.prune();
const left = heap();
console.log(
  `prune() removed ${pruned.codes} codes, ${pruned.logEntries} entries, ${pruned.events} events; ` +
    `${Math.round((left - before) / count)} bytes per code left after prune()`,
);
