import bwipjs from 'bwip-js';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { readVoucherToken, renderVoucher } from '../../src/voucher/index.js';
import { createVoucherToken, verifyVoucherToken } from '../../src/voucher/token.js';
import { CODE, CREATED, failure, JPEG, KEYS, OPTIONS } from './fixtures.js';

describe('renderVoucher', () => {
  it.each(['a4', 'receipt'] as const)('renders a compact %s PDF', async (layout) => {
    const pdf = await renderVoucher(CODE, { ...OPTIONS, layout });
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    expect(pdf.length).toBeLessThanOrEqual(25 * 1024);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    const { width, height } = doc.getPage(0).getSize();
    if (layout === 'a4') expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    else expect(Math.round((width / 72) * 25.4)).toBe(80);
    expect(doc.getTitle()).toBe('Comprobante de pago CIP 2748391');
    expect(doc.getAuthor()).toBe('Tienda Ñandú S.A.C.');
    expect(doc.getSubject()).toContain('ORDER-123');
    expect(doc.getCreationDate()).toEqual(CREATED);
  });

  it.each(['a4', 'receipt'] as const)('stays under 25 KB with the longest, most varied texts (%s)', async (layout) => {
    const code = {
      ...CODE,
      cip: '27483910012345',
      orderId: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/#.:+%&()abcdefghijklmnopq',
      amountMinor: 12_345_678_901,
      payer: { firstName: 'Maximiliano Alejandro José', lastName: 'Ñúñez de la Peña y Fernández-Cavada' },
    };
    const pdf = await renderVoucher(code, {
      ...OPTIONS,
      layout,
      paymentConcept: 'Concepto '.repeat(15).trim(),
      merchant: { name: 'Comercializadora Ñandú '.repeat(5).trim() },
    });
    expect(pdf.length).toBeLessThanOrEqual(25 * 1024);
  });

  it('is byte-identical for the same input and pinned creationDate', async () => {
    const first = await renderVoucher(CODE, OPTIONS);
    const second = await renderVoucher(CODE, OPTIONS);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    const later = await renderVoucher(CODE, { ...OPTIONS, creationDate: new Date(CREATED.getTime() + 1000) });
    expect(Buffer.from(later).equals(Buffer.from(first))).toBe(false);
  });

  it('stores a verifiable token in the metadata', async () => {
    const token = await readVoucherToken(await renderVoucher(CODE, { ...OPTIONS, layout: 'receipt' }));
    const verified = await verifyVoucherToken(token as string, { [KEYS.kid]: KEYS.publicKey }, { now: CREATED });
    expect(verified.claims).toMatchObject({
      cip: '2748391',
      orderId: 'ORDER-123',
      amountMinor: 14990,
      issuedAt: CREATED,
    });
    const blank = await PDFDocument.create();
    blank.addPage();
    expect(await readVoucherToken(await blank.save())).toBeNull();
    expect(await failure(readVoucherToken(Uint8Array.of(1, 2, 3)))).toBe('token_malformed');
  });

  it('renders names Helvetica cannot encode without throwing', async () => {
    const code = { ...CODE, payer: { firstName: 'Ödön', lastName: 'Kővári 😀 中' }, orderId: 'ORD-ł-😀' };
    for (const layout of ['a4', 'receipt'] as const) {
      const pdf = await renderVoucher(code, { ...OPTIONS, layout, merchant: { name: 'Łódź Kővári 👍 商店' } });
      expect(pdf.length).toBeGreaterThan(1000);
    }
  });

  it('embeds a PNG or JPEG logo, recognised by its magic bytes', async () => {
    const png = await bwipjs.toBuffer({ bcid: 'qrcode', text: 'logo', scale: 2 });
    for (const logo of [new Uint8Array(png), JPEG]) {
      for (const layout of ['a4', 'receipt'] as const) {
        const pdf = await renderVoucher(CODE, { ...OPTIONS, layout, merchant: { name: 'Tienda', logo } });
        expect(pdf.length).toBeGreaterThan(1000);
      }
    }
    const gif = Uint8Array.from(Buffer.from('GIF89a'));
    expect(await failure(renderVoucher(CODE, { ...OPTIONS, merchant: { name: 'Tienda', logo: gif } }))).toBe(
      'config_invalid',
    );
    const brokenPng = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0);
    expect(await failure(renderVoucher(CODE, { ...OPTIONS, merchant: { name: 'T', logo: brokenPng } }))).toBe(
      'config_invalid',
    );
  });

  it('accepts a prebuilt token only when it matches the code', async () => {
    const token = await createVoucherToken(CODE as Parameters<typeof createVoucherToken>[0], KEYS.secretKey, {
      kid: KEYS.kid,
    });
    const pdf = await renderVoucher(CODE, {
      merchant: OPTIONS.merchant,
      token,
      creationDate: CREATED,
      now: OPTIONS.now,
    });
    expect(await readVoucherToken(pdf)).toBe(token);
    const other = await createVoucherToken(
      { ...CODE, cip: '999' } as Parameters<typeof createVoucherToken>[0],
      KEYS.secretKey,
      {
        kid: KEYS.kid,
      },
    );
    const base = { merchant: OPTIONS.merchant, now: OPTIONS.now };
    expect(await failure(renderVoucher(CODE, { ...base, token: other }))).toBe('config_invalid');
    expect(await failure(renderVoucher(CODE, base))).toBe('config_invalid');
    expect(await failure(renderVoucher(CODE, { ...OPTIONS, token }))).toBe('config_invalid');
  });

  it('refuses codes without a CIP or not pending', async () => {
    expect(await failure(renderVoucher({ ...CODE, cip: null }, OPTIONS))).toBe('voucher_not_payable');
    for (const status of ['paid', 'expired', 'cancelled', 'reserving', 'failed'] as const) {
      expect(await failure(renderVoucher({ ...CODE, status }, OPTIONS))).toBe('voucher_not_payable');
    }
  });

  it('refuses a pending code once now() reaches its expiry, by the injected clock', async () => {
    const at = (ms: number) => () => new Date(CODE.expiresAt.getTime() + ms);
    expect(await failure(renderVoucher(CODE, { ...OPTIONS, now: at(-1000) }))).toBe('resolved');
    expect(await failure(renderVoucher(CODE, { ...OPTIONS, now: at(0) }))).toBe('voucher_code_expired');
    expect(await failure(renderVoucher(CODE, { ...OPTIONS, now: at(60_000) }))).toBe('voucher_code_expired');
    // Without `now` the system clock decides: this fixture expired on 1 Dec 2026.
    const { now: _now, ...systemClock } = OPTIONS;
    const expected = Date.now() >= CODE.expiresAt.getTime() ? 'voucher_code_expired' : 'resolved';
    expect(await failure(renderVoucher(CODE, systemClock))).toBe(expected);
  });

  it('renders record copies of paid, expired and cancelled codes, with no token and no signing needed', async () => {
    const { signing: _signing, ...unsigned } = OPTIONS;
    for (const code of [
      { ...CODE, status: 'paid' as const, payment: { paidAt: CREATED } },
      { ...CODE, status: 'expired' as const },
      { ...CODE, status: 'cancelled' as const },
      CODE, // still payable: a plain COPIA
    ]) {
      const pdf = await renderVoucher(code, { ...unsigned, record: true });
      expect(await readVoucherToken(pdf)).toBeNull();
      const doc = await PDFDocument.load(pdf, { updateMetadata: false });
      expect(doc.getTitle()).toMatch(/^Copia de registro \((PAGADO|VENCIDO|ANULADO|COPIA)\) CIP 2748391$/);
    }
    for (const code of [
      { ...CODE, cip: null },
      { ...CODE, status: 'reserving' as const },
      { ...CODE, status: 'failed' as const },
    ]) {
      expect(await failure(renderVoucher(code, { ...unsigned, record: true }))).toBe('voucher_not_payable');
    }
  });

  it('refuses invalid options with config_invalid', async () => {
    const cases = [
      { ...OPTIONS, layout: 'letter' as 'a4' },
      { ...OPTIONS, locale: 'fr-FR' as 'es-PE' },
      { ...OPTIONS, merchant: { name: '' } },
      { ...OPTIONS, instructions: [] },
      { ...OPTIONS, whereToPay: Array.from({ length: 5 }, () => ({ title: 'x', detail: 'y' })) },
      { ...OPTIONS, creationDate: new Date(Number.NaN) },
      { ...OPTIONS, paymentConcept: 'x'.repeat(141) },
      { ...OPTIONS, now: () => 'today' as unknown as Date },
      { ...OPTIONS, now: new Date() as unknown as () => Date },
      { ...OPTIONS, record: 'yes' as unknown as boolean },
      { ...OPTIONS, merchant: { name: 'T', refundPolicy: '' } },
      { ...OPTIONS, merchant: { name: 'T', refundPolicy: 'x'.repeat(1001) } },
      { ...OPTIONS, merchant: { name: 'T', contact: 'tel' as unknown as { phone: string } } },
      { ...OPTIONS, merchant: { name: 'T', contact: { phone: 'x'.repeat(41) } } },
      { ...OPTIONS, merchant: { name: 'T', supportHours: 42 as unknown as string } },
    ];
    for (const options of cases) expect(await failure(renderVoucher(CODE, options))).toBe('config_invalid');
  });
});
