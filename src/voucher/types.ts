import type { CashCode, CodeStatus, Payer } from '../model/code.js';
import type { DisplayLocale } from '../time/display.js';
import type { PayPlace } from './_internal/copy.js';

export type { DisplayLocale } from '../time/display.js';
export type { PayPlace } from './_internal/copy.js';

/**
 * The fields of a code a voucher shows. A full {@link CashCode} fits; `status`, when present, must be
 * `pending`, and `cip` must be set.
 */
export type VoucherCode = Pick<
  CashCode,
  'id' | 'orderId' | 'cip' | 'amountMinor' | 'currency' | 'expiresAt' | 'createdAt'
> & {
  status?: CodeStatus;
  payer?: Partial<Pick<Payer, 'firstName' | 'lastName'>>;
};

/** The merchant shown in the voucher's header. */
export interface VoucherMerchant {
  /** Trade name, e.g. `Tienda Ñandú S.A.C.` (1–120 characters). */
  name: string;
  /** Logo as PNG or JPEG bytes (detected from the file's magic bytes); fitted into the header. */
  logo?: Uint8Array;
}

/** Options of `renderVoucher`. */
export interface RenderVoucherOptions {
  merchant: VoucherMerchant;
  /** `a4` (default) or `receipt`: 80 mm wide for thermal printers, as tall as the content. */
  layout?: 'a4' | 'receipt';
  /** Language of the voucher: `es-PE` (default) or `en-US`. */
  locale?: DisplayLocale;
  /** What is being paid for, e.g. `Pedido web #123` (at most 140 characters). */
  paymentConcept?: string;
  /** Sign a fresh voucher token for the QR code and metadata with this key. */
  signing?: { secretKey: string; kid: string };
  /** Or embed a token created earlier with `createVoucherToken` (it must match the code). */
  token?: string;
  /** Replace the numbered payment steps (1–6 lines; `{cip}`, `{amount}`, `{merchant}` are filled in). */
  instructions?: readonly string[];
  /** Replace the list of places to pay (1–4 entries). */
  whereToPay?: readonly PayPlace[];
  /**
   * The document's creation date, also the token's issue time when signing (default: now). Pin it
   * to get byte-identical output for the same input.
   */
  creationDate?: Date;
}
