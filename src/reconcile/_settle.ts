import type { CashCode } from '../model/code.js';
import type { CashCodeStore } from '../storage/contract.js';
import { about, item, ourSide } from './_build.js';
import type { SettlementRow } from './_values.js';
import type { PaymentApplier, ReconcileItem, TheirSide } from './types.js';

/** PagoEfectivo's side of a readable settlement row. */
export function settled(row: SettlementRow): TheirSide {
  return {
    state: 'settled',
    amountMinor: row.amountMinor,
    currency: row.currency,
    paidAt: row.paidAt,
    operationNumber: row.operationNumber,
  };
}

/** Compare one readable settlement row with the code holding its CIP (or `null`). */
export function compareSettlementRow(row: SettlementRow, theirs: TheirSide, code: CashCode | null): ReconcileItem {
  const where = { line: row.line, cip: row.cip, theirs };
  if (code === null) {
    return item('unknown_here', {
      ...where,
      message: 'Settled by PagoEfectivo but no code here has this CIP (another system on the same service?).',
    });
  }
  const base = { ...about(code), ...where };
  if (code.status !== 'paid') {
    const hint =
      code.status === 'pending'
        ? 'a missed notification: run reconcileWithApi (CLI: reconcile --api) to recover it'
        : 'paid after it was closed here: honour or refund it by hand';
    return item('unpaid_here', { ...base, message: `Settled by PagoEfectivo but ${code.status} here (${hint}).` });
  }
  const ours = ourSide(code);
  if (row.currency !== null && row.currency !== ours.currency) {
    return item('currency_mismatch', {
      ...base,
      message: `Settled in ${row.currency}, paid here in ${ours.currency}.`,
    });
  }
  if (row.amountMinor !== ours.amountMinor) {
    return item('amount_mismatch', { ...base, message: 'The settled amount differs from the amount paid here.' });
  }
  return item('matched', { ...base, message: 'Settled and paid here for the same amount.' });
}

/** Apply a settled payment that is not recorded here through the payment judgement. */
async function applySettled(
  row: SettlementRow,
  theirs: TheirSide,
  codes: PaymentApplier,
  found: ReconcileItem,
): Promise<ReconcileItem> {
  if (row.currency === null) return found;
  const outcome = await codes.applyPayment({
    cip: row.cip,
    amountMinor: row.amountMinor,
    currency: row.currency,
    operationNumber: row.operationNumber,
    transactionCode: row.transactionCode,
    paidAt: row.paidAt,
    source: 'reconcile',
  });
  const base = { line: row.line, cip: row.cip, codeId: found.codeId, orderId: found.orderId, ours: found.ours, theirs };
  if (outcome.kind === 'paid') {
    return item('payment_recovered', {
      ...base,
      action: 'applied',
      message: 'Settled but not paid here (missed notification): payment applied.',
    });
  }
  if (outcome.kind === 'duplicate') {
    return item('matched', { ...base, action: 'already_applied', message: 'Payment already recorded.' });
  }
  if (found.kind === 'unknown_here') return { ...found, action: 'rejected' };
  return item('payment_flagged', {
    ...base,
    action: outcome.kind === 'review' ? 'review' : 'rejected',
    message: `Settled by PagoEfectivo; ${outcome.kind === 'review' ? 'held for a decision' : 'not accepted'} (${outcome.reason}): ${outcome.message}`,
  });
}

/** Compare one readable row with its code; with the codes service, record a payment missed here. */
export async function compareRow(
  row: SettlementRow,
  store: CashCodeStore,
  codes: PaymentApplier | undefined,
): Promise<ReconcileItem> {
  const found = compareSettlementRow(row, settled(row), await store.getCodeByCip(row.cip));
  // With the codes service, a settled payment not recorded here (or of a CIP no code holds) goes
  // through the one payment judgement, which records it like a notification would.
  const recordable = found.kind === 'unpaid_here' || found.kind === 'unknown_here';
  return recordable && codes !== undefined ? applySettled(row, settled(row), codes, found) : found;
}

/**
 * Emit the codes paid here within `period` (inclusive) whose CIP the file does not mention, paging
 * through the store (500 codes a page) so no list of them is ever held.
 */
export async function emitMissing(
  store: CashCodeStore,
  period: { from: Date; to: Date },
  inFile: { has(cip: string): boolean },
  emit: (entry: ReconcileItem) => void | Promise<void>,
): Promise<void> {
  const from = period.from.getTime();
  const to = period.to.getTime();
  let cursor: string | null = null;
  do {
    const page = await store.listCodes({ statuses: ['paid'], updatedSince: period.from, limit: 500, cursor });
    for (const code of page.codes) {
      const paidAt = code.payment?.paidAt.getTime();
      if (code.cip === null || paidAt === undefined || paidAt < from || paidAt > to || inFile.has(code.cip)) continue;
      const pending = emit(
        item('missing_from_settlement', {
          ...about(code),
          message: 'Paid here within the period but absent from the settlement file.',
        }),
      );
      if (pending) await pending;
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
}
