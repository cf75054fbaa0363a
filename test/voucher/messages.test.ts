/**
 * The voucher by e-mail and SMS: the HTML through a real HTML parser (parse5), the SMS length and
 * alphabet, both refusing what the PDF refuses, and golden files (deterministic clock) for review.
 * Regenerate the goldens with `UPDATE_GOLDEN=1 npx vitest run test/voucher/messages.test.ts` and read
 * the diff before committing.
 * @see issue 13, "What the buyer sees"
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  GSM7_BASIC,
  readVoucherToken,
  renderVoucher,
  renderVoucherEmail,
  renderVoucherSms,
  type VoucherMessageOptions,
} from '../../src/voucher/index.js';
import { CODE, CREATED, failure, JPEG, OPTIONS } from './fixtures.js';

interface Node5 {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node5[];
}
const parse5 = createRequire(import.meta.url)('parse5') as { parse(html: string): Node5 };

function walk(node: Node5, visit: (node: Node5) => void): void {
  visit(node);
  for (const child of node.childNodes ?? []) walk(child, visit);
}

function textOf(node: Node5): string {
  let text = '';
  walk(node, (inner) => {
    if (inner.nodeName === '#text') text += `${inner.value} `;
  });
  return text.replace(/\s+/g, ' ');
}

const golden = new URL('./__golden__/', import.meta.url);
function expectGolden(name: string, actual: string): void {
  const file = new URL(name, golden);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(golden, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const MERCHANT = {
  name: 'Tienda Ñandú S.A.C.',
  refundPolicy: 'Devoluciones hasta 7 días después del pago; el reembolso se procesa en 5 días hábiles.',
  contact: { phone: '+51 1 700-1234', email: 'ayuda@nandu.pe', web: 'nandu.pe/ayuda' },
  supportHours: 'Lunes a sábado, 9:00–18:00',
};
const MESSAGE: VoucherMessageOptions = { ...OPTIONS, merchant: MERCHANT, link: 'https://nandu.pe/v/Ab3dE9' };
const PAYABLE = { ...CODE, paymentConcept: 'Pedido web ORDER-123' };

describe('renderVoucherEmail', () => {
  it('returns a nodemailer-shaped message with the voucher PDF attached', async () => {
    const mail = await renderVoucherEmail(PAYABLE, MESSAGE);
    expect(mail.subject).toBe('Tu código de pago CIP 2748391 (S/ 149.90) – Tienda Ñandú S.A.C.');
    expect(mail.attachments).toHaveLength(1);
    const [pdf] = mail.attachments;
    expect(pdf.filename).toBe('comprobante-CIP-2748391.pdf');
    expect(pdf.contentType).toBe('application/pdf');
    expect(Buffer.isBuffer(pdf.content)).toBe(true); // what nodemailer requires
    const alone = await renderVoucher(PAYABLE, MESSAGE);
    expect(Buffer.from(pdf.content).equals(Buffer.from(alone))).toBe(true);
    expect(await readVoucherToken(pdf.content)).toMatch(/^[\w.-]{100,}$/);
  });

  it('writes HTML with no script, no event handlers, no SVG or style blocks, and no remote images', async () => {
    for (const options of [MESSAGE, { ...MESSAGE, merchant: { ...MERCHANT, logo: JPEG } }]) {
      const { html } = await renderVoucherEmail(PAYABLE, options);
      const tags = new Set<string>();
      const images: string[] = [];
      walk(parse5.parse(html), (node) => {
        if (!node.tagName) return;
        tags.add(node.tagName);
        for (const attr of node.attrs ?? []) {
          expect(attr.name, `<${node.tagName} ${attr.name}>`).not.toMatch(/^on/i);
          if (attr.name === 'href' || attr.name === 'src') expect(attr.value).not.toMatch(/^\s*javascript:/i);
        }
        if (node.tagName === 'img') images.push(node.attrs?.find((attr) => attr.name === 'src')?.value ?? '');
      });
      for (const banned of ['script', 'svg', 'style', 'iframe', 'object', 'embed', 'form', 'link']) {
        expect(tags.has(banned), banned).toBe(false);
      }
      expect(tags.has('table')).toBe(true);
      for (const src of images) expect(src).toMatch(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/);
      expect(images).toHaveLength(options.merchant.logo ? 1 : 0);
    }
  });

  it('is in Spanish with accents and shows CIP, amount, Lima deadline, concept, terms and link', async () => {
    const { html, text } = await renderVoucherEmail(PAYABLE, MESSAGE);
    const shown = textOf(parse5.parse(html));
    for (const expected of [
      'CÓDIGO DE PAGO (CIP)',
      '2748391',
      'S/ 149.90',
      'Lunes 30 de noviembre de 2026, 23:59 (hora de Lima)',
      'Pedido web ORDER-123',
      'POLÍTICA DE DEVOLUCIONES',
      'el reembolso se procesa en 5 días hábiles.',
      'Tel. +51 1 700-1234',
      '¿Cómo pagar?',
      '¿Dónde pagar?',
      'Ver mi comprobante',
    ]) {
      expect(shown).toContain(expected);
      expect(text.replace(/\s+/g, ' ')).toContain(expected);
    }
    expect(html).toContain('href="https://nandu.pe/v/Ab3dE9"');
  });

  it('escapes every user string', async () => {
    const evil = '<img src=x onerror=alert(1)>"\'&';
    const { html } = await renderVoucherEmail(
      { ...PAYABLE, orderId: 'ORD<b>1</b>', payer: { firstName: evil }, paymentConcept: `<script>x</script>` },
      {
        ...MESSAGE,
        merchant: { ...MERCHANT, name: `Tienda ${evil}`, refundPolicy: `Política ${evil}` },
        whereToPay: [{ title: `<a href="javascript:x">`, detail: evil }],
        instructions: [`Paso ${evil}`],
        link: 'https://nandu.pe/v/1?a=1&b="2"',
      },
    );
    const tags = new Set<string>();
    walk(parse5.parse(html), (node) => {
      if (node.tagName) tags.add(node.tagName);
      for (const attr of node.attrs ?? []) expect(attr.name).not.toMatch(/^on/i);
    });
    expect(tags.has('script')).toBe(false);
    expect(tags.has('b')).toBe(false);
    expect([...tags].filter((tag) => tag === 'img')).toEqual([]);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(html).toContain('href="https://nandu.pe/v/1?a=1&amp;b=&quot;2&quot;"');
  });

  it('refuses what the PDF refuses, and record copies', async () => {
    for (const status of ['paid', 'expired', 'cancelled', 'failed', 'reserving'] as const) {
      expect(await failure(renderVoucherEmail({ ...PAYABLE, status }, MESSAGE))).toBe('voucher_not_payable');
    }
    const late = { ...MESSAGE, now: () => new Date(CODE.expiresAt.getTime() + 1) };
    expect(await failure(renderVoucherEmail(PAYABLE, late))).toBe('voucher_code_expired');
    expect(await failure(renderVoucherEmail(PAYABLE, { ...MESSAGE, record: true }))).toBe('config_invalid');
    expect(await failure(renderVoucherEmail(PAYABLE, { ...MESSAGE, link: 'javascript:alert(1)' }))).toBe(
      'config_invalid',
    );
  });

  it('matches the golden files (es-PE and en-US)', async () => {
    const es = await renderVoucherEmail(PAYABLE, MESSAGE);
    expectGolden('email-es.html', es.html);
    expectGolden('email-es.txt', `Subject: ${es.subject}\n\n${es.text}`);
    const en = await renderVoucherEmail(PAYABLE, { ...MESSAGE, locale: 'en-US' });
    expectGolden('email-en.txt', `Subject: ${en.subject}\n\n${en.text}`);
  });
});

describe('renderVoucherSms', () => {
  const gsm = new Set(GSM7_BASIC);

  it('fits one 160-character GSM-7 segment with CIP, amount, Lima deadline and link', () => {
    const sms = renderVoucherSms(PAYABLE, MESSAGE);
    expect(sms.segments).toBe(1);
    expect(sms.text.length).toBeLessThanOrEqual(160);
    expect([...sms.text].every((char) => gsm.has(char))).toBe(true);
    expect(sms.text).toContain('2748391');
    expect(sms.text).toContain('S/ 149.90');
    // Expiry 2026-12-01T04:59Z is 30 Nov 23:59 in Lima (UTC−5), not 1 Dec.
    expect(sms.text).toContain('30/11');
    expect(sms.text).toContain('23:59');
    expect(sms.text).toContain('https://nandu.pe/v/Ab3dE9');
    expect(sms.text).toContain('Tienda Nandu S.A.C.');
  });

  it('shortens instead of splitting for long merchant names, and keeps the link intact', () => {
    for (const name of ['x'.repeat(120), 'Comercializadora Internacional de Productos Andinos Ñandú S.A.C.']) {
      const sms = renderVoucherSms(
        { ...PAYABLE, cip: '27483910012345', amountMinor: 1_234_567_89, currency: 'USD' },
        { ...MESSAGE, merchant: { name }, link: `https://n.pe/${'a'.repeat(40)}` },
      );
      expect(sms.segments).toBe(1);
      expect(sms.text.length).toBeLessThanOrEqual(160);
      expect(sms.text).toContain('27483910012345');
      expect(sms.text).toContain('US$ 1,234,567.89');
      expect(sms.text).toContain(`https://n.pe/${'a'.repeat(40)}`);
    }
  });

  it('falls back to two parts (≤ 306) only when the link alone is too long for one', () => {
    const sms = renderVoucherSms(PAYABLE, { ...MESSAGE, link: `https://nandu.pe/${'v'.repeat(83)}` });
    expect(sms.segments).toBe(2);
    expect(sms.text.length).toBeGreaterThan(160);
    expect(sms.text.length).toBeLessThanOrEqual(306);
    expect([...sms.text].every((char) => gsm.has(char))).toBe(true);
  });

  it('transliterates accents and characters outside the GSM-7 basic table', () => {
    const sms = renderVoucherSms(PAYABLE, { ...MESSAGE, merchant: { name: 'Ñandú [Łódź] {~^|`}' }, link: undefined });
    expect([...sms.text].every((char) => gsm.has(char))).toBe(true);
    expect(sms.text.startsWith("Nandu (Lodz) (- /')")).toBe(true);
  });

  it('refuses what the PDF refuses, bad links and record copies', async () => {
    for (const status of ['paid', 'expired', 'cancelled', 'failed', 'reserving'] as const) {
      expect(await failure(Promise.resolve().then(() => renderVoucherSms({ ...PAYABLE, status }, MESSAGE)))).toBe(
        'voucher_not_payable',
      );
    }
    const late = { ...MESSAGE, now: () => CODE.expiresAt };
    expect(await failure(Promise.resolve().then(() => renderVoucherSms(PAYABLE, late)))).toBe('voucher_code_expired');
    for (const options of [
      { ...MESSAGE, record: true },
      { ...MESSAGE, link: 'nandu.pe/v/1' },
      { ...MESSAGE, link: 'https://nandu.pe/ñ' },
      { ...MESSAGE, link: `https://nandu.pe/${'v'.repeat(90)}` },
      { ...MESSAGE, merchant: { name: '   ' } },
      { ...MESSAGE, locale: 'pt-BR' as 'es-PE' },
    ]) {
      expect(await failure(Promise.resolve().then(() => renderVoucherSms(PAYABLE, options)))).toBe('config_invalid');
    }
  });

  it('needs no signing key and matches the golden files', () => {
    const { signing: _signing, ...unsigned } = MESSAGE;
    expectGolden('sms-es.txt', `${renderVoucherSms(PAYABLE, unsigned).text}\n`);
    expectGolden('sms-en.txt', `${renderVoucherSms(PAYABLE, { ...unsigned, locale: 'en-US' }).text}\n`);
    expect(CREATED.getTime()).toBeLessThan(PAYABLE.expiresAt.getTime());
  });
});
