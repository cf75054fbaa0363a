import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/voucher/_internal/base64url.js';
import { toAscii, toWinAnsi } from '../../src/voucher/_internal/winansi.js';

describe('toWinAnsi', () => {
  it('keeps Spanish text intact', () => {
    expect(toWinAnsi('José Ñúñez Peña ¿Cómo? ¡Sí! «ü» – € …')).toBe('José Ñúñez Peña ¿Cómo? ¡Sí! «ü» – € …');
  });

  it('transliterates, drops emoji and replaces what has no equivalent', () => {
    expect(toWinAnsi('Ödön Kővári 😀 中')).toBe('Ödön Kovári ?');
    expect(toWinAnsi('Łódź şğąć 👍🏽 👨‍👩‍👧 x')).toBe('Lódz sgac x');
    expect(toWinAnsi('2 − 1 → ok\tnext\nline')).toBe('2 - 1 -> ok next line');
    expect(toWinAnsi('e\u0301')).toBe('é');
  });

  it('only ever returns characters WinAnsi can encode (fast-check)', () => {
    const cp1252 = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'].map((char) => char.codePointAt(0)));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const foreign = [...toWinAnsi(text)].filter((char) => {
          const code = char.codePointAt(0) as number;
          return !((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || cp1252.has(code));
        });
        expect(foreign).toEqual([]);
      }),
    );
  });

  it('reduces to printable ASCII for the outline watermark', () => {
    expect(toAscii('VÁLIDO – Ñandú 中')).toBe('VALIDO Nandu ?');
  });
});

describe('base64url', () => {
  it('round-trips any bytes (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(decodeBase64url(encodeBase64url(bytes))).toEqual(bytes);
        expect(encodeBase64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
    );
  });

  it('refuses padding, foreign characters, impossible lengths and non-zero trailing bits', () => {
    for (const bad of ['AA==', 'A+B/', 'A', 'AB', 'AAB', 'Zm9v!']) {
      expect(decodeBase64url(bad)).toBeNull();
    }
    expect(decodeBase64url('AA')).toEqual(Uint8Array.of(0));
  });
});
