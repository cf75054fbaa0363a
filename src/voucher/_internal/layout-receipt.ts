/**
 * The 80 mm receipt voucher for thermal printers: one centred column, as tall as its content, in
 * black on white (thermal printers dither colour fills into noise). The page grows with the content,
 * so long merchant texts wrap instead of being cut, up to a line budget per field (a receipt must not
 * turn into a metre of paper). A record copy has a stamp band instead of the barcode, no QR and no
 * payment sections. All positions are distances from the top edge, in points.
 */
import type { PDFImage } from 'pdf-lib';
import {
  barcodeBlock,
  fitImage,
  notice,
  paragraph,
  qrBlock,
  recordBand,
  stampAcross,
  steps,
  termsBlock,
} from './blocks.js';
import type { VoucherContent } from './model.js';
import { microtext } from './security.js';
import { COLORS, drawBox, drawText, fitSize, fitText, type Sheet } from './sheet.js';

/** 80 mm in points. */
export const RECEIPT_WIDTH = 226.77;
const M = 14;
const INNER = RECEIPT_WIDTH - 2 * M;
const CENTER = RECEIPT_WIDTH / 2;

function header(sheet: Sheet, content: VoucherContent, logo: PDFImage | null): number {
  drawText(sheet, 'PagoEfectivo', CENTER, 28, { size: 16, bold: true, align: 'center' });
  drawText(sheet, content.copy.subtitle, CENTER, 40, { size: 7.5, align: 'center' });
  drawBox(sheet, { x: M, y: 47, width: INNER, height: 1.6 }, COLORS.ink);
  let y = 58;
  if (logo) {
    const box = fitImage(logo, 120, 32);
    const logoTop = y;
    sheet.commands.push((painter, top) => {
      painter.image(logo, CENTER - box.width / 2, top(logoTop + box.height), box.width, box.height);
    });
    y += box.height + 6;
  }
  const name = fitText(sheet, content.merchantName, INNER, { size: 10, bold: true });
  drawText(sheet, name, CENTER, y + 9, { size: 10, bold: true, align: 'center' });
  drawText(sheet, content.copy.merchantCaption, CENTER, y + 19, { size: 6.5, align: 'center', color: COLORS.muted });
  return y + 26;
}

function row(sheet: Sheet, label: string, value: string, y: number): number {
  drawText(sheet, label, M, y + 7, { size: 6.2, bold: true, color: COLORS.muted, spacing: 0.4 });
  const last = paragraph(
    sheet,
    value,
    { x: M, baseline: y + 17, width: INNER, leading: 10, maxLines: 4 },
    { size: 8.2 },
  );
  return last + 6;
}

function dashedRule(sheet: Sheet, y: number): void {
  sheet.commands.push((painter, top) => {
    painter.line(M, top(y), RECEIPT_WIDTH - M, top(y), 0.6, COLORS.muted, [2, 2]);
  });
}

/**
 * Lay out the receipt voucher on `sheet`; returns the page height that fits the content. `token` is
 * `null` exactly for record copies (`content.stamp` set).
 */
export function layoutReceipt(
  sheet: Sheet,
  content: VoucherContent,
  token: string | null,
  logo: PDFImage | null,
): number {
  let y = header(sheet, content, logo);
  sheet.commands.push(microtext(content.microtext, { x: M, baseline: y, width: INNER, size: 2 }));
  drawText(sheet, content.copy.cipLabel, CENTER, y + 16, {
    size: 7.5,
    bold: true,
    color: COLORS.muted,
    align: 'center',
    spacing: 0.8,
  });
  drawText(sheet, content.cip, CENTER, y + 46, {
    size: fitSize(sheet, content.cip, INNER, 30),
    bold: true,
    align: 'center',
  });
  y = content.stamp
    ? recordBand(sheet, content.stamp, content.copy.noBarcode, { x: M, y: y + 54, width: INNER, size: 7 })
    : barcodeBlock(sheet, content.cip, {
        centerX: CENTER,
        y: y + 54,
        maxWidth: RECEIPT_WIDTH - 8,
        maxModule: 2.2,
        height: 44,
        digitSize: 8,
      });
  dashedRule(sheet, y + 8);
  drawText(sheet, content.copy.amount, CENTER, y + 24, {
    size: 6.5,
    bold: true,
    color: COLORS.muted,
    align: 'center',
    spacing: 0.6,
  });
  drawText(sheet, content.amount, CENTER, y + 46, {
    size: fitSize(sheet, content.amount, INNER, 22),
    bold: true,
    align: 'center',
  });
  y += 54;
  y = row(sheet, content.copy.expires, content.expiry, y);
  if (content.payerName) y = row(sheet, content.copy.payer, content.payerName, y);
  y = row(sheet, content.copy.order, content.orderId, y);
  if (content.concept) y = row(sheet, content.copy.concept, content.concept, y);
  if (!content.stamp) {
    y = notice(sheet, content.copy.exactAmount, { x: M, y: y + 4, width: INNER, size: 7.5, mono: true });
  }
  if (content.terms) {
    dashedRule(sheet, y + 8);
    y = termsBlock(
      sheet,
      content.terms,
      { refund: content.copy.refundTitle, support: content.copy.supportTitle },
      { x: M, y: y + 14, width: INNER, size: 6.8, columns: 1, refundLines: 14, contactLines: 3 },
    );
  }
  if (token !== null) y = paymentSections(sheet, content, token, y);
  dashedRule(sheet, y + 6);
  y = paragraph(
    sheet,
    content.stamp ? content.copy.recordKeep : content.copy.keep,
    { x: M, baseline: y + 18, width: INNER, leading: 8 },
    { size: 6.2, color: COLORS.muted },
  );
  drawText(sheet, content.issued, M, y + 10, { size: 6, color: COLORS.muted });
  drawText(sheet, content.reference, M, y + 18, { size: 6, color: COLORS.muted });
  sheet.commands.push(microtext(content.microtext, { x: M, baseline: y + 28, width: INNER, size: 2 }));
  const height = y + 40;
  if (content.stamp) sheet.commands.push(stampAcross(content.stamp, { width: RECEIPT_WIDTH, center: height / 2 }));
  return height;
}

/** The verification QR, the payment steps and the places to pay (vouchers only); returns the bottom. */
function paymentSections(sheet: Sheet, content: VoucherContent, token: string, top: number): number {
  const qrSize = 132;
  let y = qrBlock(sheet, token, { x: CENTER - qrSize / 2, y: top + 12, size: qrSize });
  const caption = fitText(sheet, content.copy.qrCaption, INNER, { size: 7.5, bold: true });
  drawText(sheet, caption, CENTER, y + 11, { size: 7.5, bold: true, align: 'center' });
  y = paragraph(
    sheet,
    content.copy.qrHint,
    { x: M, baseline: y + 20, width: INNER, leading: 8 },
    {
      size: 6.2,
      color: COLORS.muted,
      align: 'center',
    },
  );
  dashedRule(sheet, y + 10);
  drawText(sheet, content.copy.howToPay, M, y + 26, { size: 10, bold: true });
  y = steps(sheet, content.steps, { x: M, y: y + 33, width: INNER, size: 7.2, gap: 4, mono: true, maxLines: 6 });
  drawText(sheet, content.copy.whereToPay, M, y + 14, { size: 10, bold: true });
  y += 20;
  for (const place of content.places) {
    drawText(sheet, fitText(sheet, place.title, INNER, { size: 7.4, bold: true }), M, y + 8, { size: 7.4, bold: true });
    y =
      paragraph(
        sheet,
        place.detail,
        { x: M, baseline: y + 17, width: INNER, leading: 8.6, maxLines: 4 },
        { size: 6.6, color: COLORS.muted },
      ) + 5;
  }
  return y;
}
