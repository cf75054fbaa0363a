import type { AuditPage } from '../audit.js';
import { html } from './html.js';
import { layout, type PageContext } from './layout.js';

/** One page of the audit log, newest first (operators only). */
export function auditPage(ctx: PageContext, page: AuditPage): string {
  const { tr } = ctx;
  const rows = page.entries.map(
    (
      entry,
    ) => html`<tr class="outcome-${entry.outcome}"><td class="when">${tr.whenShort(entry.at)}</td><td class="nowrap">${entry.staffId ?? '—'}</td>
      <td><code>${entry.action}</code></td><td class="target">${entry.target ?? ''}</td><td class="nowrap">${entry.ip ?? '—'}</td>
      <td>${tr.t(`outcome_${entry.outcome}`)}${entry.detail ? ` (${entry.detail})` : ''}</td></tr>`,
  );
  const content =
    page.entries.length === 0
      ? html`<p class="muted">${tr.t('noEntries')}</p>`
      : html`<table class="log audit"><thead><tr><th>${tr.whenHeader()}</th><th>${tr.t('col_staff')}</th><th>${tr.t('col_action')}</th>
  <th>${tr.t('col_target')}</th><th>${tr.t('col_ip')}</th><th>${tr.t('col_outcome')}</th></tr></thead><tbody>${rows}</tbody></table>
${page.nextCursor ? html`<p><a href="${ctx.base}/audit?before=${encodeURIComponent(page.nextCursor)}">${tr.t('olderPage')}</a></p>` : ''}`;
  return layout(ctx, tr.t('auditTitle'), content);
}
