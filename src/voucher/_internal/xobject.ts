/**
 * Vector drawings: barcodes go inline into the page's content stream; outlined text is made of
 * glyph Form XObjects (each compressed once per process, stored once per document) and a Form
 * XObject per line of text, placed with a transformation matrix however many times it appears.
 */
import type { PDFDocument, PDFRef } from 'pdf-lib';
import { EM, type OutlineLine } from './outline.js';
import type { Sheet } from './sheet.js';
import type { VectorSymbol } from './symbols.js';

// The compressed stream of a cached symbol is kept with the symbol itself, so it lives exactly as
// long as the symbol stays in its bounded cache (a re-rendered code does not compress it again).
const compressed = new WeakMap<VectorSymbol, Uint8Array>();
// A drawing placed several times in one document (microtext at the top and bottom) is stored once.
const registered = new WeakMap<PDFDocument, Map<VectorSymbol | string, PDFRef>>();

function documentRefs(doc: PDFDocument): Map<VectorSymbol | string, PDFRef> {
  let refs = registered.get(doc);
  if (!refs) {
    refs = new Map();
    registered.set(doc, refs);
  }
  return refs;
}

/** Register `symbol` as a Form XObject of `doc` (once per document) and return its reference. */
export function registerSymbol(doc: PDFDocument, symbol: VectorSymbol): PDFRef {
  const refs = documentRefs(doc);
  const known = refs.get(symbol);
  if (known) return known;
  const dict = {
    Type: 'XObject',
    Subtype: 'Form',
    BBox: symbol.box ?? [0, symbol.bottom, symbol.width, symbol.height],
  };
  const cached = compressed.get(symbol);
  const stream = cached
    ? doc.context.stream(cached, { ...dict, Filter: 'FlateDecode' })
    : doc.context.flateStream(symbol.ops, dict);
  if (!cached) compressed.set(symbol, stream.contents);
  const ref = doc.context.register(stream);
  refs.set(symbol, ref);
  return ref;
}

// Above this many distinct glyphs (long, varied order ids), one compressed stream with every glyph
// path inline is smaller than a glyph XObject each (~330 bytes apiece), though slower to compress.
const MAX_GLYPH_OBJECTS = 32;

/**
 * Register a line of outlined text as a Form XObject and return its reference. Usually the line
 * places the document's glyph XObjects (each glyph's stream is compressed once per process and
 * stored once per document); with more than {@link MAX_GLYPH_OBJECTS} distinct glyphs, the glyph
 * paths go inline into the line's own compressed stream instead, which keeps the file small.
 */
export function registerOutline(doc: PDFDocument, line: OutlineLine): PDFRef {
  const refs = documentRefs(doc);
  const key = `outline:${line.text}`;
  const known = refs.get(key);
  if (known) return known;
  const dict = { Type: 'XObject', Subtype: 'Form', BBox: [-EM, -EM, line.width + EM, EM] };
  const distinct = new Set(line.glyphs.map((glyph) => glyph.code));
  let stream: ReturnType<PDFDocument['context']['stream']>;
  if (distinct.size > MAX_GLYPH_OBJECTS) {
    let ops = '';
    for (const glyph of line.glyphs) ops += `q 1 0 0 1 ${Math.round(glyph.x)} 0 cm ${glyph.symbol.ops} Q\n`;
    stream = doc.context.flateStream(ops, dict);
  } else {
    const names: Record<string, PDFRef> = {};
    // Glyphs advance by relative translations (`Do` restores its own state, `cm` accumulates). The
    // stream stays uncompressed: ~25 bytes a glyph, cheaper than another deflate per document.
    let ops = '';
    let x = 0;
    for (const glyph of line.glyphs) {
      names[`G${glyph.code}`] = registerSymbol(doc, glyph.symbol);
      const step = Math.round(glyph.x) - x;
      ops += step === 0 ? `/G${glyph.code} Do\n` : `1 0 0 1 ${step} 0 cm /G${glyph.code} Do\n`;
      x += step;
    }
    stream = doc.context.stream(ops, { ...dict, Resources: { XObject: names } });
  }
  const ref = doc.context.register(stream);
  refs.set(key, ref);
  return ref;
}

/**
 * Queue `symbol` scaled into the box whose upper-left corner is `x`, `y` points below the top. Its
 * operators go straight into the page's content stream (compressed with it: one deflate less than
 * a Form XObject of its own).
 */
export function drawSymbol(
  sheet: Sheet,
  symbol: VectorSymbol,
  box: { x: number; y: number; width: number; height: number },
): void {
  sheet.commands.push((painter, top) => {
    const sx = box.width / symbol.width;
    const sy = box.height / (symbol.height - symbol.bottom);
    painter.inline(symbol.ops, [sx, 0, 0, sy, box.x, top(box.y + box.height) - symbol.bottom * sy]);
  });
}
