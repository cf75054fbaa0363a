import { formatAmount, formatMoney, isCurrency } from '../money/index.js';
import {
  RECONCILE_ITEM_KINDS,
  type ReconcileItem,
  type ReconcileItemKind,
  type ReconcileReport,
  type ReconcileTotals,
  type TheirSide,
} from './types.js';

/** The JSON shape of a report ({@link reportToJSON}): the report with dates as ISO strings. */
export interface ReconcileReportJSON {
  format: 'pagoefectivo-kit/reconcile-report@1';
  source: ReconcileReport['source'];
  startedAt: string;
  finishedAt: string;
  period: { from: string; to: string } | null;
  findings: number;
  counts: Record<ReconcileItemKind, number>;
  totals: ReconcileTotals[];
  notes: string[];
  items: (Omit<ReconcileItem, 'theirs'> & { theirs: (Omit<TheirSide, 'paidAt'> & { paidAt: string | null }) | null })[];
}

/** The header of the report CSV. */
export const CSV_COLUMNS = [
  'kind',
  'severity',
  'line',
  'cip',
  'code_id',
  'order_id',
  'our_status',
  'our_currency',
  'our_amount',
  'their_state',
  'their_currency',
  'their_amount',
  'their_paid_at',
  'their_operation_number',
  'action',
  'message',
] as const;

function decimal(minor: number | null | undefined): string {
  return minor === null || minor === undefined ? '' : formatAmount(minor);
}

/** Quote a CSV cell, and defuse spreadsheet formulas (`=`, `+`, `-`, `@`, tab, CR) with a leading `'`. */
export function cell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One report item as a CSV line (no line end). */
export function csvRow(entry: ReconcileItem): string {
  const values = [
    entry.kind,
    entry.severity,
    entry.line,
    entry.cip,
    entry.codeId,
    entry.orderId,
    entry.ours?.status,
    entry.ours?.currency,
    decimal(entry.ours?.amountMinor),
    entry.theirs?.state,
    entry.theirs?.currency,
    decimal(entry.theirs?.amountMinor),
    entry.theirs?.paidAt?.toISOString(),
    entry.theirs?.operationNumber,
    entry.action,
    entry.message,
  ];
  return values.map(cell).join(',');
}

/**
 * The report as CSV (RFC 4180, CRLF, one line per item, header first). Amounts are decimal strings;
 * cells that a spreadsheet would run as a formula are prefixed with `'`.
 */
export function reportToCsv(report: ReconcileReport): string {
  return `${[CSV_COLUMNS.join(','), ...report.items.map(csvRow)].join('\r\n')}\r\n`;
}

/** The report as a JSON-ready object (`JSON.stringify(reportToJSON(report))`), versioned by `format`. */
export function reportToJSON(report: ReconcileReport): ReconcileReportJSON {
  return {
    format: 'pagoefectivo-kit/reconcile-report@1',
    ...reportFieldsToJSON(report),
    items: report.items.map(itemToJSON),
  };
}

/** Everything of the report but its items, JSON-ready (shared with the NDJSON writer's summary line). */
export function reportFieldsToJSON(report: ReconcileReport): Omit<ReconcileReportJSON, 'format' | 'items'> {
  return {
    source: report.source,
    startedAt: report.startedAt.toISOString(),
    finishedAt: report.finishedAt.toISOString(),
    period: report.period && { from: report.period.from.toISOString(), to: report.period.to.toISOString() },
    findings: report.findings,
    counts: report.counts,
    totals: report.totals,
    notes: report.notes,
  };
}

/** One item in its JSON shape (dates as ISO strings). */
export function itemToJSON(entry: ReconcileItem): ReconcileReportJSON['items'][number] {
  return { ...entry, theirs: entry.theirs && { ...entry.theirs, paidAt: entry.theirs.paidAt?.toISOString() ?? null } };
}

function money(minor: number, currency: string): string {
  return isCurrency(currency) ? formatMoney(minor, currency) : `${currency} ${formatAmount(minor)}`;
}

/**
 * A short human summary: one line per kind that occurred, with its count and money per currency, then
 * the findings (everything that is not `info`) with their CIP and message. Item and finding counts
 * come from `counts` and `findings`, so a report run with `items: 'findings'` summarises the same.
 */
export function summarizeReport(report: ReconcileReport, options: { maxFindings?: number } = {}): string {
  const lines = [
    `Reconciliation (${report.source === 'api' ? 'search API' : 'settlement file'}): ` +
      `${Object.values(report.counts).reduce((sum, count) => sum + count, 0)} item(s), ${report.findings} finding(s).`,
  ];
  if (report.period) {
    lines.push(`Period: ${report.period.from.toISOString()} to ${report.period.to.toISOString()}.`);
  }
  for (const kind of RECONCILE_ITEM_KINDS) {
    const count = report.counts[kind];
    if (count === 0) continue;
    const sums = report.totals.flatMap((total) => {
      const minor = total.byKind[kind];
      return minor === undefined ? [] : [money(minor, total.currency)];
    });
    lines.push(`  ${kind.padEnd(24)} ${String(count).padStart(6)}${sums.length > 0 ? `  ${sums.join(' + ')}` : ''}`);
  }
  const kept = report.items.filter((entry) => entry.severity !== 'info');
  // A run that kept no items (`items: 'none'`) still has its most urgent findings.
  const findings = kept.length > 0 ? kept : report.urgent;
  const shown = findings.slice(0, options.maxFindings ?? 50);
  if (shown.length > 0) lines.push('Findings:');
  for (const entry of shown) {
    const where = entry.line === null ? '' : `line ${entry.line} `;
    lines.push(`  [${entry.severity}] ${where}CIP ${entry.cip ?? '?'} ${entry.kind}: ${entry.message}`);
  }
  // `report.findings` counts findings a run did not keep (`items: 'none'`) too.
  if (report.findings > shown.length) lines.push(`  … and ${report.findings - shown.length} more.`);
  for (const note of report.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}
