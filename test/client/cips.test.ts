import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/client/_errors.js';
import { buildCreateCipBody, toCipStatus, toCreatedCip } from '../../src/client/cips.js';
import type { SearchedCip } from '../../src/client/index.js';
import { formatAmount } from '../../src/money/index.js';
import { validateCreate } from '../../src/testing/fake/validate-create.js';

const context: RequestContext = { operation: 'searchCips', method: 'POST', path: '/v1/cips/search' };
const NOW = new Date('2024-03-06T15:00:00Z');
const SENTINEL = '1900-01-01T00:00:00-05:00';
const item: SearchedCip = {
  cip: 2401557,
  transactionCode: 'ORD-0001',
  amount: 150.5,
  currency: 'PEN',
  status: 22,
  statusName: 'Generado.',
  dateCreation: '2024-03-05T10:16:02-05:00',
  dateExpiry: '2024-03-07T23:59:59-05:00',
  datePayment: SENTINEL,
  dateRemoval: SENTINEL,
};

describe('toCipStatus', () => {
  it('maps a generated CIP to pending, with CIP number and amount as strings', () => {
    expect(toCipStatus(item, NOW, context, 200)).toEqual({
      cip: '2401557',
      state: 'pending',
      transactionCode: 'ORD-0001',
      amount: '150.50',
      currency: 'PEN',
      statusCode: 22,
      statusName: 'Generado.',
      dateCreation: new Date('2024-03-05T15:16:02Z'),
      dateExpiry: new Date('2024-03-08T04:59:59Z'),
      datePayment: null,
      dateRemoval: null,
    });
  });

  it.each([
    ['a payment date → paid (whatever the status)', { datePayment: '2024-03-06T09:00:00-05:00', status: 999 }, 'paid'],
    ['a removal date → deleted', { dateRemoval: '2024-03-06T09:00:00-05:00' }, 'deleted'],
    [
      'payment wins over removal',
      { datePayment: '2024-03-06T09:00:00-05:00', dateRemoval: '2024-03-06T09:00:00-05:00' },
      'paid',
    ],
    ['an expiry before now → expired', { dateExpiry: '2024-03-06T09:59:59-05:00' }, 'expired'],
    ['an expiry exactly now → still pending', { dateExpiry: '2024-03-06T10:00:00-05:00' }, 'pending'],
    ['status 22 as a string → pending', { status: '22' }, 'pending'],
    ['an undocumented status → unknown', { status: 23, statusName: 'Otro.' }, 'unknown'],
    ['no status at all → unknown', { status: null, statusName: null }, 'unknown'],
  ])('%s', (_name, change, state) => {
    expect(toCipStatus({ ...item, ...change } as SearchedCip, NOW, context, 200).state).toBe(state);
  });

  it('keeps raw values and tolerates missing optional fields', () => {
    const sparse = { cip: '77', amount: '10', currency: 'USD', status: 'x' } as SearchedCip;
    expect(toCipStatus(sparse, NOW, context, 200)).toMatchObject({
      cip: '77',
      amount: '10.00',
      transactionCode: '',
      statusCode: null,
      dateExpiry: null,
      state: 'unknown',
    });
  });

  it.each([
    ['a CIP that is not digits', { cip: 'A1' }],
    ['an amount with 3 decimals', { amount: 1.005 }],
    ['a negative amount', { amount: -1 }],
    ['an unreadable date', { dateExpiry: '07/03/2024' }],
  ])('turns %s into api_unexpected_response', (_name, change) => {
    expect(() => toCipStatus({ ...item, ...change } as SearchedCip, NOW, context, 200)).toThrow(
      expect.objectContaining({ code: 'api_unexpected_response', status: 200 }),
    );
  });
});

describe('buildCreateCipBody', () => {
  it('writes currency and amount first, the amount as a two-decimal number token', () => {
    const body = buildCreateCipBody({ currency: 'USD', amount: '7.5', transactionCode: 'T', userEmail: 'a@b.pe' });
    expect(body).toBe('{"currency":"USD","amount":7.50,"transactionCode":"T","userEmail":"a@b.pe"}');
    expect(JSON.parse(body)).toEqual({ currency: 'USD', amount: 7.5, transactionCode: 'T', userEmail: 'a@b.pe' });
  });

  it('sends every amount the SDK accepts digit for digit, and the fake reads it back exactly (property)', () => {
    const now = new Date('2024-03-05T15:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (minor) => {
        const amount = formatAmount(minor);
        const body = buildCreateCipBody({ currency: 'PEN', amount, transactionCode: 'T', userEmail: 'a@b.pe' });
        const accepted = validateCreate(body, JSON.parse(body), now);
        return body.includes(`"amount":${amount},`) && !Array.isArray(accepted) && accepted.amountMinor === minor;
      }),
    );
  });

  it('escapes text fields and leaves out undefined ones', () => {
    const body = buildCreateCipBody({
      currency: 'PEN',
      amount: '1.00',
      transactionCode: 'T',
      userEmail: 'a@b.pe',
      paymentConcept: 'Pedido "Ñandú" \\ 1',
      userName: undefined,
    });
    expect(JSON.parse(body)).toEqual({
      currency: 'PEN',
      amount: 1,
      transactionCode: 'T',
      userEmail: 'a@b.pe',
      paymentConcept: 'Pedido "Ñandú" \\ 1',
    });
  });
});

describe('toCreatedCip', () => {
  const data = {
    cip: 2401557,
    currency: 'PEN',
    amount: 150.5,
    transactionCode: 'ORD-0001',
    dateExpiry: '2024-03-07T23:59:59-05:00',
    cipUrl: 'https://pre1a.payment.pagoefectivo.pe/X.html',
  };
  const create: RequestContext = { operation: 'createCip', method: 'POST', path: '/v1/cips' };

  it('reports the echoed amount as a two-decimal string', () => {
    expect(toCreatedCip(data, create, 201).amount).toBe('150.50');
    expect(toCreatedCip({ ...data, amount: 150.4 }, create, 201).amount).toBe('150.40');
    expect(toCreatedCip({ ...data, amount: '150.5' }, create, 201).amount).toBe('150.50');
  });

  it('marks an unreadable created CIP as an unknown outcome', () => {
    expect(() => toCreatedCip({ ...data, currency: 'EUR' }, create, 201)).toThrow(
      expect.objectContaining({
        code: 'api_unexpected_response',
        details: { operation: 'createCip', outcomeUnknown: true },
      }),
    );
  });
});
