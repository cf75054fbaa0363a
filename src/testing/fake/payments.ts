import { PagoEfectivoKitError } from '../../errors.js';
import { formatAmount, parseAmount } from '../../money/index.js';
import type { CipRecord, FakeLedger } from './ledger.js';
import type { FakeDeliveryReport, FakePayOptions, WebhookTarget } from './types.js';
import { amountToken, deliverOnce, type SignedNotification, signNotification } from './webhook.js';

/** What the payment simulator needs from the fake. */
export interface FakePaymentsConfig {
  ledger: FakeLedger;
  secretKey: string;
  now: () => Date;
  target: () => WebhookTarget | null;
  retryDelayMs: number;
}

/** The buyer's side of the fake: pay CIPs and (re)deliver their notifications. */
export interface FakePayments {
  pay(cip: string, options?: FakePayOptions): Promise<FakeDeliveryReport>;
  redeliver(cip: string): Promise<FakeDeliveryReport>;
  /** Make the retries whose time has come on the fake clock; resolves to their (updated) reports. */
  runDueRetries(): Promise<FakeDeliveryReport[]>;
}

/** Throw the typed error of a refused test-control call. */
export function refuse(message: string): never {
  throw new PagoEfectivoKitError('fake_operation_refused', message);
}

/** The CIP record, or a `fake_operation_refused` error naming the unknown number. */
export function recordOf(ledger: FakeLedger, cip: string): CipRecord {
  return ledger.get(String(cip)) ?? refuse(`The fake never issued CIP ${JSON.stringify(cip)}.`);
}

const toSecond = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

/**
 * Create the payment simulator. Operation numbers increase from 987654 unless given. The CIP becomes
 * paid before delivery starts: PagoEfectivo's own state does not depend on the merchant answering.
 */
export function createFakePayments(config: FakePaymentsConfig): FakePayments {
  let nextOperation = 987_654;
  // Failed deliveries waiting for their one retry, due on the fake clock.
  const retries: { dueAt: number; signed: SignedNotification; report: FakeDeliveryReport }[] = [];

  /**
   * PagoEfectivo's sender: one attempt now and, if it fails, one retry after `retryDelayMs` on the fake
   * clock (0 retries at once). The retry is made by `advance()` past its time, or `deliverRetries()`.
   */
  async function send(signed: SignedNotification): Promise<FakeDeliveryReport> {
    const report: FakeDeliveryReport = { delivered: false, attempts: [], retryAt: null, ...signed };
    const target = config.target();
    await deliverOnce(target, signed, report);
    if (report.delivered || target === null) return report;
    if (config.retryDelayMs === 0) return deliverOnce(config.target(), signed, report);
    report.retryAt = new Date(config.now().getTime() + config.retryDelayMs);
    retries.push({ dueAt: report.retryAt.getTime(), signed, report });
    return report;
  }

  return {
    async runDueRetries(): Promise<FakeDeliveryReport[]> {
      const clock = config.now().getTime();
      const due = retries.filter((retry) => retry.dueAt <= clock);
      for (const retry of due) retries.splice(retries.indexOf(retry), 1);
      for (const retry of due) {
        retry.report.retryAt = null;
        await deliverOnce(config.target(), retry.signed, retry.report);
      }
      return due.map((retry) => retry.report);
    },

    async pay(cip: string, options: FakePayOptions = {}): Promise<FakeDeliveryReport> {
      const record = recordOf(config.ledger, cip);
      const state = config.ledger.stateOf(record);
      if (state !== 'generated' && !(state === 'expired' && options.allowExpired === true)) {
        refuse(`CIP ${cip} is ${state}; only pending CIPs can be paid (allowExpired pays an expired one).`);
      }
      const amount = options.amount ?? formatAmount(record.amountMinor);
      amountToken(amount); // validates the amount before any state changes
      const paidAt = options.paidAt ?? config.now();
      const operationNumber = options.operationNumber ?? String(nextOperation++);
      const notice = {
        cip: record.cip,
        operationNumber,
        currency: options.currency ?? record.currency,
        amount,
        transactionCode: record.transactionCode,
        paidAt,
      };
      const signed = await signNotification(notice, config.secretKey);
      record.datePayment = toSecond(paidAt);
      const paidMinor = parseAmount(amount);
      record.paidAs =
        paidMinor === record.amountMinor && notice.currency === record.currency
          ? null
          : { amountMinor: paidMinor, currency: notice.currency };
      record.notification = { body: signed.body, signature: signed.signature, operationNumber };
      if (options.notify === false) {
        // A missed webhook: paid at the API, no notification ever sent (redeliver() can still send it).
        return { delivered: false, attempts: [], retryAt: null, ...signed };
      }
      return send(signed);
    },

    async redeliver(cip: string): Promise<FakeDeliveryReport> {
      const record = recordOf(config.ledger, cip);
      const sent = record.notification ?? refuse(`CIP ${cip} was never paid, so there is nothing to redeliver.`);
      return send({ cip: record.cip, ...sent });
    },
  };
}
