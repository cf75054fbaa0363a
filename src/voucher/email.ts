/**
 * The voucher as an e-mail, shaped for nodemailer and the common mail APIs: `subject`, `html`,
 * `text` and the PDF as an attachment. The HTML is what the big webmail clients render: nested
 * tables, inline styles only, no `<style>` or `<script>`, no SVG, no remote images (the logo, if any,
 * is inline `data:`), every user string escaped. The PDF renderer is loaded on first use only.
 */
import { ConfigurationError } from '../errors.js';
import { formatMoney } from '../money/index.js';
import { formatLimaDateTime } from '../time/display.js';
import { fillPlaceholders, voucherCopy } from './_internal/copy.js';
import { type EmailContent, emailHtml, emailText } from './_internal/email-layout.js';
import { merchantTerms } from './_internal/model.js';
import { voucherStandingOf } from './_internal/standing.js';
import type { VoucherMessageOptions } from './sms.js';
import type { VoucherCode } from './types.js';

/** One attachment, as nodemailer (`attachments`) and most mail APIs take it. */
export interface VoucherEmailAttachment {
  filename: string;
  /** The PDF bytes: a `Buffer` on Node (nodemailer needs one), a `Uint8Array` elsewhere. */
  content: Uint8Array;
  contentType: 'application/pdf';
}

/** The e-mail of a voucher. Pass it to `transporter.sendMail({ from, to, ...mail })`. */
export interface VoucherEmail {
  subject: string;
  html: string;
  text: string;
  attachments: [VoucherEmailAttachment];
}

const COPY = {
  'es-PE': {
    subject: (cip: string, amount: string, merchant: string) =>
      `Tu código de pago CIP ${cip} (${amount}) – ${merchant}`,
    greeting: (name: string | null) => (name ? `Hola, ${name}:` : 'Hola:'),
    intro: (merchant: string) =>
      `${merchant} generó tu código de pago. Págalo en efectivo o desde tu banca con PagoEfectivo.`,
    open: 'Ver mi comprobante',
    attached: 'Adjuntamos tu comprobante en PDF con el código de barras.',
    filename: (cip: string) => `comprobante-CIP-${cip}.pdf`,
  },
  'en-US': {
    subject: (cip: string, amount: string, merchant: string) =>
      `Your payment code CIP ${cip} (${amount}) – ${merchant}`,
    greeting: (name: string | null) => (name ? `Hello ${name},` : 'Hello,'),
    intro: (merchant: string) =>
      `${merchant} created your payment code. Pay it in cash or from your bank with PagoEfectivo.`,
    open: 'View my voucher',
    attached: 'Your voucher is attached as a PDF with the barcode.',
    filename: (cip: string) => `voucher-CIP-${cip}.pdf`,
  },
} as const;

function asBuffer(bytes: Uint8Array): Uint8Array {
  // nodemailer accepts Buffer, not a plain Uint8Array; a Buffer is one, so the type stays portable.
  const NodeBuffer = (globalThis as { Buffer?: { from(a: ArrayBufferLike, o: number, l: number): Uint8Array } }).Buffer;
  return NodeBuffer ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

function logoUri(logo: Uint8Array | undefined): string | null {
  if (logo === undefined) return null;
  const png = logo[0] === 0x89 && logo[1] === 0x50 && logo[2] === 0x4e && logo[3] === 0x47;
  const jpeg = logo[0] === 0xff && logo[1] === 0xd8 && logo[2] === 0xff;
  if (!(logo instanceof Uint8Array) || !(png || jpeg)) {
    throw new ConfigurationError('renderVoucherEmail: merchant.logo must be PNG or JPEG bytes.', {
      details: { option: 'merchant.logo' },
    });
  }
  return `data:image/${png ? 'png' : 'jpeg'};base64,${base64(logo)}`;
}

/**
 * Write the voucher of a payable code as an e-mail in Spanish (or English): subject with CIP and
 * amount, an HTML body (CIP, amount, deadline in Lima time, concept, payment steps, where to pay, the
 * merchant's terms, a button to `link` when given) with a plain-text twin, and the voucher PDF
 * rendered by `renderVoucher` with the same options attached.
 *
 * Refuses the same codes as `renderVoucher` (no CIP, not `pending`, `expiresAt` at or before `now()`).
 *
 * @throws {VoucherError} `voucher_not_payable`, `voucher_code_expired`, and `renderVoucher`'s errors.
 * @throws {ConfigurationError} `config_invalid` for invalid options, a bad `link`, or `record: true`.
 */
export async function renderVoucherEmail(code: VoucherCode, options: VoucherMessageOptions): Promise<VoucherEmail> {
  if (options?.record === true) {
    throw new ConfigurationError('renderVoucherEmail: record copies are not sent to buyers; use renderVoucher.', {
      details: { option: 'record' },
    });
  }
  const { code: payable, now } = voucherStandingOf(code, options, 'renderVoucherEmail');
  const link = options.link;
  if (link !== undefined && (typeof link !== 'string' || link.length > 2000 || !/^https?:\/\/\S+$/.test(link))) {
    throw new ConfigurationError('renderVoucherEmail: link must be an http(s) URL without spaces.', {
      details: { option: 'link' },
    });
  }
  // The PDF first: it validates every shared option (merchant, texts, signing) with the same rules.
  const { renderVoucher } = await import('./render.js');
  const pdf = await renderVoucher(payable, { ...options, now: () => now });
  const locale = options.locale ?? 'es-PE';
  const words = COPY[locale];
  const copy = voucherCopy(locale);
  const merchant = options.merchant.name.trim();
  const amount = formatMoney(payable.amountMinor, payable.currency);
  const payer = [payable.payer?.firstName, payable.payer?.lastName]
    .filter((part) => typeof part === 'string')
    .join(' ');
  const values = { cip: payable.cip, amount, merchant };
  const content: EmailContent = {
    locale,
    copy,
    greeting: words.greeting(payable.payer?.firstName?.trim() || null),
    intro: words.intro(merchant),
    merchant,
    logo: logoUri(options.merchant.logo),
    cip: payable.cip,
    amount,
    expiry: formatLimaDateTime(payable.expiresAt, { locale, capitalize: true }),
    payer: payer.trim() || null,
    orderId: payable.orderId,
    concept: options.paymentConcept ?? payable.paymentConcept ?? null,
    steps: (options.instructions ?? copy.steps).map((step) => fillPlaceholders(step, values)),
    places: [...(options.whereToPay ?? copy.places)],
    terms: merchantTerms(options.merchant, copy),
    link: link ?? null,
    open: words.open,
    attached: words.attached,
  };
  return {
    subject: words.subject(payable.cip, amount, merchant),
    html: emailHtml(content),
    text: emailText(content),
    attachments: [{ filename: words.filename(payable.cip), content: asBuffer(pdf), contentType: 'application/pdf' }],
  };
}
