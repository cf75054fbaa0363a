import { recordJobFindings, recordJobRun } from '../codes/runs.js';
import type { CashCodeStore } from '../storage/contract.js';
import type { ReconcileReport } from './types.js';

/**
 * Record a finished reconciliation in the store (for `doctor`'s "reconciliation ran within a day"
 * check, and its most urgent findings for the support console) and hand the report back. A failed
 * record never fails the reconciliation.
 */
export async function recorded(store: CashCodeStore, report: ReconcileReport): Promise<ReconcileReport> {
  await recordJobRun(store, {
    job: 'reconcile',
    at: report.finishedAt,
    ok: true,
    // Every item, kept in `report.items` or not (`items: 'none'`).
    counts: {
      items: Object.values(report.counts).reduce((sum, count) => sum + count, 0),
      findings: report.findings,
      [`source_${report.source}`]: 1,
    },
  });
  await recordJobFindings(store, {
    job: 'reconcile',
    at: report.finishedAt,
    total: report.findings,
    items: report.urgent.map((item) => ({
      kind: item.kind,
      severity: item.severity === 'critical' ? 'critical' : 'warning',
      cip: item.cip,
      codeId: item.codeId,
      orderId: item.orderId,
      line: item.line,
      action: item.action,
      message: item.message,
    })),
  });
  return report;
}
