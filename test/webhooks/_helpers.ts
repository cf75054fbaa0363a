/**
 * Shared fixtures of the webhook tests: the protocol §5 vector, an independent signer (node:crypto,
 * not the seam under test), both crypto implementations, and a small in-memory codes service that
 * behaves like `createCashCodes().applyPayment` (idempotent on CIP + operation number, one
 * compare-and-set transition under concurrency, the payment judgement's outcomes: a doubtful payment is
 * held for review, a second payment of a settled code or an unknown CIP is rejected, each recorded once).
 */
import { createHmac } from 'node:crypto';
import * as webCrypto from '../../src/_crypto/hmac.js';
import * as nodeCrypto from '../../src/_crypto/hmac.node.js';
import { StorageError } from '../../src/errors.js';
import type { CashCode, PaymentNotice, PaymentOutcome, PaymentRejectReason } from '../../src/model/code.js';

/** Secret, body and signature of pagoefectivo-protocol.md §5. */
export const SECRET = 'exampleSecretKey/abc+123=';
export const VECTOR_BODY =
  '{"eventType":"cip.paid","operationNumber":"987654","data":{"cip":"2401557","currency":"PEN","amount":150.5,"transactionCode":"ORD-0001","paymentDate":"2024-03-05T12:00:07-05:00"}}';
export const VECTOR_SIGNATURE = '6ef202b861c049a326c9f4b6ef63c55f9a906f30448408605ae67876489aa663';

/** Both implementations of the crypto seam, for matrix tests. */
export const IMPLEMENTATIONS = [
  { name: 'node:crypto', hmac: nodeCrypto },
  { name: 'WebCrypto', hmac: webCrypto },
] as const;

/** Lowercase hex HMAC-SHA256, computed independently of the code under test. */
export function sign(body: string | Uint8Array, secret: string = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Fields of a test notification; `amount` is the JSON token text (e.g. `150.5` or `"150.50"`). */
export interface NoticeFields {
  cip?: string;
  operationNumber?: string;
  currency?: string;
  amount?: string;
  transactionCode?: string;
  paymentDate?: string;
}

/** A compact `cip.paid` body like PagoEfectivo's. */
export function paidBody(fields: NoticeFields = {}): string {
  const text = JSON.stringify;
  return (
    `{"eventType":"cip.paid","operationNumber":${text(fields.operationNumber ?? '987654')},"data":{` +
    `"cip":${text(fields.cip ?? '2401557')},"currency":${text(fields.currency ?? 'PEN')},` +
    `"amount":${fields.amount ?? '150.5'},"transactionCode":${text(fields.transactionCode ?? 'ORD-0001')},` +
    `"paymentDate":${text(fields.paymentDate ?? '2024-03-05T12:00:07-05:00')}}}`
  );
}

/** A code as the test codes service holds it. */
export interface TestCodeSeed {
  cip: string;
  amountMinor: number;
  currency?: 'PEN' | 'USD';
  status?: 'pending' | 'cancelled';
  expiresAt?: Date;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function toCashCode(
  seed: Required<TestCodeSeed>,
  version: number,
  payment: CashCode['payment'],
  status: CashCode['status'] = payment ? 'paid' : seed.status,
): CashCode {
  const at = new Date('2024-03-05T10:00:00-05:00');
  const amount = (seed.amountMinor / 100).toFixed(2);
  return {
    id: `code-${seed.cip}`,
    orderId: `order-${seed.cip}`,
    status,
    version,
    cip: seed.cip,
    cipUrl: null,
    amount,
    amountMinor: seed.amountMinor,
    currency: seed.currency,
    fx: null,
    payer: { email: 'buyer@example.com' },
    expiresAt: seed.expiresAt,
    createdAt: at,
    updatedAt: at,
    leaseUntil: null,
    payment,
    metadata: {},
  };
}

/** The in-memory codes service of these tests. */
export interface TestCodes {
  applyPayment(notice: PaymentNotice): Promise<PaymentOutcome>;
  /** How many times applyPayment was called, and how many transitions to `paid` it made. */
  calls: number;
  transitions: number;
  /**
   * Payments not accepted, as recorded: rejections and payments held for review (once per CIP +
   * operation + reason, like the real lifecycle log).
   */
  rejections: string[];
  /** Make the next `count` calls fail like a store outage. */
  failNext(count?: number): void;
  status(cip: string): CashCode['status'] | undefined;
}

/** Create the in-memory codes service, holding the given pending codes. */
export function createTestCodes(seeds: TestCodeSeed[] = [{ cip: '2401557', amountMinor: 15050 }]): TestCodes {
  const codes = new Map<string, CashCode>();
  const seedOf = new Map<string, Required<TestCodeSeed>>();
  for (const seed of seeds) {
    const full = {
      currency: 'PEN' as const,
      status: 'pending' as const,
      expiresAt: new Date('2030-01-01T00:00:00Z'),
      ...seed,
    };
    seedOf.set(seed.cip, full);
    codes.set(seed.cip, toCashCode(full, 1, null));
  }
  let failures = 0;
  const recorded = new Set<string>();
  const service: TestCodes = {
    calls: 0,
    transitions: 0,
    rejections: [],
    failNext(count = 1) {
      failures += count;
    },
    status: (cip) => codes.get(cip)?.status,
    async applyPayment(notice) {
      service.calls++;
      await tick();
      if (failures > 0) {
        failures--;
        throw new StorageError('Store operation "updateCode" failed: connection refused (db.internal:5432)');
      }
      const key = (reason: PaymentRejectReason): void => {
        const text = `${notice.cip}:${notice.operationNumber}:${reason}`;
        if (!recorded.has(text)) service.rejections.push(text);
        recorded.add(text);
      };
      const reject = (reason: PaymentRejectReason, code: CashCode | null): PaymentOutcome => {
        key(reason);
        return { kind: 'rejected', reason, message: `test rejection: ${reason}`, code };
      };
      const payment = (): NonNullable<CashCode['payment']> => ({
        operationNumber: notice.operationNumber ?? '',
        amountMinor: notice.amountMinor,
        currency: notice.currency,
        paidAt: notice.paidAt ?? new Date(),
        source: notice.source ?? 'webhook',
      });
      const review = (reason: PaymentRejectReason, code: CashCode, seed: Required<TestCodeSeed>): PaymentOutcome => {
        key(reason);
        const held = toCashCode(seed, code.version + 1, payment(), 'review');
        codes.set(notice.cip, held);
        return { kind: 'review', reason, message: `test review: ${reason}`, code: held };
      };
      for (;;) {
        const code = codes.get(notice.cip);
        const seed = seedOf.get(notice.cip);
        if (!code || !seed) return reject('unknown_cip', null);
        if (code.status === 'paid' || code.status === 'review') {
          if (code.payment?.operationNumber === notice.operationNumber) return { kind: 'duplicate', code };
          return reject(code.status === 'paid' ? 'code_not_pending' : 'code_in_review', code);
        }
        if (code.status === 'cancelled') return review('code_cancelled', code, seed);
        if (notice.currency !== code.currency) return review('currency_mismatch', code, seed);
        if (notice.amountMinor !== code.amountMinor) return review('amount_mismatch', code, seed);
        if (notice.paidAt && notice.paidAt > code.expiresAt) return review('paid_after_expiry', code, seed);
        const version = code.version;
        await tick(); // let concurrent deliveries interleave between the read and the write
        if (codes.get(notice.cip)?.version !== version) continue; // lost the compare-and-set: re-decide
        const paid = toCashCode(seed, version + 1, payment());
        codes.set(notice.cip, paid);
        service.transitions++;
        return { kind: 'paid', code: paid };
      }
    },
  };
  return service;
}
