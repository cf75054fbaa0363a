/**
 * Barcodes as vector drawings, computed once per CIP or token and reused: bwip-js's Code 128 encoder
 * draws its bars into a capturing drawing context (~0.1 ms); the QR module matrix comes from the SDK's own encoder
 * (`qr/`), because bwip-js's PostScript-derived QR encoder costs 7–30 ms per token. Each is a string
 * of PDF path operators in its own unit grid, drawn into the page with a matrix (`xobject.ts`).
 *
 * Only bwip-js's named `code128` encoder is used (`code128.ts`): its default export references every
 * encoder bwip-js has, so a bundler could not drop any of them (≈940 KB minified).
 */
import { drawCode128 } from './code128.js';
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

/**
 * The bars of `text`'s Code 128 as `[left, width]` in modules. bwip-js draws each bar as a vertical
 * line of width `lw` centred at `x` (rounded up to whole units at scale 1, so `left` is the floor).
 */
function code128Bars(text: string): { bars: Array<[number, number]>; width: number } {
  const bars: Array<[number, number]> = [];
  let width = 0;
  const capture = {
    setopts: (): void => undefined,
    scale: (sx: number, sy: number): [number, number] => [sx, sy],
    measure: (): { width: number; ascent: number; descent: number } => ({ width: 0, ascent: 0, descent: 0 }),
    init: (w: number): void => {
      width = w;
    },
    line: (x0: number, _y0: number, _x1: number, _y1: number, lw: number): void => {
      bars.push([Math.floor(x0 - lw / 2), lw]);
    },
    polygon: (): void => undefined,
    hexagon: (): void => undefined,
    ellipse: (): void => undefined,
    fill: (): void => undefined,
    clip: (): void => undefined,
    unclip: (): void => undefined,
    text: (): void => undefined,
    end: (): void => undefined,
  };
  drawCode128({ bcid: 'code128', text, scale: 1, height: 1 }, capture);
  bars.sort((a, b) => a[0] - b[0]);
  return { bars, width };
}

/** Code 128 of `text`: white quiet zones, then one `re` per bar; height 1 unit, 1 unit per module. */
export function code128Symbol(text: string): VectorSymbol {
  return code128Cache.get(text, () => {
    const { bars, width } = code128Bars(text);
    const total = width + 2 * CODE128_QUIET;
    let ops = `1 g 0 0 ${total} 1 re f 0 g\n`;
    for (const [left, bar] of bars) ops += `${CODE128_QUIET + left} 0 ${bar} 1 re\n`;
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
