/**
 * Anti-forgery marks. Both are drawn as OCR-B glyph outlines (paths, not text), so they cannot be
 * selected or edited as text and never pollute text extraction of the voucher's real content.
 *
 * - Watermark: the order id, CIP and expiry repeated diagonally across the page, faint and
 *   semi-transparent. Copies are tiled along the rotated text direction, spaced by the text's own
 *   width plus a gap, with alternate rows shifted by half a step (a plain x/y grid makes rotated
 *   copies overlap).
 * - Microtext: a hairline-height line of repeated text that a photocopy or a re-typeset forgery turns
 *   into a grey smear; readable with a loupe on the original print.
 */
import { EM, outlineLine } from './outline.js';
import { num } from './painter.js';
import type { DrawCommand } from './sheet.js';
import { registerOutline } from './xobject.js';

/** Options of {@link watermark}. */
export interface WatermarkOptions {
  /** Width of the page in points (its height comes from the sheet). */
  pageWidth: number;
  /** Cap height-ish size of the text in points. */
  size: number;
  /** Rotation in degrees, counter-clockwise. */
  angle: number;
  /** Fill opacity, 0–1. */
  opacity: number;
  /** Gap between copies along a row, and between rows, in points. */
  gap: number;
  rowGap: number;
}

/** A background command that tiles `text` (ASCII) diagonally over the whole page. */
export function watermark(text: string, options: WatermarkOptions): DrawCommand {
  return (painter, top) => {
    const width = options.pageWidth;
    const height = top(0);
    const line = outlineLine(text);
    const ref = registerOutline(painter.doc, line);
    const scale = options.size / EM;
    const length = line.width * scale;
    const step = length + options.gap;
    const radians = (options.angle * Math.PI) / 180;
    const [cos, sin] = [Math.cos(radians), Math.sin(radians)];
    // Project the page corners on the text direction (u) and its normal (v) to bound the tiling.
    const corners = [
      [0, 0],
      [width, 0],
      [0, height],
      [width, height],
    ] as const;
    const us = corners.map(([x, y]) => x * cos + y * sin);
    const vs = corners.map(([x, y]) => -x * sin + y * cos);
    painter.raw(`q /${painter.opacity(options.opacity)} gs 0.25 g`);
    let row = 0;
    for (let v = Math.min(...vs); v <= Math.max(...vs) + options.rowGap; v += options.rowGap, row++) {
      const shift = row % 2 === 0 ? 0 : step / 2;
      for (let u = Math.min(...us) - step + shift; u <= Math.max(...us); u += step) {
        const x = u * cos - v * sin;
        const y = u * sin + v * cos;
        const endX = x + length * cos;
        const endY = y + length * sin;
        const outside =
          Math.max(x, endX) < -options.size ||
          Math.min(x, endX) > width + options.size ||
          Math.max(y, endY) < -options.size ||
          Math.min(y, endY) > height + options.size;
        if (!outside) painter.place(ref, [scale * cos, scale * sin, -scale * sin, scale * cos, x, y]);
      }
    }
    painter.raw('Q');
  };
}

/**
 * A command drawing `text` (ASCII) repeated along a line `width` points long, starting at `x`, with
 * its baseline `baseline` points below the top edge, glyphs `size` points high.
 */
export function microtext(
  text: string,
  line: { x: number; baseline: number; width: number; size: number },
): DrawCommand {
  return (painter, top) => {
    const unit = outlineLine(text);
    const ref = registerOutline(painter.doc, unit);
    const scale = line.size / EM;
    const step = unit.width * scale + line.size * 2;
    const y = top(line.baseline);
    painter.raw(`q ${num(line.x)} ${num(y - line.size)} ${num(line.width)} ${num(line.size * 2)} re W n 0.45 g`);
    for (let x = line.x; x < line.x + line.width; x += step) {
      painter.place(ref, [scale, 0, 0, scale, x, y]);
    }
    painter.raw('Q');
  };
}
