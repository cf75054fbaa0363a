import type { CashCode, CodeStatus } from '../../model/code.js';
import type { Translator } from '../i18n/index.js';
import type { MessageKey } from '../i18n/types.js';
import { type Html, html } from './html.js';

/** Mask an e-mail for lists and pages: `j***@example.com` (support confirms it with the buyer, never reads it out). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** A status badge in the page's language. */
export function statusBadge(tr: Translator, status: CodeStatus): Html {
  return html`<span class="status status-${status}">${tr.t(`status_${status}` as MessageKey)}</span>`;
}

/** The code's amount, Peruvian style. */
export function amountOf(tr: Translator, code: Pick<CashCode, 'amountMinor' | 'currency'>): string {
  return tr.money(code.amountMinor, code.currency);
}

/** A link to a code's page. */
export function codeLink(base: string, code: Pick<CashCode, 'id' | 'cip'>): Html {
  return html`<a href="${base}/codes/${encodeURIComponent(code.id)}">${code.cip ?? code.id}</a>`;
}

/** One table of codes (lookup results, review queue) with masked e-mails. */
export function codesTable(tr: Translator, base: string, codes: readonly CashCode[]): Html {
  const rows = codes.map(
    (code) => html`<tr>
      <td>${codeLink(base, code)}</td><td>${code.orderId}</td><td>${statusBadge(tr, code.status)}</td>
      <td class="num">${amountOf(tr, code)}</td><td class="when">${tr.whenShort(code.expiresAt)}</td><td>${maskEmail(code.payer.email)}</td></tr>`,
  );
  return html`<table class="codes"><thead><tr><th>${tr.t('field_cip')}</th><th>${tr.t('field_orderId')}</th>
    <th>${tr.t('field_status')}</th><th>${tr.t('field_amount')}</th><th>${tr.t('field_expiresAt')} (${tr.t('limaZone')})</th>
    <th>${tr.t('field_payer')}</th></tr></thead><tbody>${rows}</tbody></table>`;
}
