/**
 * The A4 voucher: brand header, the CIP in large type with its Code 128, a card with amount,
 * expiry, payer, order and the merchant's verification QR, the exact-amount notice, the merchant's
 * terms, payment steps beside the places to pay, and a footer. A record copy replaces the barcode by
 * a stamp band, the QR by a note, and leaves out the notice and the payment sections.
 *
 * Everything must stay on the one page whatever the merchant's texts: the variable sections (terms,
 * steps, places) are laid out dry first, with fewer lines each until they fit above the footer; cut
 * text ends with an ellipsis. All positions are distances from the top edge, in points.
 */
import type { PDFImage } from 'pdf-lib';
import {
  barcodeBlock,
  field,
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

/** A4 in points. */
export const A4 = { width: 595.28, height: 841.89 } as const;
const M = 42;
const FOOTER_TOP = A4.height - 70;

/**
 * Line budgets of the variable sections (refund policy, each step, each place's detail) and the gap
 * between steps, from roomy to tight; the first that fits above the footer is used. The refund
 * policy keeps two lines longest: the terms are what the buyer must read next to the amount.
 */
const BUDGETS: readonly { refund: number; step: number; place: number; gap: number }[] = [
  { refund: 4, step: 4, place: 3, gap: 9 },
  { refund: 4, step: 3, place: 2, gap: 9 },
  { refund: 4, step: 2, place: 2, gap: 9 },
  { refund: 4, step: 2, place: 2, gap: 4 },
  { refund: 3, step: 2, place: 1, gap: 4 },
  { refund: 3, step: 1, place: 1, gap: 4 },
  { refund: 2, step: 1, place: 1, gap: 4 },
  { refund: 2, step: 1, place: 0, gap: 4 },
  { refund: 1, step: 1, place: 0, gap: 2 },
];

function header(sheet: Sheet, content: VoucherContent, logo: PDFImage | null): void {
  const right = A4.width - M;
  drawBox(sheet, { x: 0, y: 0, width: A4.width, height: 88 }, COLORS.brand);
  drawText(sheet, 'PagoEfectivo', M, 44, { size: 24, bold: true, color: COLORS.brandInk });
  drawText(sheet, content.copy.subtitle, M, 62, { size: 10, color: COLORS.brandInk });
  const nameOptions = { size: logo ? 10 : 13, bold: true, align: 'right', color: COLORS.brandInk } as const;
  const name = fitText(sheet, content.merchantName, 250, nameOptions);
  if (logo) {
    const box = fitImage(logo, 150, 34);
    sheet.commands.push((painter, top) => {
      painter.image(logo, right - box.width, top(14 + box.height), box.width, box.height);
    });
    drawText(sheet, name, right, 62, nameOptions);
    drawText(sheet, content.copy.merchantCaption, right, 74, { size: 7.5, align: 'right', color: COLORS.brandInk });
  } else {
    drawText(sheet, name, right, 44, nameOptions);
    drawText(sheet, content.copy.merchantCaption, right, 60, { size: 8.5, align: 'right', color: COLORS.brandInk });
  }
}

function card(sheet: Sheet, content: VoucherContent, token: string | null, y: number): number {
  const height = content.concept ? 196 : 176;
  const width = A4.width - 2 * M;
  drawBox(sheet, { x: M, y, width, height }, COLORS.card, COLORS.line);
  const x = M + 20;
  const columnWidth = 300;
  drawText(sheet, content.copy.amount, x, y + 26, { size: 8, bold: true, color: COLORS.muted, spacing: 0.6 });
  drawText(sheet, content.amount, x, y + 56, { size: fitSize(sheet, content.amount, columnWidth, 28), bold: true });
  field(sheet, content.copy.expires, content.expiry, {
    x,
    y: y + 70,
    width: columnWidth,
    labelSize: 8,
    valueSize: 10.5,
  });
  const half = columnWidth / 2 - 8;
  const payer = content.payerName ? fitText(sheet, content.payerName, half, { size: 10.5 }) : '—';
  field(sheet, content.copy.payer, payer, { x, y: y + 106, width: half, labelSize: 8, valueSize: 10.5 });
  const order = fitText(sheet, content.orderId, half, { size: 10.5 });
  field(sheet, content.copy.order, order, { x: x + half + 16, y: y + 106, width: half, labelSize: 8, valueSize: 10.5 });
  if (content.concept) {
    const concept = fitText(sheet, content.concept, columnWidth, { size: 10.5 });
    field(sheet, content.copy.concept, concept, { x, y: y + 142, width: columnWidth, labelSize: 8, valueSize: 10.5 });
  }
  const qrSize = 136;
  const qrX = M + width - 20 - qrSize;
  if (token === null) {
    // Record copy: no QR a cashier or buyer could scan, just a note where it would be.
    drawBox(sheet, { x: qrX, y: y + 14, width: qrSize, height: qrSize }, COLORS.paper, COLORS.line);
    paragraph(
      sheet,
      content.copy.noQr,
      { x: qrX + 10, baseline: y + 14 + qrSize / 2, width: qrSize - 20, leading: 10 },
      { size: 8, color: COLORS.muted, align: 'center' },
    );
    return y + height;
  }
  const qrBottom = qrBlock(sheet, token, { x: qrX, y: y + 14, size: qrSize });
  drawText(sheet, content.copy.qrCaption, qrX + qrSize / 2, qrBottom + 12, { size: 8.5, bold: true, align: 'center' });
  paragraph(
    sheet,
    content.copy.qrHint,
    { x: qrX - 14, baseline: qrBottom + 23, width: qrSize + 28, leading: 8.5 },
    { size: 6.8, color: COLORS.muted, align: 'center' },
  );
  return y + height;
}

/** Steps beside the places to pay, each cut to its line budget; returns the lower of the two bottoms. */
function lowerSections(
  sheet: Sheet,
  content: VoucherContent,
  y: number,
  budget: { step: number; place: number; gap: number },
): number {
  const leftWidth = 300;
  const rightX = M + leftWidth + 26;
  const rightWidth = A4.width - M - rightX;
  drawText(sheet, content.copy.howToPay, M, y + 14, { size: 14, bold: true });
  const stepsBottom = steps(sheet, content.steps, {
    x: M,
    y: y + 30,
    width: leftWidth,
    size: 9.6,
    gap: budget.gap,
    maxLines: budget.step,
  });
  drawText(sheet, content.copy.whereToPay, rightX, y + 14, { size: 14, bold: true });
  let placeY = y + 30;
  for (const place of content.places) {
    drawBox(sheet, { x: rightX, y: placeY, width: 2.5, height: 11 }, COLORS.brand);
    const title = fitText(sheet, place.title, rightWidth - 9, { size: 9.6, bold: true });
    drawText(sheet, title, rightX + 9, placeY + 9.5, { size: 9.6, bold: true });
    let last = placeY + 9.5;
    if (budget.place > 0) {
      last = paragraph(
        sheet,
        place.detail,
        { x: rightX + 9, baseline: placeY + 23, width: rightWidth - 9, leading: 11, maxLines: budget.place },
        { size: 8.4, color: COLORS.muted },
      );
    }
    placeY = last + 14;
  }
  return Math.max(stepsBottom, placeY - 10);
}

/** The terms block (if any) and, on vouchers, the payment sections, with the first budget that fits. */
function variableSections(sheet: Sheet, content: VoucherContent, y: number): void {
  const draw = (target: Sheet, budget: (typeof BUDGETS)[number]): number => {
    let bottom = y;
    if (content.terms) {
      bottom = termsBlock(
        target,
        content.terms,
        { refund: content.copy.refundTitle, support: content.copy.supportTitle },
        {
          x: M,
          y,
          width: A4.width - 2 * M,
          size: 8.4,
          columns: 2,
          refundLines: budget.refund,
          contactLines: 1,
          framed: true,
        },
      );
    }
    if (content.stamp) return bottom;
    return lowerSections(target, content, content.terms ? bottom + 16 : y, budget);
  };
  const fits = BUDGETS.find(
    (budget) => draw({ doc: sheet.doc, width: sheet.width, commands: [] }, budget) <= FOOTER_TOP - 8,
  );
  draw(sheet, fits ?? (BUDGETS[BUDGETS.length - 1] as (typeof BUDGETS)[number]));
}

function footer(sheet: Sheet, content: VoucherContent): void {
  const y = FOOTER_TOP;
  const width = A4.width - 2 * M;
  drawBox(sheet, { x: M, y, width, height: 0.6 }, COLORS.line);
  const last = paragraph(
    sheet,
    content.stamp ? content.copy.recordKeep : content.copy.keep,
    { x: M, baseline: y + 16, width, leading: 10 },
    { size: 7.8, color: COLORS.muted },
  );
  drawText(sheet, `${content.issued}  ·  ${content.reference}`, M, last + 12, { size: 7.2, color: COLORS.muted });
  sheet.commands.push(microtext(content.microtext, { x: M, baseline: A4.height - 22, width, size: 2.4 }));
}

/**
 * Lay out the A4 voucher on `sheet` (whose width must be {@link A4}'s); returns the page height.
 * `token` is `null` exactly for record copies (`content.stamp` set).
 */
export function layoutA4(sheet: Sheet, content: VoucherContent, token: string | null, logo: PDFImage | null): number {
  header(sheet, content, logo);
  sheet.commands.push(microtext(content.microtext, { x: M, baseline: 99, width: A4.width - 2 * M, size: 2.4 }));
  const center = A4.width / 2;
  drawText(sheet, content.copy.cipLabel, center, 128, {
    size: 10,
    bold: true,
    color: COLORS.muted,
    align: 'center',
    spacing: 1.2,
  });
  drawText(sheet, content.cip, center, 176, {
    size: fitSize(sheet, content.cip, A4.width - 2 * M, 48),
    bold: true,
    align: 'center',
  });
  const barcodeBottom = content.stamp
    ? recordBand(sheet, content.stamp, content.copy.noBarcode, { x: center - 190, y: 188, width: 380, size: 9 })
    : barcodeBlock(sheet, content.cip, {
        centerX: center,
        y: 190,
        maxWidth: 320,
        maxModule: 2.8,
        height: 52,
        digitSize: 10,
      });
  const cardBottom = card(sheet, content, content.stamp ? null : token, barcodeBottom + 16);
  const noticeBottom = content.stamp
    ? cardBottom
    : notice(sheet, content.copy.exactAmount, { x: M, y: cardBottom + 14, width: A4.width - 2 * M, size: 10.5 });
  variableSections(sheet, content, noticeBottom + (content.terms ? 14 : 26));
  footer(sheet, content);
  // Centred on the CIP, amount and card (the upper half), where a copy would be mistaken for a voucher.
  if (content.stamp) sheet.commands.push(stampAcross(content.stamp, { width: A4.width, center: A4.height * 0.42 }));
  return A4.height;
}
