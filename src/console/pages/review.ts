import type { JobRun, RecordedFindings } from '../../codes/runs.js';
import type { CashCode } from '../../model/code.js';
import { codesTable } from './format.js';
import { html } from './html.js';
import { layout, type PageContext } from './layout.js';

/** The payment review queue: codes in `review`, each linking to its page (where operators decide). */
export function reviewPage(ctx: PageContext, codes: readonly CashCode[], nextCursor: string | null): string {
  const { tr } = ctx;
  const rows = codes.map((code) => ({ code, why: code.review?.message ?? code.review?.reason ?? '' }));
  const content =
    codes.length === 0
      ? html`<p class="notice notice-ok" role="status">${tr.t('reviewEmpty')}</p>`
      : html`${codesTable(tr, ctx.base, codes)}
<ul class="reasons">${rows.map(({ code, why }) => html`<li><strong>${code.cip ?? code.id}</strong>: ${why}</li>`)}</ul>
${nextCursor ? html`<p><a href="${ctx.base}/review?cursor=${encodeURIComponent(nextCursor)}">${tr.t('nextPage')}</a></p>` : ''}`;
  return layout(ctx, tr.t('reviewTitle'), content);
}

function runCard(ctx: PageContext, title: string, run: JobRun | null): ReturnType<typeof html> {
  const { tr } = ctx;
  if (run === null)
    return html`<section class="card"><h2>${title}</h2><p class="muted">${tr.t('neverRan')}</p></section>`;
  const counts = Object.entries(run.counts);
  return html`<section class="card run run-${run.ok ? 'ok' : 'failed'}"><h2>${title}</h2>
  <p>${tr.when(run.at)} — ${run.ok ? tr.t('runOk') : tr.t('runFailed')}</p>
  ${run.counts.findings !== undefined ? html`<p class="${run.counts.findings > 0 ? 'notice notice-error' : 'notice notice-ok'}">${tr.t('findings', { count: run.counts.findings })}</p>` : ''}
  <table class="log"><thead><tr><th>${tr.t('col_field')}</th><th>${tr.t('col_count')}</th></tr></thead>
  <tbody>${counts.map(([name, count]) => html`<tr><td><code>${name}</code></td><td class="num">${count}</td></tr>`)}</tbody></table></section>`;
}

/** The most urgent findings of the last reconciliation: severity, kind, CIP (linking to the code), order, message. */
function findingsCard(ctx: PageContext, findings: RecordedFindings | null): ReturnType<typeof html> | '' {
  const { tr, base } = ctx;
  if (findings === null || findings.items.length === 0) return '';
  const rows = findings.items.map((item) => {
    const cip = item.cip ?? item.codeId ?? '—';
    const where =
      item.codeId === null ? html`${cip}` : html`<a href="${base}/codes/${encodeURIComponent(item.codeId)}">${cip}</a>`;
    return html`<tr><td><span class="status severity-${item.severity}">${tr.t(item.severity === 'critical' ? 'severity_critical' : 'severity_warning')}</span></td>
      <td><code>${item.kind}</code></td><td class="nowrap">${where}</td><td>${item.orderId ?? '—'}</td>
      <td class="num">${item.line ?? ''}</td><td class="target">${item.message}</td><td><code>${item.action}</code></td></tr>`;
  });
  return html`<section class="card"><h2>${tr.t('urgentFindings')}</h2>
  <p class="muted">${tr.t('urgentShown', { shown: findings.items.length, total: findings.total })} — ${tr.when(findings.at)}</p>
  <table class="log findings"><thead><tr><th>${tr.t('col_severity')}</th><th>${tr.t('col_kind')}</th><th>${tr.t('field_cip')}</th>
  <th>${tr.t('field_orderId')}</th><th>${tr.t('col_line')}</th><th>${tr.t('col_message')}</th><th>${tr.t('col_itemAction')}</th></tr></thead>
  <tbody>${rows}</tbody></table></section>`;
}

/** The day's reconciliation findings (the most urgent, each linking to its code) and the last sweep. */
export function reconcilePage(
  ctx: PageContext,
  runs: { reconcile: JobRun | null; sweep: JobRun | null; findings: RecordedFindings | null },
): string {
  const { tr } = ctx;
  // The two records are written one after the other; findings of another run than the one shown
  // (a failed write of either) are not presented as this run's.
  const sameRun = runs.reconcile !== null && runs.findings?.at.getTime() === runs.reconcile.at.getTime();
  const content = html`${runCard(ctx, tr.t('lastReconcile'), runs.reconcile)}${sameRun ? findingsCard(ctx, runs.findings) : ''}${runCard(ctx, tr.t('lastSweep'), runs.sweep)}`;
  return layout(ctx, tr.t('reconcileTitle'), content);
}
