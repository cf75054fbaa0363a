/**
 * Find the voucher token in a PDF's bytes without parsing the PDF.
 *
 * A full parse (pdf-lib's `PDFDocument.load`) inflates every compressed stream of the file, so a
 * small upload crafted as a compression bomb costs gigabytes and tens of seconds. Vouchers are saved
 * without object streams (`render.ts`), so their Info dictionary, and the token in it, is plain text
 * in the file: reading that text is enough, and costs one pass over bytes already in memory. A file
 * whose token is compressed (re-saved by another tool) reads as having no token; the QR code or the
 * pasted token still verify it.
 */

/** The Info dictionary key of the token, as it appears in the file. */
const MARKER = '/PagoEfectivoKitToken';
/** Longest token we read (tokens are a few hundred characters). */
const MAX_TOKEN_CHARS = 4096;

/** `'not_pdf'` when the bytes have no PDF header, else the token or `null` when the file has none. */
export function scanVoucherToken(bytes: Uint8Array): string | null | 'not_pdf' {
  // latin1 maps every byte to one char, so positions stay byte positions and nothing is rejected.
  const text = new TextDecoder('latin1').decode(bytes);
  const header = text.indexOf('%PDF-');
  if (header < 0 || header > 1024) return 'not_pdf';
  // An incremental update appends a newer Info dictionary: the last one is the one readers show.
  let at = text.lastIndexOf(MARKER);
  while (at >= 0) {
    const after = text.charCodeAt(at + MARKER.length);
    // A longer name that starts with the marker is not ours.
    if (Number.isNaN(after) || !isNameChar(after)) {
      const value = readString(text, at + MARKER.length);
      if (value !== undefined) return value;
    }
    at = at === 0 ? -1 : text.lastIndexOf(MARKER, at - 1);
  }
  return null;
}

function isNameChar(code: number): boolean {
  // PDF delimiters and white space end a name; everything else continues it.
  return !(code <= 0x20 || '()<>[]{}/%'.includes(String.fromCharCode(code)));
}

/** The PDF string object (literal or hex) starting after white space at `from`, decoded. */
function readString(text: string, from: number): string | undefined {
  let i = from;
  while (i < text.length && text.charCodeAt(i) <= 0x20) i += 1;
  if (text[i] === '(') return readLiteral(text, i + 1);
  if (text[i] === '<' && text[i + 1] !== '<') return readHex(text, i + 1);
  return undefined;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };

function readLiteral(text: string, from: number): string | undefined {
  let out = '';
  let depth = 0;
  for (let i = from; i < text.length && out.length <= MAX_TOKEN_CHARS; i += 1) {
    const char = text[i] as string;
    if (char === '\\') {
      const next = text[i + 1] ?? '';
      if (next in ESCAPES) {
        out += ESCAPES[next];
        i += 1;
      } else if (/[0-7]/.test(next)) {
        const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))?.[0] ?? '';
        out += String.fromCharCode(Number.parseInt(octal, 8) & 0xff);
        i += octal.length;
      } else if (next === '\r' || next === '\n') {
        // A line continuation: the backslash and the end of line are not part of the string.
        i += next === '\r' && text[i + 2] === '\n' ? 2 : 1;
      }
      continue;
    }
    if (char === '(') depth += 1;
    if (char === ')') {
      if (depth === 0) return decodeText(out);
      depth -= 1;
    }
    out += char;
  }
  return undefined;
}

function readHex(text: string, from: number): string | undefined {
  const end = text.indexOf('>', from);
  if (end < 0 || end - from > MAX_TOKEN_CHARS * 4) return undefined;
  const digits = text.slice(from, end).replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(digits)) return undefined;
  const padded = digits.length % 2 === 1 ? `${digits}0` : digits;
  let out = '';
  for (let i = 0; i < padded.length; i += 2) out += String.fromCharCode(Number.parseInt(padded.slice(i, i + 2), 16));
  return decodeText(out);
}

/** PDF text strings are PDFDocEncoding (ASCII for tokens) or UTF-16BE with a byte-order mark. */
function decodeText(raw: string): string {
  if (raw.charCodeAt(0) === 0xfe && raw.charCodeAt(1) === 0xff) {
    let out = '';
    for (let i = 2; i + 1 < raw.length; i += 2)
      out += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
    return out;
  }
  return raw;
}
