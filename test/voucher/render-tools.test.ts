/**
 * End-to-end checks with the tools a bank or a buyer's phone would use: rasterise at 100 dpi with
 * poppler's pdftoppm, decode with zbarimg, extract text with pdftotext, check structure with qpdf.
 * Without the tools (apt: poppler-utils zbar-tools qpdf), ONE visible skipped test names them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type RenderVoucherOptions,
  readVoucherToken,
  renderVoucher,
  type VoucherCode,
} from '../../src/voucher/index.js';
import { verifyVoucherToken } from '../../src/voucher/token.js';
import { CODE, CREATED, KEYS, OPTIONS } from './fixtures.js';

const TOOLS = ['pdftoppm', 'zbarimg', 'pdftotext', 'qpdf'];
const missing = TOOLS.filter((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});

const folder = mkdtempSync(path.join(tmpdir(), 'pek-voucher-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let counter = 0;

async function inspect(
  code: VoucherCode,
  options: RenderVoucherOptions,
): Promise<{ symbols: string[]; text: string; check: string; pdf: Uint8Array }> {
  const file = path.join(folder, `voucher-${++counter}`);
  const pdf = await renderVoucher(code, options);
  writeFileSync(`${file}.pdf`, pdf);
  execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', `${file}.pdf`, file]);
  const symbols = execFileSync('zbarimg', ['-q', `${file}.png`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .split('\n')
    .filter(Boolean);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', `${file}.pdf`, '-'], { encoding: 'utf8' });
  const check = execFileSync('qpdf', ['--check', `${file}.pdf`], { encoding: 'utf8' });
  return { symbols, text, check, pdf };
}

async function expectScannable(code: VoucherCode, symbols: string[]): Promise<void> {
  expect(symbols).toContain(`CODE-128:${code.cip}`);
  const qr = symbols.find((symbol) => symbol.startsWith('QR-Code:'));
  const verified = await verifyVoucherToken((qr as string).slice('QR-Code:'.length), { [KEYS.kid]: KEYS.publicKey });
  expect(verified.claims).toMatchObject({
    cip: code.cip,
    orderId: code.orderId,
    amountMinor: code.amountMinor,
    currency: code.currency,
  });
}

if (missing.length > 0) {
  describe('voucher rendering with poppler, zbar and qpdf', () => {
    it.skip(`needs ${missing.join(', ')} (apt-get install poppler-utils zbar-tools qpdf)`, () => {});
  });
} else {
  describe('voucher rendering with poppler, zbar and qpdf', () => {
    it.each(['a4', 'receipt'] as const)(
      '%s: barcodes decode at 100 dpi, text extracts, structure checks',
      async (layout) => {
        const { symbols, text, check } = await inspect(CODE, { ...OPTIONS, layout, paymentConcept: 'Pedido web #123' });
        await expectScannable(CODE, symbols);
        for (const expected of [
          'José Ñúñez Peña',
          'S/ 149.90',
          'CÓDIGO DE PAGO (CIP)',
          '2748391',
          'ORDER-123',
          'Pedido web #123',
          'Tienda Ñandú S.A.C.',
          'Lunes 30 de noviembre de 2026, 23:59 (hora de Lima)',
          'Paga el monto exacto; no se aceptan pagos parciales.',
          'Verificación digital',
          '¿Cómo pagar?',
          'BCP, BBVA, Interbank, Scotiabank',
        ]) {
          expect(text.replace(/\s+/g, ' ')).toContain(expected);
        }
        expect(check).toContain('No syntax or stream encoding errors found');
      },
    );

    it.each(['a4', 'receipt'] as const)('%s: a 14-digit CIP in dollars, in English, still scans', async (layout) => {
      const code = { ...CODE, cip: '27483910012345', amountMinor: 4000, currency: 'USD' as const };
      const { symbols, text } = await inspect(code, { ...OPTIONS, layout, locale: 'en-US', creationDate: CREATED });
      await expectScannable(code, symbols);
      expect(text).toContain('US$ 40.00');
      expect(text).toContain('PAYMENT CODE (CIP)');
      expect(text).toContain('Monday, November 30, 2026, 11:59 PM (Lima time)');
    });

    it('decodes the QR code byte-identical to the signed token for varied codes, at 100 dpi', async () => {
      const codes: VoucherCode[] = [
        { ...CODE, cip: '1', orderId: 'A' },
        { ...CODE, cip: '27483910012345', orderId: 'ORDER-2026-11-000123', amountMinor: 99999999 },
        { ...CODE, cip: '9000001', orderId: 'pedido_ñandú/ÄÖ#42', currency: 'USD' as const },
        { ...CODE, cip: '5551234', orderId: 'x'.repeat(64) },
      ];
      for (const [index, code] of codes.entries()) {
        const layout = index % 2 === 0 ? 'a4' : 'receipt';
        const { symbols, check, pdf } = await inspect(code, { ...OPTIONS, layout });
        const token = await readVoucherToken(pdf);
        expect(token).toMatch(/^[\w.-]{100,}$/);
        expect(symbols).toContain(`QR-Code:${token}`);
        expect(symbols).toContain(`CODE-128:${code.cip}`);
        expect(check).toContain('No syntax or stream encoding errors found');
        expect(pdf.length).toBeLessThanOrEqual(25 * 1024);
      }
    });

    it('transliterates names Helvetica cannot encode', async () => {
      const code = { ...CODE, payer: { firstName: 'Ödön', lastName: 'Kővári 😀 中' } };
      const { symbols, text } = await inspect(code, OPTIONS);
      await expectScannable(code, symbols);
      expect(text).toContain('Ödön Kovári ?');
    });
  });
}
