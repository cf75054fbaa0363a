import { type Exchange, page, pageContext } from '../exchange.js';
import { html } from '../pages/html.js';
import { layout } from '../pages/layout.js';

/** A page that only says what went wrong (in the page's language), with the right HTTP status. */
export function errorPage(exchange: Exchange, status: number, text: string): Response {
  const ctx = pageContext(exchange);
  const body = ctx.staff ? html`<p><a href="${ctx.base}/">${exchange.tr.t('nav_lookup')}</a></p>` : html``;
  return page(exchange, status, layout(ctx, `${exchange.tr.t('appTitle')} — ${status}`, body, { kind: 'error', text }));
}
