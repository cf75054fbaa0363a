import { type ErrorCode, isPagoEfectivoKitError } from '../../errors.js';
import type { CashCode, LifecycleEntry } from '../../model/code.js';
import type { CashCodeStore } from '../../storage/contract.js';
import type { RunningTest } from './api.js';
import { expect, fail } from './expect.js';
import type { FaultInjector } from './injector.js';

/** What every group of conformance tests receives. */
export interface SuiteContext {
  /** The fresh store of the running test. */
  store(): CashCodeStore;
  /** How many callers race in the concurrency tests. */
  concurrency: number;
  /** The clock the store's TTLs follow. */
  now(): number;
  /** Let `ms` pass on that clock. */
  sleep(ms: number): Promise<void>;
  /** The backend-fault controller handed to the running test's factory. */
  faults(): FaultInjector;
  /** Register one test with the runner the suite was given. */
  it(name: string, fn: (test: RunningTest) => Promise<void>): void;
}

// Every record gets a random suffix, so the suite also runs on databases shared with other runs.
// Ids are lowercase letters and digits only: their order is the same under any SQL collation.
function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A unique id such as `code3f9a…`. */
export function uniqueId(prefix: string): string {
  return `${prefix}${randomHex(10)}`;
}

/** A unique 14-digit CIP number (CIPs are strings everywhere). */
export function uniqueCip(): string {
  const digits = Array.from(randomHex(14), (hex) => String(Number.parseInt(hex, 16) % 10)).join('');
  return `9${digits.slice(0, 13)}`;
}

/** A random instant between 2100 and 8000, at millisecond precision: a time window no one else uses. */
export function uniqueFutureInstant(): number {
  const start = Date.UTC(2100, 0, 1);
  const span = Date.UTC(8000, 0, 1) - start;
  return start + Math.floor((Number.parseInt(randomHex(6), 16) / 2 ** 48) * span);
}

/** A random instant in the 1990s: expiries the suite's `claimExpired` calls own. */
export function uniquePastInstant(): number {
  const start = Date.UTC(1990, 0, 1);
  return start + Math.floor((Number.parseInt(randomHex(6), 16) / 2 ** 48) * 10 * 365 * 86_400_000);
}

/** A complete pending code with every nested field set, unicode included. */
export function makeCode(overrides: Partial<CashCode> = {}): CashCode {
  const id = overrides.id ?? uniqueId('code');
  return {
    id,
    orderId: uniqueId('order'),
    status: 'pending',
    version: 1,
    cip: uniqueCip(),
    cipUrl: `https://pre1a.payment.pagoefectivo.pe/${randomHex(16)}.html`,
    amount: '150.50',
    amountMinor: 15050,
    currency: 'PEN',
    fx: {
      from: 'USD',
      to: 'PEN',
      originalAmount: '40.00',
      rate: '3.7625000000',
      source: 'SBS',
      quotedAt: new Date('2026-03-01T14:59:58.321Z'),
      rounding: 'half_up',
    },
    payer: {
      email: 'jose.nunez@example.pe',
      firstName: 'José',
      lastName: 'Ñúñez Peña',
      documentType: 'DNI',
      documentNumber: '45678912',
      phone: '987654321',
      phoneCountryCode: '+51',
    },
    expiresAt: new Date(Date.now() + 86_400_000),
    createdAt: new Date('2026-03-01T15:00:00.123Z'),
    updatedAt: new Date('2026-03-01T15:00:00.123Z'),
    leaseUntil: null,
    payment: null,
    metadata: { cart: 'Pedido nº 42 — señal', emoji: '💵' },
    ...overrides,
  };
}

/** The same code at its next version with `changes` applied. */
export function nextVersion(code: CashCode, changes: Partial<CashCode> = {}): CashCode {
  return { ...structuredClone(code), ...changes, version: code.version + 1 };
}

/** A lifecycle entry about `subject`. */
export function makeEntry(subject: string, overrides: Partial<LifecycleEntry> = {}): LifecycleEntry {
  return {
    subject,
    orderId: null,
    cip: null,
    type: 'note',
    actor: 'system',
    at: new Date('2026-03-01T15:00:00.456Z'),
    reason: null,
    from: null,
    to: null,
    data: {},
    ...overrides,
  };
}

/** Run `task` `count` times concurrently and collect the results in call order. */
export function race<T>(count: number, task: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => task(index)));
}

/** Assert that `promise` rejects with an SDK error carrying `code`. */
export async function expectKitError(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const outcome = await promise.then(
    (value) => ({ rejected: false as const, value }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected) {
    fail(`expected a rejection with code "${code}", but it resolved to ${JSON.stringify(outcome.value)}`);
  }
  const error = outcome.error;
  expect(
    isPagoEfectivoKitError(error, code),
    `expected a PagoEfectivoKitError with code "${code}", got ${String(error)}`,
  ).toBe(true);
}
