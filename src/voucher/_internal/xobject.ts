/**
 * Vector symbols as Form XObjects: drawn once per document as a flate-compressed content stream and
 * placed with a transformation matrix (a barcode is one object however many times it is placed).
 */
import {
  concatTransformationMatrix,
  drawObject,
  type PDFDocument,
  type PDFName,
  type PDFPage,
  type PDFRef,
  popGraphicsState,
  pushGraphicsState,
} from 'pdf-lib';
import { EM, type OutlineLine } from './outline.js';
import type { Sheet } from './sheet.js';
import type { VectorSymbol } from './symbols.js';

// The compressed stream of a cached symbol is kept with the symbol itself, so it lives exactly as
// long as the symbol stays in its bounded cache.
const compressed = new WeakMap<VectorSymbol, Uint8Array>();
// A symbol placed several times in one document (microtext at the top and bottom) is stored once.
const registered = new WeakMap<PDFDocument, Map<VectorSymbol, PDFRef>>();

/** Register `symbol` as a Form XObject on `page` and return its resource name. */
export function embedSymbol(doc: PDFDocument, page: PDFPage, symbol: VectorSymbol): PDFName {
  return page.node.newXObject('Sym', registerSymbol(doc, symbol));
}

function registerSymbol(doc: PDFDocument, symbol: VectorSymbol): PDFRef {
  let refs = registered.get(doc);
  if (!refs) {
    refs = new Map();
    registered.set(doc, refs);
  }
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

const lines = new WeakMap<PDFDocument, Map<string, PDFRef>>();

/**
 * Register a line of outlined text as a Form XObject that places the document's shared glyph
 * XObjects (each glyph is stored once per document however often it appears), and return its name.
 */
export function embedOutline(doc: PDFDocument, page: PDFPage, line: OutlineLine): PDFName {
  let refs = lines.get(doc);
  if (!refs) {
    refs = new Map();
    lines.set(doc, refs);
  }
  let ref = refs.get(line.text);
  if (!ref) {
    const names: Record<string, PDFRef> = {};
    let ops = '';
    for (const glyph of line.glyphs) {
      names[`G${glyph.code}`] = registerSymbol(doc, glyph.symbol);
      ops += `q 1 0 0 1 ${Math.round(glyph.x)} 0 cm /G${glyph.code} Do Q\n`;
    }
    const stream = doc.context.flateStream(ops, {
      Type: 'XObject',
      Subtype: 'Form',
      BBox: [-EM, -EM, line.width + EM, EM],
      Resources: { XObject: names },
    });
    ref = doc.context.register(stream);
    refs.set(line.text, ref);
  }
  return page.node.newXObject('Txt', ref);
}

/** Draw the XObject `name` with the matrix `[a b c d e f]` inside its own graphics state. */
export function placeSymbol(page: PDFPage, name: PDFName, matrix: readonly number[]): void {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = matrix;
  page.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(a, b, c, d, e, f),
    drawObject(name),
    popGraphicsState(),
  );
}

/** Queue `symbol` scaled into the box whose upper-left corner is `x`, `y` points below the top. */
export function drawSymbol(
  sheet: Sheet,
  symbol: VectorSymbol,
  box: { x: number; y: number; width: number; height: number },
): void {
  sheet.commands.push((page, top) => {
    const name = embedSymbol(sheet.doc, page, symbol);
    const sx = box.width / symbol.width;
    const sy = box.height / (symbol.height - symbol.bottom);
    placeSymbol(page, name, [sx, 0, 0, sy, box.x, top(box.y + box.height) - symbol.bottom * sy]);
  });
}
