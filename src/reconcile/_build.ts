import type { CashCode } from '../model/code.js';
import {
  type OurSide,
  RECONCILE_ITEM_KINDS,
  type ReconcileItem,
  type ReconcileItemKind,
  type ReconcileReport,
  type ReconcileSeverity,
  type ReconcileTotals,
  URGENT_FINDINGS_LIMIT,
} from './types.js';

const SEVERITY: Record<ReconcileItemKind, ReconcileSeverity> = {
  matched: 'info',
  payment_recovered: 'warning',
  payment_flagged: 'critical',
  amount_mismatch: 'critical',
  currency_mismatch: 'critical',
  not_paid_there: 'critical',
  payable_there: 'critical',
  expired_there: 'info',
  deleted_there: 'warning',
  unknown_there: 'warning',
  state_unrecognized: 'warning',
  missing_from_settlement: 'warning',
  unknown_here: 'critical',
  unpaid_here: 'critical',
  duplicate_in_settlement: 'critical',
  invalid_row: 'warning',
};

/** The default severity of an item kind. */
export function severityOf(kind: ReconcileItemKind): ReconcileSeverity {
  return SEVERITY[kind];
}

/** Our side of an item, taken from a stored code. */
export function ourSide(code: CashCode): OurSide {
  return {
    status: code.status,
    amountMinor: code.payment?.amountMinor ?? code.amountMinor,
    currency: code.payment?.currency ?? code.currency,
  };
}

/** An item with defaults for everything not given. */
export function item(kind: ReconcileItemKind, fields: Partial<ReconcileItem> & { message: string }): ReconcileItem {
  return {
    kind,
    severity: severityOf(kind),
    cip: null,
    codeId: null,
    orderId: null,
    line: null,
    ours: null,
    theirs: null,
    action: 'none',
    ...fields,
  };
}

/** Items about a code carry its CIP, id and order id. */
export function about(code: CashCode): Pick<ReconcileItem, 'cip' | 'codeId' | 'orderId' | 'ours'> {
  return { cip: code.cip, codeId: code.id, orderId: code.orderId, ours: ourSide(code) };
}

/** Which items a run keeps in `report.items`: every item, only findings (not `info`), or none. */
export type ReportItems = 'all' | 'findings' | 'none';

/** Builds a report one item at a time: counts and totals cover every item, `items` keeps what was asked. */
export interface ReportAccumulator {
  /** Count an item (and keep it, per `items`). */
  add(entry: ReconcileItem): void;
  /** The finished report. */
  finish(
    source: ReconcileReport['source'],
    startedAt: Date,
    finishedAt: Date,
    period: ReconcileReport['period'],
  ): ReconcileReport;
}

/** Start a report: counts per kind, money per currency and kind, number of findings. */
export function createReportAccumulator(keep: ReportItems = 'all'): ReportAccumulator {
  const counts = Object.fromEntries(RECONCILE_ITEM_KINDS.map((kind) => [kind, 0])) as Record<ReconcileItemKind, number>;
  const totals = new Map<string, ReconcileTotals>();
  const items: ReconcileItem[] = [];
  // The first URGENT_FINDINGS_LIMIT of each severity: enough to fill `urgent` critical-first, bounded.
  const urgent: Record<'critical' | 'warning', ReconcileItem[]> = { critical: [], warning: [] };
  let findings = 0;
  return {
    add(entry) {
      counts[entry.kind] += 1;
      const { severity } = entry;
      const finding = severity !== 'info';
      if (finding) findings += 1;
      if (finding && urgent[severity].length < URGENT_FINDINGS_LIMIT) urgent[severity].push(entry);
      if (keep === 'all' || (keep === 'findings' && finding)) items.push(entry);
      const amount = entry.theirs?.amountMinor ?? entry.ours?.amountMinor ?? null;
      const currency = entry.theirs?.currency ?? entry.ours?.currency ?? null;
      if (amount === null || currency === null) return;
      let total = totals.get(currency);
      if (!total) {
        total = { currency, byKind: {} };
        totals.set(currency, total);
      }
      total.byKind[entry.kind] = (total.byKind[entry.kind] ?? 0) + amount;
    },
    finish(source, startedAt, finishedAt, period) {
      return {
        source,
        startedAt,
        finishedAt,
        period,
        items,
        counts,
        totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
        findings,
        urgent: [...urgent.critical, ...urgent.warning].slice(0, URGENT_FINDINGS_LIMIT),
        notes: [],
      };
    },
  };
}

/** Assemble a report from every item. */
export function buildReport(
  source: ReconcileReport['source'],
  items: readonly ReconcileItem[],
  startedAt: Date,
  finishedAt: Date,
  period: ReconcileReport['period'],
): ReconcileReport {
  const report = createReportAccumulator('all');
  for (const entry of items) report.add(entry);
  return report.finish(source, startedAt, finishedAt, period);
}
