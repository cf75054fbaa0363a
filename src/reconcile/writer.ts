import { isPagoEfectivoKitError, ValidationError } from '../errors.js';
import { type ReportDestination, type Sink, toSink } from './_destination.js';
import { CSV_COLUMNS, cell, csvRow, itemToJSON, reportFieldsToJSON } from './report.js';
import type { ReconcileItem, ReconcileReport } from './types.js';

export type { NodeWritableLike, ReportDestination, WebWritableLike } from './_destination.js';

/** The formats of a streamed report. */
export type ReportFormat = 'csv' | 'ndjson';

/** Options of {@link createReportWriter}. */
export interface ReportWriterOptions {
  /** `csv` (the columns of `reportToCsv`) or `ndjson` (one JSON object a line, then a summary line). */
  format: ReportFormat;
  /** A Node `Writable`, a web `WritableStream` of strings, or a function called with each piece. */
  to: ReportDestination;
  /** End (Node) or close (web) the destination after `finish` / `abort`. Default `true`; `false` for stdout. */
  end?: boolean;
  /** Characters collected before a write to the destination. Default 65536. */
  bufferSize?: number;
}

/** Streams a report out item by item; see {@link createReportWriter}. */
export interface ReportWriter {
  /** Add one item (pass it as `onItem`). Returns a promise only when it had to wait for the destination. */
  write(entry: ReconcileItem): void | Promise<void>;
  /** The run succeeded: write what is left and the completion marker (NDJSON summary line), then end. */
  finish(report: ReconcileReport): Promise<void>;
  /** The run failed: write an explicit "incomplete" marker with the error's code and message, then end. */
  abort(error: unknown): Promise<void>;
  /** Items written so far. */
  readonly written: number;
}

/** The NDJSON summary line's `format`. */
export const REPORT_NDJSON_FORMAT = 'pagoefectivo-kit/reconcile-report-ndjson@1';

function itemCount(report: ReconcileReport): number {
  return Object.values(report.counts).reduce((sum, count) => sum + count, 0);
}

function describeError(error: unknown): { code: string; message: string } {
  const code = isPagoEfectivoKitError(error) ? error.code : 'unknown';
  return { code, message: error instanceof Error ? error.message : String(error) };
}

function summaryLine(report: ReconcileReport, written: number): string {
  return JSON.stringify({
    type: 'summary',
    format: REPORT_NDJSON_FORMAT,
    complete: true,
    items: written,
    ...reportFieldsToJSON(report),
  });
}

/**
 * Create a writer that streams a report as CSV or NDJSON while the reconciliation runs, so a 1M-row
 * period is never held as one string:
 *
 * ```ts
 * const writer = createReportWriter({ format: 'ndjson', to: createWriteStream('report.ndjson') });
 * try {
 *   await writer.finish(await reconcileSettlement(input, { store, items: 'none', onItem: writer.write }));
 * } catch (error) {
 *   await writer.abort(error);
 *   throw error;
 * }
 * ```
 *
 * Lines are collected up to `bufferSize` characters, then written; the destination's backpressure is
 * respected (Node `drain`, web `ready`, an awaited callback). CSV is `reportToCsv`'s format (header,
 * CRLF, formulas defused). NDJSON is one `{"type":"item",…}` line per item and, only when the run
 * succeeded, a last `{"type":"summary","complete":true,…}` line with counts and totals: a file without
 * it is incomplete. `abort(error)` ends the output with a `report_incomplete` CSV row or a
 * `{"type":"error","complete":false,…}` line.
 *
 * @throws {ValidationError} from `finish` when the writer did not receive every item of the report
 * (e.g. `items: 'findings'` without `onItem: writer.write`); the output is then marked incomplete.
 */
export function createReportWriter(options: ReportWriterOptions): ReportWriter {
  const { format } = options;
  if (format !== 'csv' && format !== 'ndjson') {
    throw new ValidationError(`format must be 'csv' or 'ndjson', got ${JSON.stringify(format)}.`, [
      { path: 'format', message: "expected 'csv' or 'ndjson'" },
    ]);
  }
  const sink: Sink = toSink(options.to);
  const end = options.end ?? true;
  const limit = options.bufferSize ?? 65536;
  let buffer = format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '';
  let written = 0;
  let closed = false;

  const flush = async (): Promise<void> => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    await sink.write(chunk);
  };
  const close = async (last: string): Promise<void> => {
    if (closed) return;
    closed = true;
    buffer += last;
    await flush();
    await sink.close(end);
  };
  const line = (entry: ReconcileItem): string =>
    format === 'csv' ? `${csvRow(entry)}\r\n` : `${JSON.stringify({ type: 'item', ...itemToJSON(entry) })}\n`;

  const abort = async (error: unknown): Promise<void> => {
    const { code, message } = describeError(error);
    const text = `Report incomplete after ${written} item(s): [${code}] ${message}`;
    const marker =
      format === 'csv'
        ? `${['report_incomplete', 'critical', ...Array<string>(CSV_COLUMNS.length - 3).fill(''), text].map(cell).join(',')}\r\n`
        : `${JSON.stringify({ type: 'error', complete: false, items: written, code, message })}\n`;
    await close(marker);
  };

  // Plain closures, not methods: `onItem: writer.write` and a destructured `abort` work.
  return {
    write: (entry) => {
      if (closed) throw new ValidationError('The report writer is finished; no more items can be written.');
      buffer += line(entry);
      written += 1;
      return buffer.length >= limit ? flush() : undefined;
    },
    finish: async (report) => {
      const expected = itemCount(report);
      if (written !== expected) {
        const error = new ValidationError(
          `The writer received ${written} of the report's ${expected} item(s): pass onItem: writer.write ` +
            "(or a report with items: 'all'); the output is marked incomplete.",
          [{ path: 'report', message: `${written} of ${expected} items written` }],
        );
        await abort(error);
        throw error;
      }
      await close(format === 'csv' ? '' : `${summaryLine(report, written)}\n`);
    },
    abort,
    get written() {
      return written;
    },
  };
}

/** Write a whole report (every item kept) to `to`, streamed with backpressure. */
async function writeWhole(
  format: ReportFormat,
  report: ReconcileReport,
  to: ReportDestination,
  options: { end?: boolean },
): Promise<void> {
  if (report.items.length !== itemCount(report)) {
    throw new ValidationError(
      `The report keeps ${report.items.length} of its ${itemCount(report)} item(s) (items: 'findings' or 'none'): ` +
        'stream it with createReportWriter and onItem instead.',
      [{ path: 'report.items', message: 'not every item is kept' }],
    );
  }
  const writer = createReportWriter({ format, to, ...options });
  for (const entry of report.items) {
    const pending = writer.write(entry);
    if (pending) await pending;
  }
  await writer.finish(report);
}

/**
 * Write a report as CSV (`reportToCsv`'s format) to a Node `Writable`, a web `WritableStream` or a
 * callback, piece by piece with backpressure: the text is never built whole.
 * @throws {ValidationError} for a report that does not keep every item.
 */
export function writeReportCsv(
  report: ReconcileReport,
  to: ReportDestination,
  options: { end?: boolean } = {},
): Promise<void> {
  return writeWhole('csv', report, to, options);
}

/**
 * Write a report as NDJSON (one item a line, then the summary line) to a Node `Writable`, a web
 * `WritableStream` or a callback, piece by piece with backpressure.
 * @throws {ValidationError} for a report that does not keep every item.
 */
export function writeReportNdjson(
  report: ReconcileReport,
  to: ReportDestination,
  options: { end?: boolean } = {},
): Promise<void> {
  return writeWhole('ndjson', report, to, options);
}
