/**
 * The HTML and plain-text bodies of a voucher e-mail. Tables and inline styles only (Gmail, Outlook
 * and Yahoo drop `<style>` blocks, SVG and scripts), 600 px wide, system fonts. Every value that
 * comes from the merchant, the buyer or the code goes through {@link escapeHtml}.
 */
import type { DisplayLocale } from '../../time/display.js';
import type { PayPlace, VoucherCopy } from './copy.js';
import type { MerchantTerms } from './model.js';

/** Everything the e-mail shows, already formatted (not yet escaped). */
export interface EmailContent {
  locale: DisplayLocale;
  copy: VoucherCopy;
  greeting: string;
  intro: string;
  merchant: string;
  /** A `data:` URI of the logo, or `null`. Never a remote URL. */
  logo: string | null;
  cip: string;
  amount: string;
  expiry: string;
  payer: string | null;
  orderId: string;
  concept: string | null;
  steps: string[];
  places: PayPlace[];
  terms: MerchantTerms | null;
  link: string | null;
  open: string;
  attached: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const INK = 'color:#1c2129;';
const MUTED = 'color:#6b7280;';

function label(text: string): string {
  return `<div style="${FONT}${MUTED}font-size:11px;font-weight:bold;letter-spacing:1px;text-transform:uppercase;">${escapeHtml(text)}</div>`;
}

function row(name: string, value: string): string {
  return `<tr><td style="padding:6px 0;">${label(name)}<div style="${FONT}${INK}font-size:15px;">${escapeHtml(value)}</div></td></tr>`;
}

function section(title: string, body: string): string {
  return `<tr><td style="padding:18px 24px 0 24px;"><div style="${FONT}${INK}font-size:17px;font-weight:bold;padding-bottom:6px;">${escapeHtml(title)}</div>${body}</td></tr>`;
}

/** The HTML body. */
export function emailHtml(content: EmailContent): string {
  const { copy } = content;
  const header = content.logo
    ? `<img src="${escapeHtml(content.logo)}" alt="${escapeHtml(content.merchant)}" height="40" style="display:block;border:0;height:40px;">`
    : `<div style="${FONT}${INK}font-size:18px;font-weight:bold;">${escapeHtml(content.merchant)}</div>`;
  const details = [
    row(copy.expires, content.expiry),
    content.payer ? row(copy.payer, content.payer) : '',
    row(copy.order, content.orderId),
    content.concept ? row(copy.concept, content.concept) : '',
  ].join('');
  const steps = content.steps
    .map(
      (step, index) =>
        `<tr><td valign="top" style="${FONT}${INK}font-size:14px;font-weight:bold;padding:4px 8px 4px 0;">${index + 1}.</td><td style="${FONT}${INK}font-size:14px;padding:4px 0;">${escapeHtml(step)}</td></tr>`,
    )
    .join('');
  const places = content.places
    .map(
      (place) =>
        `<tr><td style="padding:4px 0;"><div style="${FONT}${INK}font-size:14px;font-weight:bold;">${escapeHtml(place.title)}</div><div style="${FONT}${MUTED}font-size:13px;">${escapeHtml(place.detail)}</div></td></tr>`,
    )
    .join('');
  const terms = content.terms
    ? section(
        copy.supportTitle === 'CUSTOMER SUPPORT' ? 'Merchant terms' : 'Condiciones del comercio',
        [
          content.terms.refundPolicy
            ? `${label(copy.refundTitle)}<div style="${FONT}${INK}font-size:13px;padding:2px 0 10px 0;">${escapeHtml(content.terms.refundPolicy)}</div>`
            : '',
          content.terms.contact.length > 0
            ? `${label(copy.supportTitle)}${content.terms.contact.map((line) => `<div style="${FONT}${INK}font-size:13px;">${escapeHtml(line)}</div>`).join('')}`
            : '',
        ].join(''),
      )
    : '';
  const button = content.link
    ? `<tr><td align="center" style="padding:18px 24px 0 24px;"><a href="${escapeHtml(content.link)}" style="${FONT}display:inline-block;background:#ffcc00;color:#292100;font-size:15px;font-weight:bold;text-decoration:none;padding:12px 22px;border-radius:4px;">${escapeHtml(content.open)}</a></td></tr>`
    : '';
  return [
    '<!DOCTYPE html>',
    `<html lang="${content.locale === 'en-US' ? 'en' : 'es'}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(copy.subtitle)} CIP ${escapeHtml(content.cip)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f3f4f6;">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 8px;">',
    '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:100%;background:#ffffff;border:1px solid #dcdee3;">',
    `<tr><td style="background:#ffcc00;padding:18px 24px;"><div style="${FONT}color:#292100;font-size:22px;font-weight:bold;">PagoEfectivo</div><div style="${FONT}color:#292100;font-size:13px;">${escapeHtml(copy.subtitle)}</div></td></tr>`,
    `<tr><td style="padding:18px 24px 0 24px;">${header}</td></tr>`,
    `<tr><td style="padding:12px 24px 0 24px;${FONT}${INK}font-size:15px;">${escapeHtml(content.greeting)}<br>${escapeHtml(content.intro)}</td></tr>`,
    `<tr><td align="center" style="padding:20px 24px 0 24px;">${label(copy.cipLabel)}<div style="${FONT}${INK}font-size:36px;font-weight:bold;letter-spacing:2px;">${escapeHtml(content.cip)}</div></td></tr>`,
    `<tr><td align="center" style="padding:12px 24px 0 24px;">${label(copy.amount)}<div style="${FONT}${INK}font-size:28px;font-weight:bold;">${escapeHtml(content.amount)}</div><div style="${FONT}${INK}font-size:13px;font-weight:bold;padding-top:6px;">${escapeHtml(copy.exactAmount)}</div></td></tr>`,
    `<tr><td style="padding:12px 24px 0 24px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${details}</table></td></tr>`,
    terms,
    button,
    section(copy.howToPay, `<table role="presentation" cellpadding="0" cellspacing="0" border="0">${steps}</table>`),
    section(copy.whereToPay, `<table role="presentation" cellpadding="0" cellspacing="0" border="0">${places}</table>`),
    `<tr><td style="padding:18px 24px 24px 24px;${FONT}${MUTED}font-size:12px;">${escapeHtml(content.attached)} ${escapeHtml(copy.keep)}</td></tr>`,
    '</table></td></tr></table></body></html>',
  ].join('\n');
}

/** The plain-text body: the same facts, one per line. */
export function emailText(content: EmailContent): string {
  const { copy } = content;
  const lines = [
    content.greeting,
    content.intro,
    '',
    `${copy.cipLabel}: ${content.cip}`,
    `${copy.amount}: ${content.amount}`,
    copy.exactAmount,
    `${copy.expires}: ${content.expiry}`,
    ...(content.payer ? [`${copy.payer}: ${content.payer}`] : []),
    `${copy.order}: ${content.orderId}`,
    ...(content.concept ? [`${copy.concept}: ${content.concept}`] : []),
  ];
  if (content.terms?.refundPolicy) lines.push('', `${copy.refundTitle}: ${content.terms.refundPolicy}`);
  if (content.terms && content.terms.contact.length > 0)
    lines.push('', `${copy.supportTitle}:`, ...content.terms.contact);
  if (content.link) lines.push('', `${content.open}: ${content.link}`);
  lines.push('', copy.howToPay, ...content.steps.map((step, index) => `${index + 1}. ${step}`));
  lines.push('', copy.whereToPay, ...content.places.map((place) => `- ${place.title}: ${place.detail}`));
  lines.push('', `${content.attached} ${copy.keep}`, '');
  return lines.join('\n');
}
