/**
 * A page described top-down before it exists: layouts measure text with the standard fonts' metrics
 * and queue drawing commands with distances from the top edge; {@link paintSheet} then creates the
 * page at the final height (the receipt layout only knows its height at the end) and replays the
 * commands into one content stream (`painter.ts`). Text is drawn with the standard Helvetica faces
 * (WinAnsi, never embedded).
 */
import { type Color, type PDFDocument, type PDFPage, rgb } from 'pdf-lib';
import { face, widthOf } from './fonts.js';
import { createPainter, type Painter } from './painter.js';

/** One queued drawing command; `top` converts a distance from the top edge into a PDF y. */
export type DrawCommand = (painter: Painter, top: (distance: number) => number) => void;

/** A page being laid out. */
export interface Sheet {
  readonly doc: PDFDocument;
  readonly width: number;
  readonly commands: DrawCommand[];
}

/** The palette: ink, muted ink, hairlines, card fill and the brand yellow. */
export const COLORS: Record<
  'ink' | 'muted' | 'line' | 'card' | 'brand' | 'brandInk' | 'notice' | 'paper' | 'stamp',
  Color
> = {
  ink: rgb(0.11, 0.13, 0.17),
  paper: rgb(1, 1, 1),
  muted: rgb(0.42, 0.45, 0.5),
  line: rgb(0.86, 0.87, 0.89),
  card: rgb(0.955, 0.96, 0.965),
  brand: rgb(1, 0.8, 0),
  brandInk: rgb(0.16, 0.13, 0),
  notice: rgb(1, 0.965, 0.85),
  // Record-copy stamps: an ink red, so a copy never passes for a voucher at a glance.
  stamp: rgb(0.75, 0.08, 0.1),
};

/** Options of {@link drawText}. */
export interface TextOptions {
  size: number;
  bold?: boolean;
  color?: Color;
  align?: 'left' | 'center' | 'right';
  /** Extra space between characters, in points. */
  spacing?: number;
}

/** Width of `text` in points, including letter spacing. */
export function textWidth(_sheet: Sheet, text: string, options: TextOptions): number {
  return (
    widthOf(face(options.bold === true), text, options.size) + (options.spacing ?? 0) * Math.max(0, text.length - 1)
  );
}

/** Queue one line of text whose baseline is `baseline` points below the top edge. */
export function drawText(sheet: Sheet, text: string, x: number, baseline: number, options: TextOptions): void {
  const width = textWidth(sheet, text, options);
  const left = options.align === 'center' ? x - width / 2 : options.align === 'right' ? x - width : x;
  const font = face(options.bold === true);
  const color = options.color ?? COLORS.ink;
  sheet.commands.push((painter, top) => {
    painter.text(text, left, top(baseline), font, options.size, color, options.spacing ?? 0);
  });
}

/** Queue a filled (optionally stroked) rectangle whose upper edge is `y` points below the top. */
export function drawBox(
  sheet: Sheet,
  box: { x: number; y: number; width: number; height: number },
  fill: Color | undefined,
  border?: Color,
): void {
  sheet.commands.push((painter, top) => {
    painter.rect(box.x, top(box.y + box.height), box.width, box.height, fill, border);
  });
}

/** Split `text` into lines no wider than `maxWidth` (words longer than a line are cut). */
export function wrapText(sheet: Sheet, text: string, maxWidth: number, options: TextOptions): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(sheet, candidate, options) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (textWidth(sheet, line, options) > maxWidth && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && textWidth(sheet, line.slice(0, cut), options) > maxWidth) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * `text` wrapped to `maxWidth` and cut to at most `maxLines` lines; when text is left over, the last
 * line ends with an ellipsis (so a reader knows it was cut).
 */
export function wrapClamped(
  sheet: Sheet,
  text: string,
  maxWidth: number,
  options: TextOptions,
  maxLines: number,
): string[] {
  const lines = wrapText(sheet, text, maxWidth, options);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(1, maxLines));
  const last = kept.length - 1;
  kept[last] = fitText(sheet, `${kept[last]}…`, maxWidth, options);
  return kept;
}

/** The largest bold font size up to `max` at which `text` fits in `maxWidth`. */
export function fitSize(_sheet: Sheet, text: string, maxWidth: number, max: number): number {
  const width = widthOf(face(true), text, max);
  return width <= maxWidth ? max : Math.floor((max * maxWidth * 10) / width) / 10;
}

/** `text` shortened with an ellipsis so it fits in `maxWidth`. */
export function fitText(sheet: Sheet, text: string, maxWidth: number, options: TextOptions): string {
  if (textWidth(sheet, text, options) <= maxWidth) return text;
  let end = text.length;
  while (end > 1 && textWidth(sheet, `${text.slice(0, end).trimEnd()}…`, options) > maxWidth) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}

/** Create the page at `height` points and replay every queued command into its content stream. */
export function paintSheet(sheet: Sheet, height: number, background: DrawCommand[] = []): PDFPage {
  const page = sheet.doc.addPage([sheet.width, height]);
  const painter = createPainter(sheet.doc);
  const top = (distance: number): number => height - distance;
  for (const command of background) command(painter, top);
  for (const command of sheet.commands) command(painter, top);
  painter.finish(page);
  return page;
}
