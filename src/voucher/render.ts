import { PDFDocument } from 'pdf-lib';
import { ConfigurationError, isPagoEfectivoKitError, VoucherError } from '../errors.js';
import { A4, layoutA4 } from './_internal/layout-a4.js';
import { layoutReceipt, RECEIPT_WIDTH } from './_internal/layout-receipt.js';
import { embedLogo } from './_internal/logo.js';
import { buildContent } from './_internal/model.js';
import { watermark } from './_internal/security.js';
import { paintSheet, type Sheet } from './_internal/sheet.js';
import { voucherStandingOf } from './_internal/standing.js';
import { writeVoucherMetadata } from './metadata.js';
import { createVoucherToken, decodeVoucherTokenUnverified } from './token.js';
import type { RenderVoucherOptions, VoucherCode } from './types.js';

async function resolveToken(
  code: VoucherCode & { cip: string },
  options: RenderVoucherOptions,
  issuedAt: Date,
): Promise<string> {
  if ((options.signing === undefined) === (options.token === undefined)) {
    throw new ConfigurationError('renderVoucher: pass exactly one of `signing: { secretKey, kid }` or `token`.');
  }
  if (options.signing) {
    return createVoucherToken(code, options.signing.secretKey, { kid: options.signing.kid, issuedAt });
  }
  const token = options.token as string;
  const claims = decodeVoucherTokenUnverified(token);
  const matches =
    claims.cip === code.cip &&
    claims.orderId === code.orderId &&
    claims.amountMinor === code.amountMinor &&
    claims.currency === code.currency &&
    claims.expiresAt.getTime() === Math.floor(code.expiresAt.getTime() / 1000) * 1000;
  if (!matches) {
    throw new ConfigurationError(
      'renderVoucher: `token` was made for another CIP, order, amount or expiry than this code.',
      {
        details: { codeId: code.id, tokenCip: claims.cip },
      },
    );
  }
  return token;
}

/**
 * Render a payment voucher PDF for a payable code: merchant header, CIP with its Code 128, amount,
 * Lima expiry, payer, order, payment concept (the code's stored `paymentConcept` unless the option
 * overrides it), the merchant's terms (refund policy, contact, support hours), a QR code holding the
 * signed voucher token (labelled as the merchant's verification mark, not a way to pay), payment
 * steps, places to pay, and anti-forgery marks (diagonal watermark, microtext, the token in the PDF
 * metadata).
 *
 * A code that cannot be paid — no CIP, status other than `pending`, or `expiresAt` at or before
 * `now()` — is refused. With `record: true` the same code renders as a copy for the merchant's
 * records instead: stamped PAGADO / VENCIDO / ANULADO (COPIA while still payable) across the page,
 * with no barcode, no QR code and no payment steps.
 *
 * Text is drawn with the standard Helvetica fonts; characters they cannot encode are transliterated
 * (`Kővári` → `Kovari`), emoji are dropped and anything else becomes `?`, so no name ever makes
 * rendering fail. Long merchant texts wrap and are cut with an ellipsis where they would leave the
 * page. Barcodes are vector paths sized to scan from a 100 dpi print.
 *
 * @throws {VoucherError} `voucher_not_payable` for a code without a CIP or not pending (and, for
 * record copies, a code without CIP, `reserving` or `failed`); `voucher_code_expired` for a pending
 * code past its expiry; token errors from `createVoucherToken`; `voucher_render_failed` if pdf-lib fails.
 * @throws {ConfigurationError} `config_invalid` for missing or invalid options (signing/token, logo,
 * texts, `now`, `record`).
 */
export async function renderVoucher(code: VoucherCode, options: RenderVoucherOptions): Promise<Uint8Array> {
  const standing = voucherStandingOf(code, options, 'renderVoucher');
  const layout = options.layout ?? 'a4';
  if (layout !== 'a4' && layout !== 'receipt')
    throw new ConfigurationError('renderVoucher: layout must be "a4" or "receipt".');
  const createdAt = options.creationDate ?? standing.now;
  if (!(createdAt instanceof Date) || Number.isNaN(createdAt.getTime())) {
    throw new ConfigurationError('renderVoucher: creationDate must be a valid Date.');
  }
  // A record copy carries no token: it must not verify as a voucher anyone could pay.
  const token = standing.stamp === null ? await resolveToken(standing.code, options, createdAt) : null;
  const content = buildContent(standing.code, options, createdAt, standing.stamp);
  try {
    const doc = await PDFDocument.create({ updateMetadata: false });
    const logo = options.merchant.logo === undefined ? null : await embedLogo(doc, options.merchant.logo);
    const width = layout === 'a4' ? A4.width : RECEIPT_WIDTH;
    const sheet: Sheet = { doc, width, commands: [] };
    const height = layout === 'a4' ? layoutA4(sheet, content, token, logo) : layoutReceipt(sheet, content, token, logo);
    const size = layout === 'a4' ? 10.5 : 7;
    // The watermark goes over the content (over the amount too, where a forger would edit), faint
    // enough to leave text legible and barcodes decodable.
    sheet.commands.push(
      watermark(content.watermark, {
        pageWidth: width,
        size,
        angle: 30,
        opacity: 0.08,
        gap: size * 3,
        rowGap: size * 6,
      }),
    );
    paintSheet(sheet, height);
    writeVoucherMetadata(doc, content, token, createdAt);
    // A voucher has ~50 objects: serialize them in one go instead of pdf-lib's default of yielding
    // to the event loop (a setTimeout, ≥1 ms of idle latency) every 50 objects, and with a classic
    // xref table (object and xref streams would cost two more deflates for ~1 KB).
    return await doc.save({ objectsPerTick: Number.POSITIVE_INFINITY, useObjectStreams: false });
  } catch (error) {
    if (isPagoEfectivoKitError(error)) throw error;
    throw new VoucherError('voucher_render_failed', `The voucher for code ${code.id} could not be rendered.`, {
      cause: error,
      details: { codeId: code.id },
    });
  }
}
