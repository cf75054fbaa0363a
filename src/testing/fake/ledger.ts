import { formatAmount } from '../../money/index.js';
import { formatLimaTimestamp, NO_DATE_SENTINEL, parseApiTimestamp } from '../../time/index.js';
import {
  FAKE_CODES,
  failure,
  invalid,
  invalidValue,
  lowerKeys,
  parseJson,
  rawNumber,
  required,
  success,
  textOf,
} from './envelope.js';
import type { FakeCip, FakeCipState, FakeStatus } from './types.js';
import { validateCreate } from './validate-create.js';
import { amountToken } from './webhook.js';

/** Settings of the fake's CIP ledger. */
export interface FakeLedgerConfig {
  now: () => Date;
  firstCip: number;
  defaultExpiryMs: number;
  maxAmountMinor: number | null;
  statuses: { paid: FakeStatus; expired: FakeStatus; deleted: FakeStatus };
}

/** The mutable record of one CIP (the public view is {@link FakeCip}). */
export interface CipRecord extends Omit<FakeCip, 'state' | 'amount'> {
  token: string;
  /**
   * What `pay()` paid when it was another amount or currency than the CIP's (fake-only: a search then
   * reports the paid amount, so every path sees the same payment as the notification); `null` otherwise.
   */
  paidAs?: { amountMinor: number; currency: string } | null;
}

/** The fake's CIPs and the four CIP endpoints. */
export interface FakeLedger {
  create(body: string): Response;
  search(body: string): Response;
  patch(cip: string, body: string): Response;
  remove(cip: string): Response;
  get(cip: string): CipRecord | undefined;
  stateOf(record: CipRecord): FakeCipState;
  view(record: CipRecord): FakeCip;
}

const GENERATED: FakeStatus = { code: 22, name: 'Generado.' };
// The API writes timestamps to the second; keep stored instants on whole seconds so they round-trip.
const toSecond = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

/** Create the ledger. CIP numbers increase from `firstCip`; voucher URLs use the sandbox host. */
export function createFakeLedger(config: FakeLedgerConfig): FakeLedger {
  const records = new Map<string, CipRecord>();
  let next = config.firstCip;

  function stateOf(record: CipRecord): FakeCipState {
    if (record.datePayment !== null) return 'paid';
    if (record.dateRemoval !== null) return 'deleted';
    return config.now().getTime() > record.dateExpiry.getTime() ? 'expired' : 'generated';
  }

  function statusOf(state: FakeCipState): FakeStatus {
    return state === 'generated' ? GENERATED : config.statuses[state];
  }

  const notFound = (): Response => failure(404, FAKE_CODES.cipNotFound, 'CIP no encontrado (fake).');
  const wrongState = (state: FakeCipState): Response =>
    failure(409, FAKE_CODES.cipWrongState, `El CIP no está en estado Generado: ${state} (fake).`);

  return {
    create(body: string): Response {
      const now = config.now();
      const accepted = validateCreate(body, parseJson(body), now);
      if (Array.isArray(accepted)) return invalid(accepted);
      if (config.maxAmountMinor !== null && accepted.amountMinor > config.maxAmountMinor) {
        return failure(
          400,
          FAKE_CODES.amountAboveMax,
          'Usted ha generado un Código CIP que excede el valor máximo permitido en este comercio. Por favor intente con un importe de menor cuantía.',
        );
      }
      const cip = String(next++);
      const token = crypto.randomUUID().toUpperCase();
      const record: CipRecord = {
        cip,
        token,
        currency: accepted.currency,
        amountMinor: accepted.amountMinor,
        transactionCode: accepted.transactionCode,
        userEmail: accepted.userEmail,
        fields: accepted.fields,
        cipUrl: `https://pre1a.payment.pagoefectivo.pe/${token}.html`,
        dateCreation: toSecond(now),
        dateExpiry: accepted.dateExpiry ?? toSecond(new Date(now.getTime() + config.defaultExpiryMs)),
        datePayment: null,
        dateRemoval: null,
        notification: null,
      };
      records.set(cip, record);
      return success(201, {
        cip: Number(cip),
        currency: record.currency,
        amount: rawNumber(amountToken(formatAmount(record.amountMinor))),
        transactionCode: record.transactionCode,
        dateExpiry: formatLimaTimestamp(record.dateExpiry),
        cipUrl: record.cipUrl,
      });
    },

    search(body: string): Response {
      const list = lowerKeys(parseJson(body)).get('data');
      if (!Array.isArray(list) || list.length === 0) return invalid([required('data')]);
      const cips = list.map((item) => textOf(lowerKeys(item).get('cip')));
      if (cips.some((cip) => cip === undefined || !/^\d{1,14}$/.test(cip))) return invalid([invalidValue('cip')]);
      // Unknown numbers are simply left out (the real behaviour is undocumented).
      const found = [...new Set(cips as string[])].flatMap((cip) => {
        const record = records.get(String(Number(cip)));
        if (record === undefined) return [];
        const status = statusOf(stateOf(record));
        const paid = record.datePayment !== null ? (record.paidAs ?? null) : null;
        return [
          {
            cip: Number(record.cip),
            transactionCode: record.transactionCode,
            amount: rawNumber(amountToken(formatAmount(paid?.amountMinor ?? record.amountMinor))),
            currency: paid?.currency ?? record.currency,
            status: status.code,
            statusName: status.name,
            dateCreation: formatLimaTimestamp(record.dateCreation),
            dateExpiry: formatLimaTimestamp(record.dateExpiry),
            datePayment: record.datePayment ? formatLimaTimestamp(record.datePayment) : NO_DATE_SENTINEL,
            dateRemoval: record.dateRemoval ? formatLimaTimestamp(record.dateRemoval) : NO_DATE_SENTINEL,
            token: record.token,
          },
        ];
      });
      return success(200, found);
    },

    patch(cip: string, body: string): Response {
      const record = records.get(cip);
      if (record === undefined) return notFound();
      const expiryText = textOf(lowerKeys(parseJson(body)).get('dateexpiry'));
      if (!expiryText) return invalid([required('dateExpiry')]);
      let expiry: Date | null = null;
      try {
        expiry = parseApiTimestamp(expiryText, 'dateExpiry');
      } catch {
        expiry = null;
      }
      if (expiry === null || expiry.getTime() <= config.now().getTime()) return invalid([invalidValue('dateExpiry')]);
      const state = stateOf(record);
      // Documented: updating an expired CIP's expiry returns it to "generado".
      if (state === 'paid' || state === 'deleted') return wrongState(state);
      record.dateExpiry = expiry;
      return success(200, {});
    },

    remove(cip: string): Response {
      const record = records.get(cip);
      if (record === undefined) return notFound();
      const state = stateOf(record);
      // Documented: logical deletion, only while the CIP is still "generado".
      if (state !== 'generated') return wrongState(state);
      record.dateRemoval = toSecond(config.now());
      return success(200, {});
    },

    get: (cip: string): CipRecord | undefined => records.get(cip),
    stateOf,
    view(record: CipRecord): FakeCip {
      const { token: _token, paidAs: _paidAs, ...rest } = record;
      return { ...rest, fields: { ...rest.fields }, state: stateOf(record), amount: formatAmount(record.amountMinor) };
    },
  };
}
