/**
 * Reading the voucher token from a PDF's bytes without parsing it (the support console's upload path):
 * the same token as the full parse on our vouchers, PDF string syntax, incremental updates, and a
 * compression bomb that is never inflated.
 */
import { deflateSync } from 'node:zlib';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { scanVoucherToken } from '../../src/voucher/_internal/raw-token.js';
import { readVoucherToken, renderVoucher } from '../../src/voucher/index.js';
import { CODE, OPTIONS } from './fixtures.js';

const pdf = (body: string) => new TextEncoder().encode(`%PDF-1.7\n${body}\n%%EOF\n`);

async function withInfo(set: (info: PDFDict) => void) {
  const doc = await PDFDocument.create();
  doc.addPage();
  set(doc.context.lookup(doc.context.trailerInfo.Info, PDFDict));
  return doc.save({ useObjectStreams: false });
}

describe('scanVoucherToken', () => {
  it.each(['a4', 'receipt'] as const)(
    'finds the same token as the full parse in a rendered %s voucher',
    async (layout) => {
      const bytes = await renderVoucher({ ...CODE, orderId: 'ORD-(x)\\y' }, { ...OPTIONS, layout });
      const token = await readVoucherToken(bytes);
      expect(token).toEqual(expect.any(String));
      expect(scanVoucherToken(bytes)).toBe(token);
    },
  );

  it('decodes literal escapes, balanced parentheses, hex strings and UTF-16 text like pdf-lib', async () => {
    for (const value of ['a(b)c', 'AQlkZW1v-_token.~', 'ñandú 漢字']) {
      const literal = await withInfo((info) => info.set(PDFName.of('PagoEfectivoKitToken'), PDFString.of(value)));
      expect(scanVoucherToken(literal)).toBe(await readVoucherToken(literal));
      const hex = await withInfo((info) => info.set(PDFName.of('PagoEfectivoKitToken'), PDFHexString.fromText(value)));
      expect(scanVoucherToken(hex)).toBe(value);
    }
    // pdf-lib writes tokens unescaped (they never hold parentheses or backslashes); other writers escape.
    expect(scanVoucherToken(pdf('<< /PagoEfectivoKitToken (oct\\141l\\\ncontinued) >>'))).toBe('octalcontinued');
    expect(scanVoucherToken(pdf('<< /PagoEfectivoKitToken (a\\)b\\\\c\\td) >>'))).toBe('a)b\\c\td');
  });

  it('takes the newest Info of an incremental update and ignores longer names and non-strings', () => {
    const updated = pdf('<< /PagoEfectivoKitToken (old) >>\n%%EOF\n<< /PagoEfectivoKitToken (new) >>');
    expect(scanVoucherToken(updated)).toBe('new');
    expect(scanVoucherToken(pdf('<< /PagoEfectivoKitTokenX (no) /PagoEfectivoKitToken 12 >>'))).toBeNull();
    expect(scanVoucherToken(pdf('<< /PagoEfectivoKitToken (unterminated'))).toBeNull();
  });

  it('answers not_pdf without a header, and null for a PDF without a token', async () => {
    expect(scanVoucherToken(Uint8Array.of(1, 2, 3))).toBe('not_pdf');
    expect(scanVoucherToken(new TextEncoder().encode(`${' '.repeat(2000)}%PDF-1.7`))).toBe('not_pdf');
    const blank = await PDFDocument.create();
    blank.addPage();
    expect(scanVoucherToken(await blank.save())).toBeNull();
  });

  it('never inflates a compressed stream: a bomb of 256 MB zeros is read as having no token', () => {
    const bomb = deflateSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
    const head = `%PDF-1.7\n1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`;
    const bytes = Buffer.concat([Buffer.from(head, 'latin1'), bomb, Buffer.from('\nendstream\nendobj\n%%EOF\n')]);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().rss;
    expect(scanVoucherToken(bytes)).toBeNull();
    // Reading never allocates anything near the inflated size.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });
});
