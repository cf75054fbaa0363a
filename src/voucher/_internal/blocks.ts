/**
 * Building blocks shared by the A4 and receipt layouts. Each queues its drawing on the sheet and
 * returns the distance from the top edge where the next block may start.
 */
import type { PDFImage } from 'pdf-lib';
import { face, widthOf } from './fonts.js';
import type { MerchantTerms, StampContent } from './model.js';
import {
  COLORS,
  type DrawCommand,
  drawBox,
  drawText,
  type Sheet,
  type TextOptions,
  wrapClamped,
  wrapText,
} from './sheet.js';
import { code128Symbol, qrSymbol } from './symbols.js';
import { drawSymbol } from './xobject.js';

/**
 * Queue wrapped text starting with its first baseline at `baseline`, at most `maxLines` lines (the
 * last one ends with an ellipsis when text was cut); returns the last baseline.
 */
export function paragraph(
  sheet: Sheet,
  text: string,
  at: { x: number; baseline: number; width: number; leading: number; maxLines?: number },
  options: TextOptions,
): number {
  const lines = wrapClamped(sheet, text, at.width, options, at.maxLines ?? Number.POSITIVE_INFINITY);
  const anchor = options.align === 'center' ? at.x + at.width / 2 : options.align === 'right' ? at.x + at.width : at.x;
  lines.forEach((line, index) => {
    drawText(sheet, line, anchor, at.baseline + index * at.leading, options);
  });
  return at.baseline + Math.max(0, lines.length - 1) * at.leading;
}

/**
 * The Code 128 of the CIP with its digits spaced out below. The module width is the largest that
 * fits `maxWidth` up to `maxModule` points; returns the bottom of the digits.
 */
export function barcodeBlock(
  sheet: Sheet,
  cip: string,
  at: { centerX: number; y: number; maxWidth: number; maxModule: number; height: number; digitSize: number },
): number {
  const symbol = code128Symbol(cip);
  const module = Math.min(at.maxModule, at.maxWidth / symbol.width);
  const width = symbol.width * module;
  drawSymbol(sheet, symbol, { x: at.centerX - width / 2, y: at.y, width, height: at.height });
  const digits = cip.split('').join(' ');
  const baseline = at.y + at.height + at.digitSize + 3;
  drawText(sheet, digits, at.centerX, baseline, { size: at.digitSize, align: 'center', spacing: 1.5 });
  return baseline + 3;
}

/** The QR code of the token in a white, hairline-framed square; returns its bottom. */
export function qrBlock(sheet: Sheet, token: string, at: { x: number; y: number; size: number }): number {
  drawBox(sheet, { x: at.x - 1, y: at.y - 1, width: at.size + 2, height: at.size + 2 }, undefined, COLORS.line);
  drawSymbol(sheet, qrSymbol(token), { x: at.x, y: at.y, width: at.size, height: at.size });
  return at.y + at.size + 1;
}

/** A small spaced-out uppercase label with its value below; returns the value's baseline. */
export function field(
  sheet: Sheet,
  label: string,
  value: string,
  at: { x: number; y: number; width: number; labelSize: number; valueSize: number; bold?: boolean },
): number {
  drawText(sheet, label, at.x, at.y + at.labelSize, {
    size: at.labelSize,
    bold: true,
    color: COLORS.muted,
    spacing: 0.6,
  });
  return paragraph(
    sheet,
    value,
    { x: at.x, baseline: at.y + at.labelSize + at.valueSize + 4, width: at.width, leading: at.valueSize * 1.25 },
    { size: at.valueSize, bold: at.bold ?? false },
  );
}

/** Numbered steps with brand-coloured discs (each at most `maxLines` lines); returns the bottom of the last step. */
export function steps(
  sheet: Sheet,
  items: readonly string[],
  at: { x: number; y: number; width: number; size: number; gap: number; mono?: boolean; maxLines?: number },
): number {
  let y = at.y;
  const disc = at.mono ? COLORS.ink : COLORS.brand;
  const discInk = at.mono ? COLORS.paper : COLORS.brandInk;
  const radius = at.size * 0.85;
  items.forEach((item, index) => {
    const baseline = y + at.size;
    sheet.commands.push((painter, top) => {
      painter.circle(at.x + radius, top(baseline - at.size * 0.35), radius, disc);
    });
    drawText(sheet, String(index + 1), at.x + radius, baseline, {
      size: at.size * 0.85,
      bold: true,
      align: 'center',
      color: discInk,
    });
    const textX = at.x + radius * 2 + at.size * 0.8;
    const last = paragraph(
      sheet,
      item,
      { x: textX, baseline, width: at.x + at.width - textX, leading: at.size * 1.35, maxLines: at.maxLines },
      { size: at.size },
    );
    y = last + at.size * 0.35 + at.gap;
  });
  return y;
}

/** The "pay the exact amount" notice in a framed, tinted band; returns its bottom. */
export function notice(
  sheet: Sheet,
  message: string,
  at: { x: number; y: number; width: number; size: number; mono?: boolean },
): number {
  const options: TextOptions = { size: at.size, bold: true, align: 'center' };
  const lines = wrapText(sheet, message, at.width - 24, options);
  const height = lines.length * at.size * 1.3 + at.size * 1.3;
  const accent = at.mono ? COLORS.ink : COLORS.brand;
  drawBox(sheet, { x: at.x, y: at.y, width: at.width, height }, at.mono ? COLORS.paper : COLORS.notice, accent);
  sheet.commands.push((painter, top) => {
    painter.rect(at.x, top(at.y + height), 3, height, accent);
  });
  lines.forEach((line, index) => {
    drawText(sheet, line, at.x + at.width / 2, at.y + at.size * 1.55 + index * at.size * 1.3, options);
  });
  return at.y + height;
}

/** Fit an image into a `maxWidth` × `maxHeight` box keeping its aspect ratio. */
export function fitImage(image: PDFImage, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(maxWidth / image.width, maxHeight / image.height);
  return { width: image.width * scale, height: image.height * scale };
}

/**
 * The merchant's terms: refund policy (at most `refundLines` lines) and the contact lines, each
 * wrapped to at most `contactLines` lines, under small labels. Two columns when `columns` is 2 (A4),
 * one below the other otherwise (receipt). Returns the bottom of the block.
 */
export function termsBlock(
  sheet: Sheet,
  terms: MerchantTerms,
  labels: { refund: string; support: string },
  at: {
    x: number;
    y: number;
    width: number;
    size: number;
    columns: 1 | 2;
    refundLines: number;
    contactLines: number;
    framed?: boolean;
  },
): number {
  const pad = at.framed ? 10 : 0;
  const inner = { x: at.x + pad, y: at.y + pad, width: at.width - 2 * pad };
  const labelSize = at.size * 0.85;
  const leading = at.size * 1.3;
  const section = (label: string, x: number, y: number, draw: (baseline: number) => number): number => {
    drawText(sheet, label, x, y + labelSize, { size: labelSize, bold: true, color: COLORS.muted, spacing: 0.5 });
    return draw(y + labelSize + at.size + 3);
  };
  const hasRefund = terms.refundPolicy !== null;
  const hasContact = terms.contact.length > 0;
  const gap = 16;
  const twoColumns = at.columns === 2 && hasRefund && hasContact;
  const refundWidth = twoColumns ? inner.width * 0.6 - gap / 2 : inner.width;
  const contactX = twoColumns ? inner.x + refundWidth + gap : inner.x;
  const contactWidth = twoColumns ? inner.width - refundWidth - gap : inner.width;
  const commands = sheet.commands.length;
  let bottom = inner.y;
  let contactY = inner.y;
  if (hasRefund) {
    const last = section(labels.refund, inner.x, inner.y, (baseline) =>
      paragraph(
        sheet,
        terms.refundPolicy as string,
        { x: inner.x, baseline, width: refundWidth, leading, maxLines: at.refundLines },
        { size: at.size },
      ),
    );
    bottom = last + at.size * 0.4;
    if (!twoColumns) contactY = bottom + 8;
  }
  if (hasContact) {
    const last = section(labels.support, contactX, contactY, (first) => {
      let baseline = first - leading;
      for (const line of terms.contact) {
        baseline = paragraph(
          sheet,
          line,
          { x: contactX, baseline: baseline + leading, width: contactWidth, leading, maxLines: at.contactLines },
          { size: at.size },
        );
      }
      return baseline;
    });
    bottom = Math.max(bottom, last + at.size * 0.4);
  }
  bottom += pad;
  if (at.framed) {
    // The frame goes under the text: insert it before the commands the block queued.
    const frame: DrawCommand = (painter, top) => {
      painter.rect(at.x, top(bottom), at.width, bottom - at.y, COLORS.paper, COLORS.line);
    };
    sheet.commands.splice(commands, 0, frame);
  }
  return bottom;
}

/**
 * A record copy's stamp: the word in large red capitals, rotated across the middle of the page, semi
 * transparent so the copy stays readable. Real text (not outlines), so the stamp is in the copy's text.
 */
export function stampAcross(stamp: StampContent, page: { width: number; center: number }): DrawCommand {
  return (painter, top) => {
    const bold = face(true);
    const angle = 30;
    // Size the word so that its rotated extent fits 80 % of the page width.
    const unit = widthOf(bold, stamp.word, 1);
    const size = Math.min(110, (page.width * 0.8) / (unit * Math.cos((angle * Math.PI) / 180)));
    const length = unit * size;
    const radians = (angle * Math.PI) / 180;
    const x = page.width / 2 - (length / 2) * Math.cos(radians) + size * 0.35 * Math.sin(radians);
    const y = top(page.center) - (length / 2) * Math.sin(radians) - size * 0.35 * Math.cos(radians);
    painter.rotatedText(stamp.word, x, y, bold, size, COLORS.stamp, angle, 0.28);
  };
}

/** The band that replaces the barcode on a record copy: the stamp word and why it cannot be paid. */
export function recordBand(
  sheet: Sheet,
  stamp: StampContent,
  noBarcode: string,
  at: { x: number; y: number; width: number; size: number },
): number {
  const options: TextOptions = { size: at.size, bold: true, align: 'center', color: COLORS.stamp };
  const word = { size: at.size * 2.2, bold: true, align: 'center', color: COLORS.stamp, spacing: 2 } as const;
  const note = wrapClamped(sheet, stamp.note, at.width - 20, { size: at.size }, 3);
  const code = wrapClamped(sheet, noBarcode, at.width - 20, options, 2);
  const height = at.size * (2.6 + (note.length + code.length) * 1.35 + 1.1);
  drawBox(sheet, { x: at.x, y: at.y, width: at.width, height }, COLORS.paper, COLORS.stamp);
  const center = at.x + at.width / 2;
  let baseline = at.y + at.size * 2.6;
  drawText(sheet, stamp.word, center, baseline, word);
  for (const line of note) {
    baseline += at.size * 1.35;
    drawText(sheet, line, center, baseline, { size: at.size, align: 'center' });
  }
  for (const line of code) {
    baseline += at.size * 1.35;
    drawText(sheet, line, center, baseline, options);
  }
  return at.y + height;
}
