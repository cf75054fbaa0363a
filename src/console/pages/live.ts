import type { CashCode } from '../../model/code.js';
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

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
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
      <td>${cell(field.ours)}</td><td>${cell(field.provider)}</td></tr>`,
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
