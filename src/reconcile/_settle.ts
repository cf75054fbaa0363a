import type { CashCode } from '../model/code.js';
import type { CashCodeStore } from '../storage/contract.js';
import { about, item, ourSide } from './_build.js';
import type { SettlementRow } from './_values.js';
import type { ReconcileItem, TheirSide } from './types.js';

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

/** Codes paid here within `period` (inclusive) whose CIP the file does not mention. */
export async function findMissing(
  store: CashCodeStore,
  period: { from: Date; to: Date },
  inFile: ReadonlySet<string>,
): Promise<ReconcileItem[]> {
  const missing: ReconcileItem[] = [];
  const from = period.from.getTime();
  const to = period.to.getTime();
  let cursor: string | null = null;
  do {
    const page = await store.listCodes({ statuses: ['paid'], updatedSince: period.from, limit: 500, cursor });
    for (const code of page.codes) {
      const paidAt = code.payment?.paidAt.getTime();
      if (code.cip === null || paidAt === undefined || paidAt < from || paidAt > to || inFile.has(code.cip)) continue;
      missing.push(
        item('missing_from_settlement', {
          ...about(code),
          message: 'Paid here within the period but absent from the settlement file.',
        }),
      );
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return missing;
}
