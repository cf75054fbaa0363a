/**
 * Payment voucher PDFs (pdf-lib + bwip-js): `renderVoucher` draws an A4 or 80 mm receipt voucher
 * for a pending code, with the CIP's Code 128, a QR code holding a signed voucher token, and
 * anti-forgery marks; `readVoucherToken` gets the token back out of a voucher file.
 *
 * Signing keys and token verification live in `pagoefectivo-kit/voucher/token`, which does not load
 * the PDF stack; share links in `pagoefectivo-kit/voucher/share`.
 *
 * @module voucher
 */

// rendering
export { renderVoucher } from './render.js';
export type {
  DisplayLocale,
  PayPlace,
  RenderVoucherOptions,
  VoucherCode,
  VoucherContact,
  VoucherMerchant,
} from './types.js';

// reading a voucher file back
export { readVoucherToken, VOUCHER_TOKEN_INFO_KEY } from './metadata.js';

// human Lima dates, as printed on vouchers
export { formatLimaDateTime, formatLimaShort, type LimaDisplayOptions } from '../time/display.js';

// tokens, re-exported for convenience
export {
  createVoucherToken,
  generateVoucherKeys,
  verifyVoucherToken,
  type VerifiedVoucherToken,
  type VoucherKeys,
  type VoucherPublicKeys,
  type VoucherTokenClaims,
} from './token.js';
