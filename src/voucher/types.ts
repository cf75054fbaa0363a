import type { CashCode, CodeStatus, Payer } from '../model/code.js';
import type { DisplayLocale } from '../time/display.js';
import type { PayPlace } from './_internal/copy.js';

export type { DisplayLocale } from '../time/display.js';
export type { PayPlace } from './_internal/copy.js';

/**
 * The fields of a code a voucher shows. A full {@link CashCode} fits; `cip` must be set. For a
 * buyer-facing voucher `status`, when present, must be `pending` and `expiresAt` in the future.
 */
export type VoucherCode = Pick<
  CashCode,
  'id' | 'orderId' | 'cip' | 'amountMinor' | 'currency' | 'expiresAt' | 'createdAt'
> & {
  status?: CodeStatus;
  payer?: Partial<Pick<Payer, 'firstName' | 'lastName'>>;
  /** The concept given to `issue` (stored on the code); printed as CONCEPTO unless overridden. */
  paymentConcept?: string | null;
  /** The recorded payment of a paid code; a record copy prints its date. */
  payment?: { paidAt: Date } | null;
};

/** How buyers reach the merchant. Each field is one short line (phone ≤ 40, e-mail ≤ 120, web ≤ 200). */
export interface VoucherContact {
  phone?: string;
  email?: string;
  /** A web address or page, e.g. `tienda.example.pe/ayuda`. */
  web?: string;
}

/** The merchant shown on the voucher: header, and the terms block next to the amount. */
export interface VoucherMerchant {
  /** Trade name, e.g. `Tienda Ñandú S.A.C.` (1–120 characters). */
  name: string;
  /** Logo as PNG or JPEG bytes (detected from the file's magic bytes); fitted into the header. */
  logo?: Uint8Array;
  /**
   * Refund policy and its processing time, e.g. `Devoluciones hasta 7 días después del pago; el
   * reembolso se procesa en 5 días hábiles.` (1–1000 characters). Wrapped; what does not fit the
   * space (about 300 characters on A4) is cut with an ellipsis, so link the full text in `contact.web`.
   */
  refundPolicy?: string;
  contact?: VoucherContact;
  /** When support answers, e.g. `Lunes a sábado, 9:00–18:00` (1–120 characters). */
  supportHours?: string;
}

/** Options of `renderVoucher` (and, with `link`, of `renderVoucherEmail` and `renderVoucherSms`). */
export interface RenderVoucherOptions {
  merchant: VoucherMerchant;
  /** `a4` (default) or `receipt`: 80 mm wide for thermal printers, as tall as the content. */
  layout?: 'a4' | 'receipt';
  /** Language of the voucher: `es-PE` (default) or `en-US`. */
  locale?: DisplayLocale;
  /**
   * What is being paid for, e.g. `Pedido web #123` (at most 140 characters). Default: the code's
   * stored `paymentConcept`.
   */
  paymentConcept?: string;
  /** Sign a fresh voucher token for the QR code and metadata with this key. */
  signing?: { secretKey: string; kid: string };
  /** Or embed a token created earlier with `createVoucherToken` (it must match the code). */
  token?: string;
  /** Replace the numbered payment steps (1–6 lines; `{cip}`, `{amount}`, `{merchant}` are filled in). */
  instructions?: readonly string[];
  /**
   * Replace the "¿Dónde pagar?" list (1–4 entries). The default is generic (banking apps, agents,
   * affiliated shops); list the channels your PagoEfectivo contract names (docs/vouchers.md).
   */
  whereToPay?: readonly PayPlace[];
  /**
   * The document's creation date, also the token's issue time when signing (default: `now()`). Pin it
   * to get byte-identical output for the same input.
   */
  creationDate?: Date;
  /** The clock that decides whether `expiresAt` has passed (default: the system clock). */
  now?: () => Date;
  /**
   * Render a copy for the merchant's records instead of a voucher: stamped PAGADO, VENCIDO, ANULADO
   * (or COPIA for a code still payable) across the page, without barcode or QR code, and without the
   * payment steps. Needs no `signing`/`token`. Default `false`: non-payable codes are refused.
   */
  record?: boolean;
}
