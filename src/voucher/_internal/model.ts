/**
 * Everything a layout draws, computed and checked up front: localized, formatted and reduced to
 * characters the standard fonts can encode. Layouts never see raw user input.
 */
import { ConfigurationError } from '../../errors.js';
import { formatMoney } from '../../money/index.js';
import { type DisplayLocale, formatLimaDateTime, formatLimaShort } from '../../time/display.js';
import type { RenderVoucherOptions, VoucherCode } from '../types.js';
import { fillPlaceholders, type PayPlace, type VoucherCopy, voucherCopy } from './copy.js';
import { toAscii, toWinAnsi } from './winansi.js';

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

/** Build the content of a voucher from a payable code and the render options. */
export function buildContent(
  code: VoucherCode & { cip: string },
  options: RenderVoucherOptions,
  issuedAt: Date,
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
    concept: options.paymentConcept === undefined ? null : text(options.paymentConcept, 'paymentConcept', 140),
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
