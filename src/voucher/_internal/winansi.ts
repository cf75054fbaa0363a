/**
 * Make user text drawable with the standard Helvetica fonts, whose WinAnsi (Windows-1252) encoding
 * covers Spanish fully (á é í ó ú ü ñ ¿ ¡ …) but not, e.g., ő ł ş, emoji or CJK. pdf-lib throws on
 * such characters, so every string is passed through {@link toWinAnsi} first: it never throws.
 */

// Windows-1252 0x80–0x9F, the only non-Latin-1 characters WinAnsi can encode.
const CP1252_EXTRAS = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

let encodable: Set<number> | undefined;

function winAnsiSet(): Set<number> {
  if (!encodable) {
    encodable = new Set<number>();
    for (let code = 0x20; code <= 0x7e; code++) encodable.add(code);
    for (let code = 0xa0; code <= 0xff; code++) encodable.add(code);
    for (const char of CP1252_EXTRAS) encodable.add(char.codePointAt(0) as number);
  }
  return encodable;
}

// Letters that have no decomposition into a WinAnsi base letter plus accents.
const LOOKALIKES: Record<string, string> = {
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ħ: 'h',
  Ħ: 'H',
  ı: 'i',
  ŀ: 'l',
  Ŀ: 'L',
  ŧ: 't',
  Ŧ: 'T',
  ĸ: 'k',
  ŋ: 'n',
  Ŋ: 'N',
  ſ: 's',
  ƒ: 'f',
  Ə: 'E',
  ə: 'e',
  ȷ: 'j',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2212': '-',
  '\u2032': "'",
  '\u2033': '"',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2248': '~',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2260': '!=',
  '\u2713': 'v',
  '\u2714': 'v',
  '\u2022': '•',
  '\u00a0': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
  '\u2007': ' ',
};

// Emoji and their joiners and variation selectors are dropped rather than replaced.
const DROPPED = /\p{Extended_Pictographic}|\u200d|\ufe0e|\ufe0f|[\u{1f3fb}-\u{1f3ff}]|[\u{e0020}-\u{e007f}]/u;
const COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu;

/**
 * `text` with every character Helvetica/WinAnsi cannot encode transliterated (`Kővári` →
 * `Kovari`, `Łódź` → `Lodz`), dropped (emoji, control characters) or replaced by `?` (`中` → `?`).
 * Line breaks and tabs become single spaces.
 */
export function toWinAnsi(text: string): string {
  const allowed = winAnsiSet();
  let out = '';
  for (const char of String(text ?? '').normalize('NFC')) {
    const code = char.codePointAt(0) as number;
    if (allowed.has(code)) {
      out += char;
    } else if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029) {
      out += /[\t\n\r\u2028\u2029]/.test(char) ? ' ' : '';
    } else if (LOOKALIKES[char] !== undefined) {
      out += LOOKALIKES[char];
    } else if (DROPPED.test(char)) {
      // emoji: nothing
    } else {
      const base = char.normalize('NFD').replace(COMBINING, '');
      out += base.length > 0 && [...base].every((part) => allowed.has(part.codePointAt(0) as number)) ? base : '?';
    }
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

/** `text` reduced to printable ASCII (for the OCR-B outline watermark): accents stripped, the rest dropped. */
export function toAscii(text: string): string {
  return toWinAnsi(text)
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}
