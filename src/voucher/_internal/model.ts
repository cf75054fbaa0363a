/**
 * Everything a layout draws, computed and checked up front: localized, formatted and reduced to
 * characters the standard fonts can encode. Layouts never see raw user input.
 */
import { ConfigurationError } from '../../errors.js';
import { formatMoney } from '../../money/index.js';
import { type DisplayLocale, formatLimaDateTime, formatLimaShort } from '../../time/display.js';
import type { RenderVoucherOptions, VoucherCode } from '../types.js';
import { fillPlaceholders, type PayPlace, type VoucherCopy, voucherCopy } from './copy.js';
import type { RecordStamp } from './standing.js';
import { toAscii, toWinAnsi } from './winansi.js';

/** The merchant's terms, checked: each absent field is `null`; `contact` lists the lines to print. */
export interface MerchantTerms {
  refundPolicy: string | null;
  /** Ready-to-print lines: `Tel. …`, the e-mail, the web address, `Horario: …`. */
  contact: string[];
}

/** A record copy's stamp: the big word across the page and its explanation. */
export interface StampContent {
  kind: RecordStamp;
  word: string;
  note: string;
}

/** The checked, display-ready content of one voucher. */
export interface VoucherContent {
  copy: VoucherCopy;
  locale: DisplayLocale;
  merchantName: string;
  cip: string;
  amount: string;
  expiry: string;
  payerName: string | null;
  orderId: string;
  concept: string | null;
  terms: MerchantTerms | null;
  /** Set on record copies: no barcode, no QR, no payment steps. */
  stamp: StampContent | null;
  steps: string[];
  places: PayPlace[];
  issued: string;
  reference: string;
  watermark: string;
  microtext: string;
}

function invalid(path: string, message: string): never {
  throw new ConfigurationError(`renderVoucher: ${path} ${message}.`, { details: { path } });
}

function text(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string') invalid(path, 'must be a string');
  const clean = toWinAnsi(value);
  if (clean.length === 0 || clean.length > max) invalid(path, `must have 1–${max} printable characters`);
  return clean;
}

function optionalText(value: unknown, path: string, max: number): string | null {
  return value === undefined || value === null ? null : text(value, path, max);
}

/** Check the merchant's terms block; `null` when the merchant gave none of its fields. */
export function merchantTerms(merchant: RenderVoucherOptions['merchant'], copy: VoucherCopy): MerchantTerms | null {
  const contact = merchant?.contact;
  if (contact !== undefined && (contact === null || typeof contact !== 'object')) {
    invalid('merchant.contact', 'must be an object { phone?, email?, web? }');
  }
  const refundPolicy = optionalText(merchant?.refundPolicy, 'merchant.refundPolicy', 1000);
  const phone = optionalText(contact?.phone, 'merchant.contact.phone', 40);
  const email = optionalText(contact?.email, 'merchant.contact.email', 120);
  const web = optionalText(contact?.web, 'merchant.contact.web', 200);
  const hours = optionalText(merchant?.supportHours, 'merchant.supportHours', 120);
  const lines = [phone && `${copy.phone} ${phone}`, email, web, hours && `${copy.hours} ${hours}`];
  const printed = lines.filter((line): line is string => typeof line === 'string');
  return refundPolicy === null && printed.length === 0 ? null : { refundPolicy, contact: printed };
}

/** Build the content of a voucher (or, with `stamp`, of a record copy) from a code and the options. */
export function buildContent(
  code: VoucherCode & { cip: string },
  options: RenderVoucherOptions,
  issuedAt: Date,
  stamp: RecordStamp | null = null,
): VoucherContent {
  const locale = options.locale ?? 'es-PE';
  if (locale !== 'es-PE' && locale !== 'en-US') invalid('locale', 'must be "es-PE" or "en-US"');
  const copy = voucherCopy(locale);
  const merchantName = text(options.merchant?.name, 'merchant.name', 120);
  const amount = formatMoney(code.amountMinor, code.currency);
  const orderId = text(code.orderId, 'code.orderId', 64);
  const payer = [code.payer?.firstName, code.payer?.lastName].filter((part) => typeof part === 'string').join(' ');
  const values = { cip: code.cip, amount, merchant: merchantName };
  const steps = options.instructions ?? copy.steps;
  if (!Array.isArray(steps) || steps.length < 1 || steps.length > 6) invalid('instructions', 'must list 1–6 steps');
  const places = options.whereToPay ?? copy.places;
  if (!Array.isArray(places) || places.length < 1 || places.length > 4) invalid('whereToPay', 'must list 1–4 places');
  const short = formatLimaShort(code.expiresAt, locale);
  const mark = toAscii(
    `PAGOEFECTIVO - CIP ${code.cip} - ${orderId} - ${amount} - ${copy.watermarkExpiry} ${short}`,
  ).toUpperCase();
  return {
    copy,
    locale,
    merchantName,
    cip: code.cip,
    amount,
    expiry: formatLimaDateTime(code.expiresAt, { locale, capitalize: true }),
    payerName: toWinAnsi(payer) || null,
    orderId,
    // An explicit option wins; otherwise the concept stored on the code at issue.
    concept:
      options.paymentConcept !== undefined
        ? text(options.paymentConcept, 'paymentConcept', 140)
        : optionalText(code.paymentConcept, 'code.paymentConcept', 140),
    terms: merchantTerms(options.merchant, copy),
    stamp: stamp === null ? null : stampContent(stamp, code, copy, locale),
    steps: steps.map((step, index) => fillPlaceholders(text(step, `instructions[${index}]`, 240), values)),
    places: places.map((place, index) => ({
      title: text(place?.title, `whereToPay[${index}].title`, 60),
      detail: text(place?.detail, `whereToPay[${index}].detail`, 200),
    })),
    issued: `${copy.issued} ${formatLimaShort(issuedAt, locale)}`,
    reference: `${copy.reference} ${toWinAnsi(code.id).slice(0, 64)}`,
    // One text for the watermark and the microtext, so that both place the same outlined line.
    // Upper case only: fewer distinct outline glyphs per document.
    watermark: mark,
    microtext: mark,
  };
}

function stampContent(kind: RecordStamp, code: VoucherCode, copy: VoucherCopy, locale: DisplayLocale): StampContent {
  const { word, note } = copy.stamps[kind];
  const paidAt = kind === 'paid' ? code.payment?.paidAt : undefined;
  const when =
    paidAt instanceof Date && !Number.isNaN(paidAt.getTime())
      ? ` ${copy.paidOn} ${formatLimaShort(paidAt, locale)}.`
      : '';
  return { kind, word, note: `${note}${when}` };
}
