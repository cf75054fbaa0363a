import type { CashCode } from '../../model/code.js';
import { CONSOLE_CATALOGS } from '../i18n/index.js';
import type { MessageKey } from '../i18n/types.js';
import { type Html, html } from './html.js';
import { layout, type PageContext } from './layout.js';

/** The parts of a live comparison (`compareLiveStatus`) the page shows. */
export interface LiveView {
  code: Pick<CashCode, 'id' | 'cip'>;
  provider: { checkedAt: Date; error: { code: string; message: string } | null };
  reason?: string | null;
  fields: readonly { field: string; ours: unknown; provider: unknown; differs: boolean }[];
  differences: number;
  verdict: 'in_sync' | 'differs' | 'not_found_at_provider' | 'unavailable';
}

const FIELD_NAMES: Record<string, MessageKey> = {
  status: 'field_status',
  amount: 'field_amount',
  currency: 'field_currency',
  expiresAt: 'field_expiresAt',
  paidAt: 'field_paidAt',
  operationNumber: 'field_operation',
  transactionCode: 'kind_transactionCode',
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A compared value for people: instants in Lima time, statuses in the page's language. */
function cell(tr: PageContext['tr'], field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const text =
    value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (ISO_INSTANT.test(text)) return tr.whenShort(new Date(text));
  if (field === 'status' && Object.hasOwn(CONSOLE_CATALOGS.en, `status_${text}`))
    return tr.t(`status_${text}` as MessageKey);
  return text;
}

/** Our record and PagoEfectivo's answer side by side, differing rows highlighted. */
export function livePage(ctx: PageContext, view: LiveView): string {
  const { tr } = ctx;
  const verdictText = {
    in_sync: tr.t('verdict_in_sync'),
    differs: tr.t('verdict_differs', { count: view.differences }),
    not_found_at_provider: tr.t('verdict_not_found_at_provider'),
    unavailable: tr.t('verdict_unavailable', { error: view.provider.error?.code ?? view.reason ?? '?' }),
  }[view.verdict];
  const kind = view.verdict === 'in_sync' ? 'ok' : 'error';
  const rows: Html[] = view.fields.map(
    (
      field,
    ) => html`<tr${field.differs ? html` class="differs"` : ''}><th scope="row">${FIELD_NAMES[field.field] ? tr.t(FIELD_NAMES[field.field] as MessageKey) : field.field}</th>
      <td>${cell(tr, field.field, field.ours)}</td><td>${cell(tr, field.field, field.provider)}</td></tr>`,
  );
  const content = html`<p class="muted">${tr.t('checkedAt', { when: tr.when(view.provider.checkedAt) })}</p>
<table class="compare"><thead><tr><th>${tr.t('col_field')}</th><th>${tr.t('col_ours')}</th><th>${tr.t('col_provider')}</th></tr></thead>
<tbody>${rows}</tbody></table>
<p><a href="${ctx.base}/codes/${encodeURIComponent(view.code.id)}">${tr.t('backToCode')}</a></p>`;
  return layout(ctx, tr.t('liveTitle', { cip: view.code.cip ?? view.code.id }), content, {
    kind,
    text: verdictText,
  });
}
