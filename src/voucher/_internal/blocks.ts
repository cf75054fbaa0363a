/**
 * Building blocks shared by the A4 and receipt layouts. Each queues its drawing on the sheet and
 * returns the distance from the top edge where the next block may start.
 */
import type { PDFImage } from 'pdf-lib';
import { COLORS, drawBox, drawText, type Sheet, type TextOptions, wrapText } from './sheet.js';
import { code128Symbol, qrSymbol } from './symbols.js';
import { drawSymbol } from './xobject.js';

/** Queue wrapped text starting with its first baseline at `baseline`; returns the last baseline. */
export function paragraph(
  sheet: Sheet,
  text: string,
  at: { x: number; baseline: number; width: number; leading: number },
  options: TextOptions,
): number {
  const lines = wrapText(sheet, text, at.width, options);
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

/** Numbered steps with brand-coloured discs; returns the bottom of the last step. */
export function steps(
  sheet: Sheet,
  items: readonly string[],
  at: { x: number; y: number; width: number; size: number; gap: number; mono?: boolean },
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
      { x: textX, baseline, width: at.x + at.width - textX, leading: at.size * 1.35 },
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
