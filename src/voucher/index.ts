/**
 * Payment vouchers: `renderVoucher` draws an A4 or 80 mm receipt PDF (pdf-lib + bwip-js) for a
 * payable code, with the CIP's Code 128, a QR code holding a signed voucher token, the merchant's
 * terms and anti-forgery marks (or, with `record: true`, a stamped copy for records);
 * `renderVoucherEmail` and `renderVoucherSms` send the same voucher by e-mail (PDF attached) and SMS;
 * `readVoucherToken` gets the token back out of a voucher file.
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

// the same voucher by e-mail (the PDF attached; the renderer loads on first use) and by SMS (light)
export {
  renderVoucherEmail,
  type VoucherEmail,
  type VoucherEmailAttachment,
} from './email.js';
export { GSM7_BASIC, renderVoucherSms, toGsm7, type VoucherMessageOptions, type VoucherSms } from './sms.js';

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
