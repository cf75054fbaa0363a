/** Records and assertions shared by the adapter-specific tests (SQLite, PostgreSQL, Redis). */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { isPagoEfectivoKitError, type PagoEfectivoKitError } from '../../../src/errors.js';
import type { CashCode } from '../../../src/model/code.js';

/** A valid code with a random id (and order id derived from it); `overrides` win. */
export function sampleCode(overrides: Partial<CashCode> = {}): CashCode {
  const id = `code-${randomBytes(6).toString('hex')}`;
  const now = new Date('2026-03-01T15:00:00.000Z');
  return {
    id,
    orderId: `order-${id}`,
    status: 'reserving',
    version: 1,
    cip: null,
    cipUrl: null,
    amount: '10.00',
    amountMinor: 1000,
    currency: 'PEN',
    fx: null,
    payer: { email: 'a@example.pe' },
    expiresAt: new Date('2026-03-02T15:00:00.000Z'),
    createdAt: now,
    updatedAt: now,
    leaseUntil: null,
    payment: null,
    metadata: {},
    ...overrides,
  };
}

/** The SDK error `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<PagoEfectivoKitError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(isPagoEfectivoKitError(error), String(error)).toBe(true);
  return error as PagoEfectivoKitError;
}
