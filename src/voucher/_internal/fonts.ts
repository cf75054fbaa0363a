/**
 * The two standard faces (Helvetica, Helvetica-Bold) without pdf-lib's per-document font objects:
 * advance widths per WinAnsi code, read once per process from pdf-lib's AFM metrics, and the
 * encoding of text into the bytes of a PDF literal string.
 *
 * Widths are plain advance sums: `Tj` applies no kerning, so this is the width actually drawn.
 */
import { StandardFontEmbedder, StandardFonts } from 'pdf-lib';

/** A face: its PostScript name and 1/1000-em advance widths indexed by WinAnsi code. */
export interface Face {
  name: 'Helvetica' | 'Helvetica-Bold';
  widths: Float64Array;
}

// Windows-1252 codes 0x80–0x9F that WinAnsi defines, in the order of `CP1252_CHARS`.
const CP1252_CODES = [
  0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8e, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96,
  0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9e, 0x9f,
];
const CP1252_CHARS = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

let unicodeToWinAnsi: Map<number, number> | undefined;
const faces = new Map<string, Face>();

function winAnsiMap(): Map<number, number> {
  if (!unicodeToWinAnsi) {
    unicodeToWinAnsi = new Map();
    for (let code = 0x20; code <= 0x7e; code++) unicodeToWinAnsi.set(code, code);
    for (let code = 0xa0; code <= 0xff; code++) unicodeToWinAnsi.set(code, code);
    [...CP1252_CHARS].forEach((char, index) => {
      unicodeToWinAnsi?.set(char.codePointAt(0) as number, CP1252_CODES[index] as number);
    });
  }
  return unicodeToWinAnsi;
}

/** The metrics of Helvetica (`bold` false) or Helvetica-Bold. */
export function face(bold: boolean): Face {
  const name = bold ? 'Helvetica-Bold' : 'Helvetica';
  let known = faces.get(name);
  if (!known) {
    // pdf-lib's StandardFonts and the embedder's FontNames are the same strings under two enum types.
    const fontName = (bold ? StandardFonts.HelveticaBold : StandardFonts.Helvetica) as string;
    const embedder = StandardFontEmbedder.for(fontName as Parameters<typeof StandardFontEmbedder.for>[0]);
    const widths = new Float64Array(256);
    for (const [unicode, code] of winAnsiMap()) {
      widths[code] = embedder.widthOfTextAtSize(String.fromCodePoint(unicode), 1000);
    }
    known = { name, widths };
    faces.set(name, known);
  }
  return known;
}

/**
 * `text` as WinAnsi bytes, one char per byte (codes 0–255), for a PDF string. Characters WinAnsi
 * lacks become `?` (callers pass text through `toWinAnsi` first, so this does not happen).
 */
export function encodeWinAnsi(text: string): string {
  const map = winAnsiMap();
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += code >= 0x20 && code < 0x7f ? text[i] : String.fromCharCode(map.get(code) ?? 0x3f);
  }
  return out;
}

/** Width of `text` (WinAnsi-encodable) at `size` points in `font`. */
export function widthOf(font: Face, text: string, size: number): number {
  const map = winAnsiMap();
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    total += font.widths[code >= 0x20 && code < 0x7f ? code : (map.get(code) ?? 0x3f)] as number;
  }
  return (total * size) / 1000;
}

/** `bytes` (from {@link encodeWinAnsi}) as a PDF literal string. */
export function literal(bytes: string): string {
  return `(${bytes.replace(/[()\\]/g, '\\$&')})`;
}
