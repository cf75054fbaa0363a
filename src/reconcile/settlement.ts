import { ValidationError } from '../errors.js';
import { resolveTracer, type TracerLike, withSpan } from '../observability/tracing.js';
import type { CashCodeStore } from '../storage/contract.js';
import { buildReport, item } from './_build.js';
import { recorded } from './_runs.js';
import { compareSettlementRow, findMissing } from './_settle.js';
import { type BadRow, readRow, type SettlementRow } from './_values.js';
import { resolveColumns, type SettlementMapping } from './columns.js';
import { parseCsv } from './csv.js';
import type { PaymentApplier, ReconcileItem, ReconcileReport, TheirSide } from './types.js';

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

/** A settlement row already split into named cells (e.g. read from a spreadsheet). */
export type SettlementInputRow = Readonly<Record<string, string | number | null | undefined>>;

/** Options of {@link reconcileSettlement}. */
export interface ReconcileSettlementOptions {
  store: CashCodeStore;
  /**
   * The codes service. When given, a settled payment that is not recorded here is applied through the
   * one payment judgement (source `reconcile`), exactly like a notification: an exact, timely payment
   * makes the code paid; anything else is held for review or refused, never accepted by the back door.
   * Without it the report only lists such rows (`unpaid_here`).
   */
  codes?: PaymentApplier;
  /** Column names of your export, merged over `DEFAULT_SETTLEMENT_MAPPING`. */
  mapping?: Partial<SettlementMapping>;
  /**
   * The payments the file covers: codes paid here in this window (inclusive) and absent from the file
   * are reported. Default: from the earliest to the latest paid date in the file.
   */
  period?: { from: Date; to: Date };
  /** The CSV delimiter; detected from the header line when omitted. */
  delimiter?: ',' | ';' | '\t';
  /** Clock. Default `() => new Date()`. */
  now?: () => Date;
  /** Called as readable rows are compared with the store (e.g. to print progress on stderr). */
  /** An OpenTelemetry tracer: one span per run with the counts of findings (docs/observability.md). */
  tracer?: TracerLike;
  onProgress?: (progress: { compared: number; total: number }) => void;
}

interface Table {
  headers: string[];
  rows: { line: number; fields: string[] }[];
}

function toTable(input: string | readonly SettlementInputRow[], delimiter?: ',' | ';' | '\t'): Table {
  if (typeof input === 'string') {
    const [header, ...rows] = parseCsv(input, delimiter).records;
    return { headers: header?.fields ?? [], rows };
  }
  const headers = [...new Set(input.flatMap((row) => Object.keys(row)))];
  const rows = input.map((row, at) => ({
    line: at + 1,
    fields: headers.map((name) => {
      const value = row[name];
      return value === null || value === undefined ? '' : String(value);
    }),
  }));
  return { headers, rows };
}

function settled(row: SettlementRow): TheirSide {
  return {
    state: 'settled',
    amountMinor: row.amountMinor,
    currency: row.currency,
    paidAt: row.paidAt,
    operationNumber: row.operationNumber,
  };
}

/** Store look-ups in flight at once while comparing rows. */
const LOOKUP_CONCURRENCY = 20;

function checkPeriod(period: { from: Date; to: Date }): void {
  const valid = (date: unknown): boolean => date instanceof Date && !Number.isNaN(date.getTime());
  if (!valid(period.from) || !valid(period.to) || period.from.getTime() > period.to.getTime()) {
    throw new ValidationError('period must hold two valid Dates with from <= to.', [
      { path: 'period', message: 'expected { from: Date, to: Date } with from <= to' },
    ]);
  }
}

/** The earliest and latest paid dates of the rows, or `null` when no row has one. */
function paidWindow(rows: readonly SettlementRow[]): { from: Date; to: Date } | null {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const at = row.paidAt?.getTime();
    if (at === undefined) continue;
    from = Math.min(from, at);
    to = Math.max(to, at);
  }
  return from === Number.POSITIVE_INFINITY ? null : { from: new Date(from), to: new Date(to) };
}

/** The run itself; the exported function wraps it in a span. */
async function runReconcileSettlement(
  input: string | readonly SettlementInputRow[],
  options: ReconcileSettlementOptions,
): Promise<ReconcileReport> {
  const now = options.now ?? ((): Date => new Date());
  const startedAt = now();
  if (options.period) checkPeriod(options.period);
  const table = toTable(input, options.delimiter);
  const columns = resolveColumns(table.headers, options.mapping);
  const items: ReconcileItem[] = [];
  const firstLine = new Map<string, number>();
  // Every CIP the file mentions, readable rows or not: none of them is "missing from the settlement".
  const mentioned = new Set<string>();
  const good: SettlementRow[] = [];
  for (const { line, fields } of table.rows) {
    const read: SettlementRow | BadRow =
      fields.length === table.headers.length
        ? readRow(line, fields, columns)
        : { line, cip: null, reasons: [`expected ${table.headers.length} fields, found ${fields.length}`] };
    if (read.cip !== null) mentioned.add(read.cip);
    if ('reasons' in read) {
      items.push(item('invalid_row', { line, cip: read.cip, message: `Row not read: ${read.reasons.join('; ')}.` }));
      continue;
    }
    const earlier = firstLine.get(read.cip);
    if (earlier !== undefined) {
      items.push(
        item('duplicate_in_settlement', {
          line,
          cip: read.cip,
          theirs: settled(read),
          message: `CIP ${read.cip} already appears on line ${earlier}: a payment settled twice?`,
        }),
      );
      continue;
    }
    firstLine.set(read.cip, line);
    good.push(read);
  }
  for (let i = 0; i < good.length; i += LOOKUP_CONCURRENCY) {
    const chunk = good.slice(i, i + LOOKUP_CONCURRENCY);
    const compared = await Promise.all(
      chunk.map(async (row) => {
        const found = compareSettlementRow(row, settled(row), await options.store.getCodeByCip(row.cip));
        // With the codes service, a settled payment not recorded here (or of a CIP no code holds) goes
        // through the one payment judgement, which records it like a notification would.
        const recordable = found.kind === 'unpaid_here' || found.kind === 'unknown_here';
        return recordable && options.codes !== undefined
          ? applySettled(row, settled(row), options.codes, found)
          : found;
      }),
    );
    items.push(...compared);
    options.onProgress?.({ compared: i + chunk.length, total: good.length });
  }
  const period = options.period ?? paidWindow(good);
  if (period) items.push(...(await findMissing(options.store, period, mentioned)));
  items.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  const report = buildReport('settlement', items, startedAt, now(), period);
  if (!period) {
    report.notes.push('No paid dates and no period: codes paid here but absent from the file were not looked for.');
  }
  return report;
}

/**
 * Compare a settlement export (PagoEfectivo's merchant-portal file) with the store.
 *
 * `input` is CSV text (RFC 4180, `,` `;` or tab, BOM and CRLF welcome) or rows already split into named
 * cells; lines are CSV line numbers, or 1-based row numbers for rows. Every row ends up in the report:
 * matched, unknown here, unpaid here, amount or currency mismatch, duplicate, or invalid with its line and
 * reasons (never dropped). Codes paid here within `period` but absent from the file are reported too.
 * Nothing in the store is changed.
 *
 * @throws {ValidationError} `settlement_invalid` when the file cannot be read (no header, a mapped column
 * missing or ambiguous, an unterminated quote); `validation_failed` for a `period` that is not two valid
 * Dates in order.
 * @throws {StorageError} when the store fails.
 *
 * With `tracer`, the run is one span carrying counts only (the CIPs are in the report, not the span).
 */
export async function reconcileSettlement(
  input: string | readonly SettlementInputRow[],
  options: ReconcileSettlementOptions,
): Promise<ReconcileReport> {
  const tracer = resolveTracer(options?.tracer, 'reconcileSettlement');
  return withSpan(
    tracer,
    'pagoefectivo.reconcileSettlement',
    {},
    async () => recorded(options.store, await runReconcileSettlement(input, options)),
    (report, span) => {
      span.setAttribute('pagoefectivo.reconcile.items', report.items.length);
      span.setAttribute('pagoefectivo.reconcile.findings', report.findings);
    },
  );
}
