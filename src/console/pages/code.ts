import type { CashCode, LifecycleEntry } from '../../model/code.js';
import type { OutboxEvent } from '../../model/events.js';
import { canPerform } from '../roles.js';
import { amountOf, maskEmail, statusBadge } from './format.js';
import { type Html, html } from './html.js';
import { csrfField, layout, type Notice, type PageContext } from './layout.js';

/** What the code page shows. */
export interface CodeView {
  code: CashCode;
  /** The newest page of the lifecycle, oldest entry first. */
  history: readonly LifecycleEntry[];
  /** The cursor of the older entries, or `null` when this page reaches the first one. */
  olderHistory?: string | null;
  events: readonly OutboxEvent[];
  /** Whether re-sending share links is configured. */
  canShare: boolean;
}

function facts(ctx: PageContext, code: CashCode): Html {
  const { tr } = ctx;
  const rows: [string, Html | string][] = [
    [tr.t('field_cip'), code.cip ?? '—'],
    [tr.t('field_orderId'), code.orderId],
    [tr.t('field_status'), statusBadge(tr, code.status)],
    [tr.t('field_amount'), amountOf(tr, code)],
    [tr.t('field_expiresAt'), tr.when(code.expiresAt)],
    [tr.t('field_createdAt'), tr.when(code.createdAt)],
    [tr.t('field_updatedAt'), tr.when(code.updatedAt)],
    [tr.t('field_payer'), maskEmail(code.payer.email)],
  ];
  if (code.payment) {
    rows.push([tr.t('field_paidAt'), tr.when(code.payment.paidAt)]);
    rows.push([tr.t('field_operation'), code.payment.operationNumber]);
  }
  return html`<dl class="facts">${rows.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}</dl>`;
}

function lifecycle(ctx: PageContext, entries: readonly LifecycleEntry[]): Html {
  const { tr } = ctx;
  if (entries.length === 0) return html`<p class="muted">${tr.t('noEntries')}</p>`;
  const rows = entries.map(
    (
      entry,
    ) => html`<tr><td class="when">${tr.whenShort(entry.at)}</td><td><code>${entry.type}</code></td><td>${entry.actor}</td>
      <td>${entry.from || entry.to ? `${entry.from ?? '·'} → ${entry.to ?? '·'}` : ''}</td><td>${entry.reason ?? ''}</td></tr>`,
  );
  return html`<table class="log"><thead><tr><th>${tr.whenHeader()}</th><th>${tr.t('col_what')}</th><th>${tr.t('col_who')}</th>
    <th>${tr.t('col_change')}</th><th>${tr.t('col_reason')}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function eventsTable(ctx: PageContext, events: readonly OutboxEvent[]): Html {
  const { tr } = ctx;
  if (events.length === 0) return html`<p class="muted">${tr.t('noEntries')}</p>`;
  const rows = events.map(
    (
      item,
    ) => html`<tr><td class="when">${tr.whenShort(item.event.at)}</td><td><code>${item.event.type}</code></td><td>${item.event.source}</td>
      <td>${item.state} (${item.attempts})</td></tr>`,
  );
  return html`<table class="log"><thead><tr><th>${tr.whenHeader()}</th><th>${tr.t('col_what')}</th><th>${tr.t('col_who')}</th>
    <th>${tr.t('col_delivery')}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function operatorActions(ctx: PageContext, view: CodeView): Html {
  const { tr, staff } = ctx;
  if (!staff || !canPerform(staff.role, 'code.cancel')) return html``;
  const { code } = view;
  const path = `${ctx.base}/codes/${encodeURIComponent(code.id)}`;
  const forms: Html[] = [];
  if (code.status === 'review') {
    forms.push(html`<form method="post" action="${path}/resolve" class="inline">${csrfField(ctx)}
      <label>${tr.t('resolveNote')}<input name="note" maxlength="500"></label>
      <button type="submit" name="decision" value="accept">${tr.t('resolveAccept')}</button>
      <button type="submit" name="decision" value="refund" class="secondary">${tr.t('resolveRefund')}</button></form>`);
  }
  if (code.status === 'pending') {
    if (view.canShare) {
      forms.push(html`<form method="post" action="${path}/share" class="inline">${csrfField(ctx)}
        <button type="submit" class="secondary">${tr.t('resendShare')}</button></form>`);
    }
    forms.push(html`<form method="post" action="${path}/cancel" class="inline" data-confirm="${tr.t('cancelConfirm', { cip: code.cip ?? code.id })}">${csrfField(ctx)}
      <button type="submit" class="danger">${tr.t('cancelCode')}</button></form>`);
  }
  if (forms.length === 0) return html``;
  return html`<section class="card actions"><h2>${tr.t('actions')}</h2>${forms}</section>`;
}

/** The page of one code: facts, one-click live status and bundle, operator actions, lifecycle, events. */
export function codePage(ctx: PageContext, view: CodeView, message: Notice | null): string {
  const { tr } = ctx;
  const path = `${ctx.base}/codes/${encodeURIComponent(view.code.id)}`;
  const content = html`<section class="card">${facts(ctx, view.code)}
  <p class="buttons"><a class="button" href="${path}/live">${tr.t('liveStatus')}</a>
  <a class="button secondary" href="${path}/bundle" download>${tr.t('downloadBundle')}</a></p></section>
${operatorActions(ctx, view)}
<h2>${tr.t('lifecycle')}</h2>${lifecycle(ctx, view.history)}
${view.olderHistory ? html`<p><a href="${path}?before=${encodeURIComponent(view.olderHistory)}">${tr.t('olderPage')}</a></p>` : ''}
<h2>${tr.t('events')}</h2>${eventsTable(ctx, view.events)}`;
  return layout(ctx, tr.t('codeTitle', { cip: view.code.cip ?? view.code.id }), content, message);
}
