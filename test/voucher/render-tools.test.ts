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
  const symbols = scan(`${file}.png`);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', `${file}.pdf`, '-'], { encoding: 'utf8' });
  const check = execFileSync('qpdf', ['--check', `${file}.pdf`], { encoding: 'utf8' });
  return { symbols, text, check, pdf };
}

/** Every symbol zbarimg decodes; none (exit status 4) is an empty list, not an error. */
function scan(png: string): string[] {
  try {
    return execFileSync('zbarimg', ['-q', png], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter(Boolean);
  } catch (error) {
    if ((error as { status?: number }).status === 4) return [];
    throw error;
  }
}

interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** The page box and every word with its box, from `pdftotext -bbox` (points, origin top-left). */
function layoutOf(pdf: Uint8Array): { width: number; height: number; words: Word[] } {
  const file = path.join(folder, `bbox-${++counter}.pdf`);
  writeFileSync(file, pdf);
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  const page = /<page width="([\d.]+)" height="([\d.]+)">/.exec(html);
  const words = [
    ...html.matchAll(/<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<\/word>/g),
  ].map((match) => ({
    xMin: Number(match[1]),
    yMin: Number(match[2]),
    xMax: Number(match[3]),
    yMax: Number(match[4]),
    text: match[5] as string,
  }));
  return { width: Number(page?.[1]), height: Number(page?.[2]), words };
}

/** Assert every word lies inside the page and no two words overlap (a collision of laid-out texts). */
function expectContained(pdf: Uint8Array, ignore: readonly string[] = []): void {
  const { width, height, words } = layoutOf(pdf);
  expect(words.length).toBeGreaterThan(40);
  for (const word of words) {
    expect(word.xMin, word.text).toBeGreaterThanOrEqual(0);
    expect(word.yMin, word.text).toBeGreaterThanOrEqual(0);
    expect(word.xMax, word.text).toBeLessThanOrEqual(width);
    expect(word.yMax, word.text).toBeLessThanOrEqual(height);
  }
  // pdftotext splits rotated text (a record copy's stamp) into pieces: drop any piece of an ignored word.
  const laid = words.filter((word) => !ignore.some((ignored) => ignored.includes(word.text)));
  const tolerance = 0.5;
  for (const [index, a] of laid.entries()) {
    for (const b of laid.slice(index + 1)) {
      const overlapX = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
      const overlapY = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
      const collide = overlapX > tolerance && overlapY > tolerance;
      expect(collide, `"${a.text}" overlaps "${b.text}"`).toBe(false);
    }
  }
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
          'Código de verificación del comercio',
          'No sirve para pagar.',
          '¿Cómo pagar?',
          '¿Dónde pagar?',
          'Banca por internet y apps',
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

    it.each(['a4', 'receipt'] as const)(
      '%s: prints the concept stored on the code; an explicit option wins',
      async (layout) => {
        const stored = { ...CODE, paymentConcept: 'Suscripción anual Ñandú' };
        const { text } = await inspect(stored, { ...OPTIONS, layout });
        expect(text).toContain('CONCEPTO');
        expect(text).toContain('Suscripción anual Ñandú');
        const overridden = (await inspect(stored, { ...OPTIONS, layout, paymentConcept: 'Pedido #9' })).text;
        expect(overridden).toContain('Pedido #9');
        expect(overridden).not.toContain('Suscripción anual');
        expect((await inspect(CODE, { ...OPTIONS, layout })).text).not.toContain('CONCEPTO');
      },
    );

    it.each(['a4', 'receipt'] as const)('%s: a configured ¿Dónde pagar? list replaces the default', async (layout) => {
      const whereToPay = [{ title: 'Agentes KasNet', detail: 'Más de 10 000 agentes en todo el Perú.' }];
      const { text } = await inspect(CODE, { ...OPTIONS, layout, whereToPay });
      expect(text).toContain('Agentes KasNet');
      expect(text).not.toContain('Banca por internet y apps');
    });

    const LONG_MERCHANT = {
      name: 'Comercializadora Internacional de Productos Andinos y Amazónicos Ñandú Sociedad Anónima Cerrada',
      refundPolicy:
        `Puedes pedir la devolución hasta 30 días después del pago escribiendo a soporte; el reembolso se procesa en un plazo de 5 a 10 días hábiles. ${'Condiciones adicionales aplican según el producto y el medio de pago. '.repeat(12)}`.trim(),
      contact: {
        phone: '+51 1 700-1234 anexo 5678 (central)',
        email: 'atencion.al.cliente.devoluciones@comercializadora-nandu-peru.example.pe',
        web: `https://comercializadora-nandu-peru.example.pe/ayuda/devoluciones/politica-completa/${'x'.repeat(90)}`,
      },
      supportHours: 'Lunes a viernes de 8:00 a 20:00, sábados de 9:00 a 13:00; domingos y feriados cerrado.',
    };
    const LONG_STEPS = Array.from(
      { length: 6 },
      (_, index) => `Paso ${index + 1}: ${'instrucción detallada para el comprador con el código {cip} '.repeat(3)}`,
    );
    const LONG_PLACES = Array.from({ length: 4 }, (_, index) => ({
      title: `Canal de pago número ${index + 1} con un nombre larguísimo para probar`,
      detail: 'Descripción del canal con horarios, montos máximos y condiciones particulares. '.repeat(2).trim(),
    }));

    it.each(['a4', 'receipt'] as const)(
      '%s: the merchant block shows refund policy, contact and hours; nothing leaves the page or collides',
      async (layout) => {
        const merchant = {
          name: 'Tienda Ñandú S.A.C.',
          refundPolicy: 'Devoluciones hasta 7 días después del pago; el reembolso se procesa en 5 días hábiles.',
          contact: { phone: '+51 1 700-1234', email: 'ayuda@nandu.pe', web: 'nandu.pe/ayuda' },
          supportHours: 'Lunes a sábado, 9:00–18:00',
        };
        const { symbols, text, check, pdf } = await inspect(CODE, { ...OPTIONS, layout, merchant });
        await expectScannable(CODE, symbols);
        const flat = text.replace(/\s+/g, ' ');
        for (const expected of [
          'POLÍTICA DE DEVOLUCIONES',
          'el reembolso se procesa en 5 días hábiles.',
          'ATENCIÓN AL CLIENTE',
          'Tel. +51 1 700-1234',
          'ayuda@nandu.pe',
          'nandu.pe/ayuda',
          'Horario: Lunes a sábado, 9:00–18:00',
        ]) {
          expect(flat).toContain(expected);
        }
        expect(check).toContain('No syntax or stream encoding errors found');
        expectContained(pdf);
      },
    );

    it.each(['a4', 'receipt'] as const)(
      '%s: the longest merchant texts, steps and places wrap or end with an ellipsis, inside the page',
      async (layout) => {
        const code = { ...CODE, paymentConcept: 'Concepto '.repeat(15).trim() };
        const options = {
          ...OPTIONS,
          layout,
          merchant: LONG_MERCHANT,
          instructions: LONG_STEPS,
          whereToPay: LONG_PLACES,
        };
        const { symbols, text, check, pdf } = await inspect(code, options);
        await expectScannable(code, symbols);
        const flat = text.replace(/\s+/g, ' ');
        expect(flat).toContain('Puedes pedir la devolución hasta 30 días después del pago');
        expect(flat).toContain('…');
        expect(flat).toContain('Tel. +51 1 700-1234');
        expect(flat).toContain('Paso 6:');
        expect(flat).toContain('Canal de pago número 4');
        // The footer is still there, after everything else.
        expect(flat).toContain('Conserva este comprobante hasta completar tu pago.');
        expect(check).toContain('No syntax or stream encoding errors found');
        expectContained(pdf);
        if (layout === 'a4') {
          const { words } = layoutOf(pdf);
          const footer = words.find((word) => word.text === 'Conserva');
          const above = words.filter((word) => word !== footer && word.yMax > (footer?.yMin ?? 0) - 2);
          // Below the footer rule only the footer's own lines remain.
          expect(above.every((word) => word.yMin >= (footer?.yMin ?? 0) - 1)).toBe(true);
        }
      },
    );

    it.each(['a4', 'receipt'] as const)(
      '%s: record copies are stamped PAGADO / VENCIDO / ANULADO and carry no barcode or QR',
      async (layout) => {
        const { signing: _signing, ...unsigned } = OPTIONS;
        const cases = [
          {
            code: { ...CODE, status: 'paid' as const, payment: { paidAt: CREATED } },
            word: 'PAGADO',
            note: 'ya fue pagado',
          },
          { code: { ...CODE, status: 'expired' as const }, word: 'VENCIDO', note: 'venció' },
          { code: CODE, word: 'VENCIDO', note: 'venció', now: () => new Date(CODE.expiresAt.getTime() + 1) },
          { code: { ...CODE, status: 'cancelled' as const }, word: 'ANULADO', note: 'fue anulado' },
        ];
        for (const entry of cases) {
          const options = { ...unsigned, layout, record: true, now: entry.now ?? unsigned.now };
          const { symbols, text, check, pdf } = await inspect(entry.code, options);
          expect(symbols).toEqual([]);
          expect(await readVoucherToken(pdf)).toBeNull();
          const flat = text.replace(/\s+/g, ' ');
          expect(flat).toContain(entry.word);
          expect(flat).toContain(entry.note);
          expect(flat).toContain('NO SIRVE PARA PAGAR');
          expect(flat).toContain('2748391');
          expect(flat).not.toContain('¿Cómo pagar?');
          expect(flat).not.toContain('Código de verificación del comercio');
          expect(check).toContain('No syntax or stream encoding errors found');
          // The big rotated stamp overlaps the page on purpose; everything else must not collide.
          expectContained(pdf, [entry.word]);
        }
      },
    );

    it('transliterates names Helvetica cannot encode', async () => {
      const code = { ...CODE, payer: { firstName: 'Ödön', lastName: 'Kővári 😀 中' } };
      const { symbols, text } = await inspect(code, OPTIONS);
      await expectScannable(code, symbols);
      expect(text).toContain('Ödön Kovári ?');
    });
  });
}
