import type { CodeStatus, PaymentNotice, PaymentOutcome } from '../model/code.js';

/** The part of the codes service reconciliation needs (`createCashCodes(…)` provides it). */
export interface PaymentApplier {
  applyPayment(notice: PaymentNotice): Promise<PaymentOutcome>;
}

/**
 * What one line of a reconciliation report says.
 *
 * Both reconciliations:
 * - `matched`: both sides agree.
 * - `amount_mismatch` / `currency_mismatch`: both sides know the payment but disagree on the money.
 *
 * {@link reconcileWithApi} (store vs the search API):
 * - `payment_recovered`: PagoEfectivo says paid, we had missed it; the payment was applied now.
 * - `payment_flagged`: PagoEfectivo says paid, but the codes service refused the payment (paid after
 *   expiry, cancelled order, amount mismatch…); recorded in the lifecycle log, needs a human.
 * - `expired_there`: pending here, expired at PagoEfectivo (the sweeper will close it).
 * - `deleted_there`: pending or expired here, deleted at PagoEfectivo.
 * - `payable_there`: expired or cancelled here but still payable at PagoEfectivo.
 * - `not_paid_there`: paid here, not paid at PagoEfectivo.
 * - `unknown_there`: PagoEfectivo does not know the CIP.
 * - `state_unrecognized`: PagoEfectivo answered with a status the SDK cannot interpret.
 *
 * {@link reconcileSettlement} (store vs a settlement export):
 * - `missing_from_settlement`: paid here within the period, absent from the file.
 * - `unknown_here`: in the file, but no code here has that CIP.
 * - `unpaid_here`: in the file, but the code here is not paid.
 * - `duplicate_in_settlement`: the same CIP appears again further down the file.
 * - `invalid_row`: the row could not be read; `message` says why and `line` where.
 */
export type ReconcileItemKind =
  | 'matched'
  | 'amount_mismatch'
  | 'currency_mismatch'
  | 'payment_recovered'
  | 'payment_flagged'
  | 'expired_there'
  | 'deleted_there'
  | 'payable_there'
  | 'not_paid_there'
  | 'unknown_there'
  | 'state_unrecognized'
  | 'missing_from_settlement'
  | 'unknown_here'
  | 'unpaid_here'
  | 'duplicate_in_settlement'
  | 'invalid_row';

/** Every {@link ReconcileItemKind}, in report order. */
export const RECONCILE_ITEM_KINDS: readonly ReconcileItemKind[] = [
  'matched',
  'payment_recovered',
  'payment_flagged',
  'amount_mismatch',
  'currency_mismatch',
  'not_paid_there',
  'payable_there',
  'expired_there',
  'deleted_there',
  'unknown_there',
  'state_unrecognized',
  'missing_from_settlement',
  'unknown_here',
  'unpaid_here',
  'duplicate_in_settlement',
  'invalid_row',
];

/** How many findings a report keeps in `urgent`. */
export const URGENT_FINDINGS_LIMIT = 50;

/** How urgent an item is: `info` needs no action, `warning` needs a look, `critical` is about money. */
export type ReconcileSeverity = 'info' | 'warning' | 'critical';

/** What the reconciliation did about an item. */
export type ReconcileAction = 'none' | 'applied' | 'already_applied' | 'rejected' | 'review';

/** Our side of an item. */
export interface OurSide {
  status: CodeStatus;
  /** The paid amount when paid, otherwise the locked amount, in minor units. */
  amountMinor: number;
  currency: string;
}

/** PagoEfectivo's side of an item (from the search API or the settlement file). */
export interface TheirSide {
  /** `pending`/`paid`/`expired`/`deleted`/`unknown` from the API; `settled` for a settlement row. */
  state: string;
  amountMinor: number | null;
  currency: string | null;
  paidAt: Date | null;
  operationNumber: string | null;
}

/** One line of a {@link ReconcileReport}. */
export interface ReconcileItem {
  kind: ReconcileItemKind;
  severity: ReconcileSeverity;
  cip: string | null;
  codeId: string | null;
  orderId: string | null;
  /** The settlement file's line (CSV) or 1-based row number (rows input); `null` for API items. */
  line: number | null;
  ours: OurSide | null;
  theirs: TheirSide | null;
  action: ReconcileAction;
  /** What was found and what to do about it. */
  message: string;
}

/** Sums in minor units for one currency, per item kind (only kinds that carry money appear). */
export interface ReconcileTotals {
  currency: string;
  byKind: Partial<Record<ReconcileItemKind, number>>;
}

/** The result of a reconciliation run: plain data, safe to log and to serialise. */
export interface ReconcileReport {
  source: 'api' | 'settlement';
  startedAt: Date;
  finishedAt: Date;
  /** The window of payments compared, when one applies. */
  period: { from: Date; to: Date } | null;
  items: ReconcileItem[];
  /** Items per kind (every kind present, zero included). */
  counts: Record<ReconcileItemKind, number>;
  totals: ReconcileTotals[];
  /** Items that are not `info`: zero means both sides agree. */
  findings: number;
  /**
   * The most urgent findings, kept whatever `items` asked: critical ones first, then warnings, each in
   * report order, at most {@link URGENT_FINDINGS_LIMIT}. What a summary, an alert or the support
   * console shows for a period too large to keep every item (`items: 'none'`).
   */
  urgent: ReconcileItem[];
  /** Limits of this run worth knowing (e.g. a check that could not be made). */
  notes: string[];
}
