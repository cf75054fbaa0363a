/**
 * Barcodes as vector drawings, computed once per CIP or token and reused: bwip-js `raw()` gives the
 * bar/space widths of Code 128 (~0.1 ms); the QR module matrix comes from the SDK's own encoder
 * (`qr/`), because bwip-js's PostScript-derived QR encoder costs 7–30 ms per token. Each is a string
 * of PDF path operators in its own unit grid, drawn into the page with a matrix (`xobject.ts`).
 *
 * bwip-js gotcha: the NAMED export `raw` is the "raw" symbology encoder; the matrix/bar extractor is
 * the DEFAULT export's `raw` (`bwipjs.raw`), used here.
 */
import bwipjs from 'bwip-js';
import { createLru } from './lru.js';
import { encodeQr } from './qr/encode.js';

/** PDF path operators drawn in a `width` × `height` unit box (origin bottom-left). */
export interface VectorSymbol {
  ops: string;
  width: number;
  height: number;
  /** Lowest y of the drawing (negative for text descenders), for the XObject's bounding box. */
  bottom: number;
  /** Bounding box when the drawing may spill outside `0, bottom, width, height` (glyph outlines). */
  box?: readonly [number, number, number, number];
}

/** Quiet zones in modules: ISO/IEC 15417 asks 10 for Code 128, ISO/IEC 18004 asks 4 for QR. */
export const CODE128_QUIET = 10;
export const QR_QUIET = 4;

const code128Cache = createLru<VectorSymbol>(64);
const qrCache = createLru<VectorSymbol>(64);

/** Code 128 of `text`: white quiet zones, then one `re` per bar; height 1 unit, 1 unit per module. */
export function code128Symbol(text: string): VectorSymbol {
  return code128Cache.get(text, () => {
    const [symbol] = bwipjs.raw('code128', text, {}) as Array<{ sbs: number[] }>;
    const widths = symbol?.sbs ?? [];
    const total = widths.reduce((sum, width) => sum + width, 0) + 2 * CODE128_QUIET;
    let ops = `1 g 0 0 ${total} 1 re f 0 g\n`;
    let x = CODE128_QUIET;
    widths.forEach((width, index) => {
      if (index % 2 === 0) ops += `${x} 0 ${width} 1 re\n`;
      x += width;
    });
    return { ops: `${ops}f\n`, width: total, height: 1, bottom: 0 };
  });
}

/**
 * QR code of `text` (byte mode, error correction M or stronger when the version has room), from the
 * SDK's own encoder (`qr/encode.ts`, same matrix as bwip-js, ~20x faster): quiet zone, then one
 * `re` per run of dark modules. `text` must be Latin-1 (voucher tokens are ASCII).
 */
export function qrSymbol(text: string): VectorSymbol {
  return qrCache.get(text, () => {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    const { size: modules, modules: grid } = encodeQr(bytes, { level: 'M' });
    const size = modules + 2 * QR_QUIET;
    let ops = `1 g 0 0 ${size} ${size} re f 0 g\n`;
    for (let row = 0; row < modules; row++) {
      const y = size - QR_QUIET - row - 1;
      const offset = row * modules;
      let start = -1;
      for (let column = 0; column <= modules; column++) {
        const dark = column < modules && grid[offset + column] === 1;
        if (dark && start < 0) start = column;
        if (!dark && start >= 0) {
          ops += `${start + QR_QUIET} ${y} ${column - start} 1 re\n`;
          start = -1;
        }
      }
    }
    return { ops: `${ops}f\n`, width: size, height: size, bottom: 0 };
  });
}
