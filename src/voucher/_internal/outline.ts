/**
 * Text as filled OCR-B outlines (bwip-js's built-in font), for the watermark and the microtext:
 * paths, not text, so they cannot be selected, copied or edited as text and stay out of text
 * extraction. Each glyph is its own small vector symbol, cached for the process (printable ASCII
 * only, so at most 95 entries) and stored once per document; a line of text is a list of glyph
 * placements.
 */
import bwipjs from 'bwip-js';
import { createLru } from './lru.js';
import type { VectorSymbol } from './symbols.js';

/** Outlines are requested at 100 units per em and scaled when placed. */
export const EM = 100;

/** One glyph placed on a line, `x` units from the line's start. */
export interface PlacedGlyph {
  code: number;
  x: number;
  symbol: VectorSymbol;
}

/** A line of outlined text: its glyphs and its advance width, in units of {@link EM}. */
export interface OutlineLine {
  text: string;
  width: number;
  glyphs: PlacedGlyph[];
}

const glyphCache = createLru<{ symbol: VectorSymbol | null; advance: number } | null>(128);

// Coordinates are rounded to 1/100 em (0.1 pt at 10 pt): half the bytes of two decimals, invisible
// at watermark and microtext sizes.
function num(value: number): string {
  return String(Math.round(value));
}

function glyph(code: number): { symbol: VectorSymbol | null; advance: number } | null {
  return glyphCache.get(String(code), () => {
    const paths = bwipjs.FontLib.getpaths(bwipjs.FontLib.lookup('OCR-B'), code, EM, EM);
    if (!paths) return null;
    let ops = '';
    let cx = 0;
    let cy = 0;
    for (const segment of paths) {
      if (segment.type === 'M' || segment.type === 'L') {
        ops += `${num(segment.x)} ${num(segment.y)} ${segment.type === 'M' ? 'm' : 'l'} `;
      } else if (segment.type === 'Q') {
        // A quadratic Bézier is the cubic whose control points sit 2/3 of the way to its control point.
        const c1x = cx + (2 / 3) * (segment.cx - cx);
        const c1y = cy + (2 / 3) * (segment.cy - cy);
        const c2x = segment.x + (2 / 3) * (segment.cx - segment.x);
        const c2y = segment.y + (2 / 3) * (segment.cy - segment.y);
        ops += `${num(c1x)} ${num(c1y)} ${num(c2x)} ${num(c2y)} ${num(segment.x)} ${num(segment.y)} c `;
      } else {
        ops += `${num(segment.cx1)} ${num(segment.cy1)} ${num(segment.cx2)} ${num(segment.cy2)} ${num(segment.x)} ${num(segment.y)} c `;
      }
      cx = segment.x;
      cy = segment.y;
    }
    const symbol: VectorSymbol | null =
      paths.length === 0
        ? null
        : {
            ops: `${ops}h f`,
            width: paths.advance,
            height: EM,
            bottom: -EM * 0.3,
            box: [-EM * 0.2, -EM * 0.3, EM * 1.2, EM],
          };
    return { symbol, advance: paths.advance };
  });
}

/** Lay out `text` (printable ASCII; anything else is skipped) as outline glyphs on one line. */
export function outlineLine(text: string): OutlineLine {
  const glyphs: PlacedGlyph[] = [];
  let x = 0;
  for (const char of text) {
    const code = char.charCodeAt(0);
    const shape = code >= 32 && code < 127 ? glyph(code) : null;
    if (!shape) continue;
    if (shape.symbol) glyphs.push({ code, x, symbol: shape.symbol });
    x += shape.advance;
  }
  return { text, width: Math.max(1, x), glyphs };
}
