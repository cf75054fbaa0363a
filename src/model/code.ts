import type { Currency, FxLock } from '../money/index.js';

/**
 * Where a payment code is in its life.
 *
 * - `reserving`: the order is claimed and the CIP is being created (a lease bounds this phase).
 * - `pending`: the CIP exists and waits for the buyer's cash payment.
 * - `paid`: PagoEfectivo confirmed the payment (PagoEfectivo calls this "Cancelado").
 * - `expired`: past its expiry, confirmed unpaid with the API.
 * - `cancelled`: deleted through the API by the merchant.
 * - `failed`: creation failed or its outcome is unknown; the order may get a new code.
 * - `review`: money arrived that the payment judgement would not accept on its own (wrong amount or
 *   currency, paid after expiry, paid after the code was cancelled or replaced); it waits for a
 *   person's decision through `codes.resolve()`.
 * - `refund_required`: a reviewed payment that a person decided to give back; the order is not paid.
 *
 * A `reserving` code that holds a CIP is a creation whose commit failed: whoever takes it over must
 * delete that CIP at the provider first.
 */
export type CodeStatus =
  | 'reserving'
  | 'pending'
  | 'paid'
  | 'expired'
  | 'cancelled'
  | 'failed'
  | 'review'
  | 'refund_required';

/** Every {@link CodeStatus}. */
export const CODE_STATUSES: readonly CodeStatus[] = [
  'reserving',
  'pending',
  'paid',
  'expired',
  'cancelled',
  'failed',
  'review',
  'refund_required',
];

/** The buyer who pays the code. */
export interface Payer {
  email: string;
  firstName?: string;
  lastName?: string;
  /** `DNI`, `PAS`, `LMI`, `PAR` or `NAN` (other). */
  documentType?: 'DNI' | 'PAS' | 'LMI' | 'PAR' | 'NAN';
  documentNumber?: string;
  /** Digits only, without country code. */
  phone?: string;
  /** Country calling code such as `+51`. */
  phoneCountryCode?: string;
}

/** A recorded payment, set when the code becomes `paid`. */
export interface PaymentRecord {
  operationNumber: string;
  amountMinor: number;
  currency: string;
  paidAt: Date;
  /** How the SDK learnt about it. */
  source: PaymentSource;
}

/** Why a payment waits (or waited) for a person, and what they decided. */
export interface PaymentReview {
  reason: PaymentRejectReason;
  /** Human-readable explanation, safe to show to support staff. */
  message: string;
  /** When the payment was put under review. */
  at: Date;
  /** The code's status before the review. */
  previousStatus: CodeStatus;
  /** `accept` (the code became paid) or `refund` (`refund_required`); `null` while waiting. */
  decision: 'accept' | 'refund' | null;
  /** Who decided (a staff name or id, as passed to `codes.resolve`). */
  decidedBy: string | null;
  note: string | null;
  decidedAt: Date | null;
}

/** How the SDK learnt about a payment. */
export type PaymentSource = 'webhook' | 'sweeper' | 'reconcile' | 'cancel' | 'issue' | 'manual';

/**
 * A payment code as stored. This record is what stores persist and what `createCashCodes` returns.
 * Amounts are integer minor units (`amountMinor`); `amount` is the same value as the API's decimal
 * string, kept for display and for the API edge.
 */
export interface CashCode {
  /** The SDK's id of the code (also sent as PagoEfectivo's `transactionCode`). */
  id: string;
  /** The merchant's order id. */
  orderId: string;
  status: CodeStatus;
  /** Optimistic-concurrency version; every update increments it by one. */
  version: number;
  /** PagoEfectivo's CIP number, always a string; `null` while `reserving` or if creation failed. */
  cip: string | null;
  /** The buyer-facing page of the CIP (PagoEfectivo's, or the gateway's voucher page). */
  cipUrl: string | null;
  /**
   * The gateway's id of the payment (dLocal's `D-4-…`) when the code was issued through a gateway;
   * `null` or absent for direct PagoEfectivo and for codes stored before 0.2.
   */
  providerPaymentId?: string | null;
  /** Decimal string at the API edge, e.g. `"150.50"`. */
  amount: string;
  /** The locked amount in minor units, e.g. `15050`. */
  amountMinor: number;
  currency: Currency;
  /** The conversion that priced this code, when the price was in another currency. */
  fx: FxLock | null;
  payer: Payer;
  /** When the code stops being payable (UTC instant; show it in America/Lima time). */
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  /** While `reserving`: until when the creating worker holds the order. */
  leaseUntil: Date | null;
  /** Set once paid. */
  payment: PaymentRecord | null;
  /**
   * The payment concept given to `issue` (the voucher's CONCEPTO line), or `null` when none was given.
   * Optional only so that codes stored by 0.1 still read; the service always sets it.
   */
  paymentConcept?: string | null;
  /**
   * The decision a payment of this code needed (`review`, then `paid` or `refund_required`), or `null`.
   * Optional only so that codes stored by 0.1 still read.
   */
  review?: PaymentReview | null;
  /** Free-form merchant data, never interpreted by the SDK. */
  metadata: Record<string, string>;
}

/** Statuses in which the code still occupies its order (no other code may be issued). */
export const BLOCKING_STATUSES: readonly CodeStatus[] = ['reserving', 'pending', 'paid', 'cancelled', 'review'];

/** Who caused a lifecycle event. */
export type Actor = 'merchant' | 'pagoefectivo' | 'sweeper' | 'reconciler' | 'system' | 'support';

/** The kind of a lifecycle event. */
export type LifecycleEventType =
  | 'reserved'
  | 'created'
  | 'creation_failed'
  | 'paid'
  | 'expired'
  | 'cancelled'
  | 'expiry_extended'
  | 'payment_rejected'
  | 'payment_duplicate'
  | 'lease_taken_over'
  | 'review'
  | 'resolved'
  | 'orphan_cip'
  | 'notification_unknown'
  | 'provider_call'
  | 'note';

/**
 * One entry of a code's append-only lifecycle log: who, what, when, why.
 * Entries about a CIP the store does not know use `subject` `cip:<number>`.
 */
export interface LifecycleEntry {
  /**
   * Unique id of the entry. A store appends an entry whose id it already holds for the subject only
   * once, which makes appends safe to re-execute. Optional only so that entries written by 0.1 still read.
   */
  id?: string;
  /** The code id, or `cip:<number>` for notifications about unknown CIPs. */
  subject: string;
  orderId: string | null;
  cip: string | null;
  type: LifecycleEventType;
  actor: Actor;
  at: Date;
  /** Human-readable reason (for rejections: the machine reason code). */
  reason: string | null;
  /** Status before and after, when the entry is a transition. */
  from: CodeStatus | null;
  to: CodeStatus | null;
  /** Secret-free facts (amounts in minor units, operation number…). */
  data: Record<string, unknown>;
}

/** A payment notification normalised for {@link CashCodes.applyPayment}. */
export interface PaymentNotice {
  cip: string;
  /** The paid amount in minor units, exactly as notified. */
  amountMinor: number;
  /** The notified currency (not narrowed: a wrong currency must be recordable). */
  currency: string;
  /**
   * PagoEfectivo's operation number. The spec allows it empty: `''` or `null` then dedupes on the CIP
   * (a CIP is paid once).
   */
  operationNumber: string | null;
  transactionCode?: string | null;
  paidAt?: Date | null;
  source?: PaymentSource;
  /**
   * Set by the webhook handlers: the notification's signature verified, and the HTTP status the handler
   * answers a refused or held payment with (accepted and duplicate ones are answered 200). The lifecycle
   * entry records both (`verified`, `httpStatus`), so a support bundle shows what PagoEfectivo was told.
   */
  delivery?: { verified: boolean; refusedStatus: number };
}

/** Why a payment notification was not accepted. */
export type PaymentRejectReason =
  | 'unknown_cip'
  | 'amount_mismatch'
  | 'currency_mismatch'
  | 'paid_after_expiry'
  | 'code_cancelled'
  | 'code_not_pending'
  | 'order_already_paid'
  | 'code_in_review'
  | 'code_replaced';

/** What {@link CashCodes.applyPayment} did with a notification. */
export type PaymentOutcome =
  | { kind: 'paid'; code: CashCode }
  | { kind: 'duplicate'; code: CashCode }
  | { kind: 'review'; reason: PaymentRejectReason; message: string; code: CashCode }
  | { kind: 'rejected'; reason: PaymentRejectReason; message: string; code: CashCode | null };
