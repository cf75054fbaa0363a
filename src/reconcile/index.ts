/**
 * Reconciliation: compare the store with PagoEfectivo — through the search API (recovering missed
 * payments) or against a settlement export — and report every disagreement with money totals.
 *
 * Portable: no Node built-ins, no drivers. The CLI's `reconcile` command wraps it.
 *
 * @module reconcile
 */

// against the search API
export {
  type PaymentApplier,
  type ReconcileProgress,
  type ReconcileWithApiOptions,
  reconcileWithApi,
} from './api.js';
export { recoveredOperationNumber } from './_compare.js';

// against a settlement export
export {
  type ReconcileSettlementOptions,
  type ReportItems,
  type SettlementChunk,
  type SettlementFile,
  type SettlementInput,
  type SettlementInputRow,
  type SettlementProgress,
  type SettlementReadableStream,
  reconcileSettlement,
} from './settlement.js';
export {
  type ColumnName,
  DEFAULT_SETTLEMENT_MAPPING,
  normalizeHeader,
  type SettlementField,
  type SettlementMapping,
} from './columns.js';
export { type CsvDocument, type CsvRecord, parseCsv } from './csv.js';
export { parseSettlementAmount, type SettlementAmount } from './amount.js';
export { parseSettlementDate } from './_values.js';

// the report
export {
  type OurSide,
  RECONCILE_ITEM_KINDS,
  type ReconcileAction,
  type ReconcileItem,
  type ReconcileItemKind,
  type ReconcileReport,
  type ReconcileSeverity,
  type ReconcileTotals,
  type TheirSide,
  URGENT_FINDINGS_LIMIT,
} from './types.js';
export { type ReconcileReportJSON, reportToCsv, reportToJSON, summarizeReport } from './report.js';

// streaming the report out
export {
  createReportWriter,
  type NodeWritableLike,
  REPORT_NDJSON_FORMAT,
  type ReportDestination,
  type ReportFormat,
  type ReportWriter,
  type ReportWriterOptions,
  type WebWritableLike,
  writeReportCsv,
  writeReportNdjson,
} from './writer.js';
