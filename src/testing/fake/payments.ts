import { PagoEfectivoKitError } from '../../errors.js';
import { formatAmount } from '../../money/index.js';
import type { CipRecord, FakeLedger } from './ledger.js';
import type { FakeDeliveryReport, FakePayOptions, WebhookTarget } from './types.js';
import { amountToken, deliver, signNotification } from './webhook.js';

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
  return {
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
      record.notification = { body: signed.body, signature: signed.signature, operationNumber };
      return deliver(config.target(), signed, config.retryDelayMs);
    },

    async redeliver(cip: string): Promise<FakeDeliveryReport> {
      const record = recordOf(config.ledger, cip);
      const sent = record.notification ?? refuse(`CIP ${cip} was never paid, so there is nothing to redeliver.`);
      return deliver(config.target(), { cip: record.cip, ...sent }, config.retryDelayMs);
    },
  };
}
