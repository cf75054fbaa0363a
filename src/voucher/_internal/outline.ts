/**
 * Text as filled OCR-B outlines (bwip-js's built-in font, as a generated table), for the watermark and the microtext:
 * paths, not text, so they cannot be selected, copied or edited as text and stay out of text
 * extraction. Each glyph is its own small vector symbol, cached for the process (printable ASCII
 * only, so at most 95 entries) and stored once per document; a line of text is a list of glyph
 * placements.
 */
import { createLru } from './lru.js';
import { OCRB_OUTLINES } from './ocrb-outlines.js';
import type { VectorSymbol } from './symbols.js';

/** Outlines are at 100 units per em and scaled when placed. */
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

// The outlines come from a generated table (scripts/ocrb-outlines.mjs reads bwip-js's OCR-B font):
// reaching the font at run time needs bwip-js's default export, which links all its encoders.
function glyph(code: number): { symbol: VectorSymbol | null; advance: number } | null {
  return glyphCache.get(String(code), () => {
    const entry = OCRB_OUTLINES[code];
    if (!entry) return null;
    const [advance, ops] = entry;
    const symbol: VectorSymbol | null =
      ops === ''
        ? null
        : { ops, width: advance, height: EM, bottom: -EM * 0.3, box: [-EM * 0.2, -EM * 0.3, EM * 1.2, EM] };
    return { symbol, advance };
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
