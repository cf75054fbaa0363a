import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CashCode, CODE_STATUSES, type LifecycleEntry } from '../../src/model/code.js';
import {
  cloneCode,
  deserializeCode,
  deserializeEntry,
  serializeCode,
  serializeEntry,
} from '../../src/storage/contract.js';

// Dates the SQL and Redis adapters can store: whole milliseconds between 1970 and 9999.
const date = fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
const text = fc.string({ unit: 'grapheme', maxLength: 20 });

const codeArbitrary: fc.Arbitrary<CashCode> = fc.record({
  id: fc.stringMatching(/^[a-z0-9-]{1,36}$/),
  orderId: text.filter((value) => value.length > 0),
  status: fc.constantFrom(...CODE_STATUSES),
  version: fc.nat(),
  cip: fc.option(fc.stringMatching(/^[0-9]{6,14}$/)),
  cipUrl: fc.option(fc.webUrl()),
  amount: fc.constantFrom('150.50', '0.01', '99999.99'),
  amountMinor: fc.nat(),
  currency: fc.constantFrom('PEN' as const, 'USD' as const),
  fx: fc.option(
    fc.record({
      from: fc.constantFrom('USD', 'EUR'),
      to: fc.constantFrom('PEN' as const, 'USD' as const),
      originalAmount: fc.constant('40.00'),
      rate: fc.constant('3.7625000000'),
      source: text,
      quotedAt: date,
      rounding: fc.constant('half_up' as const),
    }),
  ),
  payer: fc.record(
    { email: fc.emailAddress(), firstName: text, lastName: text, phone: fc.stringMatching(/^[0-9]{9}$/) },
    { requiredKeys: ['email'] },
  ),
  expiresAt: date,
  createdAt: date,
  updatedAt: date,
  leaseUntil: fc.option(date),
  payment: fc.option(
    fc.record({
      operationNumber: fc.stringMatching(/^[0-9]{1,12}$/),
      amountMinor: fc.nat(),
      currency: fc.constantFrom('PEN', 'USD', 'EUR'),
      paidAt: date,
      source: fc.constantFrom('webhook' as const, 'sweeper' as const, 'reconcile' as const),
    }),
  ),
  metadata: fc.dictionary(text, text),
});

const entry: LifecycleEntry = {
  subject: 'cip:1234567',
  orderId: 'pedido-ñ',
  cip: '1234567',
  type: 'payment_rejected',
  actor: 'pagoefectivo',
  at: new Date('2026-03-01T18:30:01.001Z'),
  reason: 'unknown_cip',
  from: null,
  to: null,
  data: { amountMinor: 15050, nested: { list: [1, 'dos', null] }, when: '2026-03-01T18:30:01.001Z' },
};

describe('serializeCode / deserializeCode', () => {
  it('round-trip every code exactly, dates revived as Date', () => {
    fc.assert(
      fc.property(codeArbitrary, (code) => {
        const back = deserializeCode(serializeCode(code));
        expect(back).toEqual(code);
        expect(back.expiresAt).toBeInstanceOf(Date);
        if (back.fx !== null) expect(back.fx.quotedAt).toBeInstanceOf(Date);
        if (back.payment !== null) expect(back.payment.paidAt).toBeInstanceOf(Date);
      }),
    );
  });

  it('write dates as ISO strings and leave date-looking strings in metadata alone', () => {
    const code = fc.sample(codeArbitrary, { numRuns: 1, seed: 7 })[0]!;
    code.metadata = { note: '2026-03-01T15:00:00.000Z' };
    const json = JSON.parse(serializeCode(code)) as Record<string, unknown>;
    expect(json.expiresAt).toBe(code.expiresAt.toISOString());
    expect(deserializeCode(serializeCode(code)).metadata.note).toBe('2026-03-01T15:00:00.000Z');
  });
});

describe('serializeEntry / deserializeEntry', () => {
  it('round-trip an entry exactly, `at` revived and JSON data untouched', () => {
    const back = deserializeEntry(serializeEntry(entry));
    expect(back).toEqual(entry);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.data.when).toBe('2026-03-01T18:30:01.001Z');
  });
});

describe('cloneCode', () => {
  it('returns a deep copy that shares no object with the original', () => {
    fc.assert(
      fc.property(codeArbitrary, (code) => {
        const copy = cloneCode(code);
        expect(copy).toEqual(code);
        expect(copy.expiresAt).not.toBe(code.expiresAt);
        expect(copy.payer).not.toBe(code.payer);
        expect(copy.metadata).not.toBe(code.metadata);
      }),
    );
  });
});
