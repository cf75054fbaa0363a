import { ConfigurationError, ValidationError } from '../errors.js';
import { resolveTracer, type TracerLike, withSpan } from '../observability/tracing.js';
import type { CashCodeStore } from '../storage/contract.js';
import { createReportAccumulator, item, type ReportItems } from './_build.js';
import { type CipTable, createCipTable } from './_cip-table.js';
import type { CsvRecord } from './_csv-parser.js';
import type { SettlementChunk, SettlementFile, SettlementReadableStream } from './_input.js';
import { openRecords, type SettlementInputRow } from './_records.js';
import { recorded } from './_runs.js';
import { compareRow, emitMissing, settled } from './_settle.js';
import { type BadRow, readRow, type SettlementRow } from './_values.js';
import { type ColumnIndex, resolveColumns, type SettlementMapping } from './columns.js';
import type { PaymentApplier, ReconcileItem, ReconcileReport } from './types.js';

export type { ReportItems } from './_build.js';
export type { SettlementChunk, SettlementFile, SettlementReadableStream } from './_input.js';
export type { SettlementInputRow } from './_records.js';

/**
 * What {@link reconcileSettlement} reads: CSV text or rows given whole (as in 0.1), or a streamed file —
 * `{ path }`, a web `ReadableStream`, or an `AsyncIterable` of strings or UTF-8 bytes (a Node `Readable`).
 */
export type SettlementInput =
  | string
  | readonly SettlementInputRow[]
  | SettlementFile
  | SettlementReadableStream
  | AsyncIterable<SettlementChunk>;

/** Progress of a running {@link reconcileSettlement}. */
export interface SettlementProgress {
  /** Readable rows compared with the store so far. */
  compared: number;
  /**
   * Readable rows read so far (final from the start for text or rows given whole; for a stream it
   * grows as the file is read).
   */
  total: number;
}

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
  /** An OpenTelemetry tracer: one span per run with the counts of findings (docs/observability.md). */
  tracer?: TracerLike;
  /** Called as readable rows are compared with the store (e.g. to print progress on stderr). */
  onProgress?: (progress: SettlementProgress) => void;
  /**
   * Which items `report.items` keeps: `'all'` (default, as in 0.1), `'findings'` (not `info`), or
   * `'none'`. Counts, totals and findings always cover every item. With a 1M-row period pass
   * `'findings'` or `'none'` and take every item from `onItem`.
   */
  items?: ReportItems;
  /**
   * Called with every item, in report order, as soon as it is known (e.g. `writer.write` of
   * {@link createReportWriter}). A returned promise is awaited before the next row is read
   * (backpressure). If the run then fails, the items already given were not a complete report: the
   * run rejects, and a report writer's `abort(error)` marks its output incomplete.
   */
  onItem?: (entry: ReconcileItem) => void | Promise<void>;
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

const ITEMS: readonly ReportItems[] = ['all', 'findings', 'none'];

function checkOptions(options: ReconcileSettlementOptions): void {
  if (options.period) checkPeriod(options.period);
  if (options.items !== undefined && !ITEMS.includes(options.items)) {
    throw new ConfigurationError(`items must be 'all', 'findings' or 'none', got ${JSON.stringify(options.items)}.`, {
      details: { option: 'items' },
    });
  }
  if (options.onItem !== undefined && typeof options.onItem !== 'function') {
    throw new ConfigurationError('onItem must be a function.', { details: { option: 'onItem' } });
  }
}

/** One data record: an item known at once (unreadable, duplicate), or a row to compare with the store. */
function classify(
  { line, fields }: CsvRecord,
  width: number,
  columns: ColumnIndex,
  table: CipTable,
): ReconcileItem | SettlementRow {
  const read: SettlementRow | BadRow =
    fields.length === width
      ? readRow(line, fields, columns)
      : { line, cip: null, reasons: [`expected ${width} fields, found ${fields.length}`] };
  // Every CIP the file mentions, readable rows or not: none of them is "missing from the settlement".
  if (read.cip !== null) table.mention(read.cip);
  if ('reasons' in read) {
    return item('invalid_row', { line, cip: read.cip, message: `Row not read: ${read.reasons.join('; ')}.` });
  }
  const earlier = table.firstLine(read.cip);
  if (earlier !== undefined && earlier !== 0) {
    return item('duplicate_in_settlement', {
      line,
      cip: read.cip,
      theirs: settled(read),
      message: `CIP ${read.cip} already appears on line ${earlier}: a payment settled twice?`,
    });
  }
  table.setFirstLine(read.cip, line);
  return read;
}

/** The run itself; the exported function wraps it in a span. */
async function runReconcileSettlement(
  input: SettlementInput,
  options: ReconcileSettlementOptions,
): Promise<ReconcileReport> {
  const now = options.now ?? ((): Date => new Date());
  const startedAt = now();
  checkOptions(options);
  const report = createReportAccumulator(options.items ?? 'all');
  const onItem = options.onItem;
  const emit = (entry: ReconcileItem): void | Promise<void> => {
    report.add(entry);
    return onItem?.(entry);
  };
  const source = openRecords(input, options.delimiter);
  const table = createCipTable();
  // The paid window of the readable rows, kept as two numbers instead of the rows themselves.
  let paidFrom = Number.POSITIVE_INFINITY;
  let paidTo = Number.NEGATIVE_INFINITY;
  const progress = { compared: 0, total: 0 };
  try {
    const headers = await source.headers();
    const columns = resolveColumns(headers, options.mapping);
    for (let records = await source.next(); records !== null; records = await source.next()) {
      // Classify the whole batch first (cheap, in file order), then compare its rows a few at a time.
      const entries = records.map((record) => classify(record, headers.length, columns, table));
      for (const entry of entries) {
        if ('kind' in entry) continue;
        progress.total += 1;
        const at = entry.paidAt?.getTime();
        if (at !== undefined) {
          paidFrom = Math.min(paidFrom, at);
          paidTo = Math.max(paidTo, at);
        }
      }
      for (let i = 0; i < entries.length; i += LOOKUP_CONCURRENCY) {
        const slice = entries.slice(i, i + LOOKUP_CONCURRENCY);
        const compared = await Promise.all(
          slice.map((entry) => ('kind' in entry ? entry : compareRow(entry, options.store, options.codes))),
        );
        let rows = 0;
        for (const [at, entry] of compared.entries()) {
          if (!('kind' in (slice[at] as object))) rows += 1;
          const pending = emit(entry);
          if (pending) await pending;
        }
        if (rows > 0) {
          progress.compared += rows;
          options.onProgress?.({ ...progress });
        }
      }
    }
  } finally {
    await source.close();
  }
  const window = paidFrom === Number.POSITIVE_INFINITY ? null : { from: new Date(paidFrom), to: new Date(paidTo) };
  const period = options.period ?? window;
  if (period) await emitMissing(options.store, period, table, emit);
  const done = report.finish('settlement', startedAt, now(), period);
  if (!period) {
    done.notes.push('No paid dates and no period: codes paid here but absent from the file were not looked for.');
  }
  return done;
}

/**
 * Compare a settlement export (PagoEfectivo's merchant-portal file) with the store.
 *
 * `input` is CSV text (RFC 4180, `,` `;` or tab, BOM and CRLF welcome) or rows already split into named
 * cells, or a streamed CSV file: `{ path }`, a web `ReadableStream`, or an `AsyncIterable` of strings or
 * UTF-8 bytes (a Node `Readable`). A stream is read piece by piece with an incremental parser and a
 * compact table of CIPs, so memory stays flat on a 1M-row file when `items` is `'findings'` or `'none'`
 * (take every item from `onItem`). Lines are CSV line numbers, or 1-based row numbers for rows. Every
 * row ends up in the report (or `onItem`):
 * matched, unknown here, unpaid here, amount or currency mismatch, duplicate, or invalid with its line and
 * reasons (never dropped). Codes paid here within `period` but absent from the file are reported too.
 * Nothing in the store is changed.
 *
 * @throws {ValidationError} `settlement_invalid` when the file cannot be read (no header, a mapped column
 * missing or ambiguous, an unterminated quote); `validation_failed` for a `period` that is not two valid
 * Dates in order; `validation_failed` for an input of no accepted shape.
 * @throws {PagoEfectivoKitError} `settlement_stream_failed` when the input fails before its end: a file
 * that cannot be opened, a stream that errors midway, a chunk that is neither text nor bytes. No report
 * is produced from part of a file.
 * @throws {ConfigurationError} `config_invalid` for a bad `items` or `onItem`.
 * @throws {StorageError} when the store fails.
 *
 * With `tracer`, the run is one span carrying counts only (the CIPs are in the report, not the span).
 */
export async function reconcileSettlement(
  input: SettlementInput,
  options: ReconcileSettlementOptions,
): Promise<ReconcileReport> {
  const tracer = resolveTracer(options?.tracer, 'reconcileSettlement');
  return withSpan(
    tracer,
    'pagoefectivo.reconcileSettlement',
    {},
    async () => recorded(options.store, await runReconcileSettlement(input, options)),
    (report, span) => {
      // Every item, kept in `report.items` or not (`items: 'none'`).
      const items = Object.values(report.counts).reduce((sum, count) => sum + count, 0);
      span.setAttribute('pagoefectivo.reconcile.items', items);
      span.setAttribute('pagoefectivo.reconcile.findings', report.findings);
    },
  );
}
