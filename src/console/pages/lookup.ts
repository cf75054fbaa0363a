import type { CashCode } from '../../model/code.js';
import { codesTable } from './format.js';
import { type Html, html } from './html.js';
import { layout, type Notice, type PageContext } from './layout.js';

/** The search kinds offered in the form (`any` tries each). */
export const LOOKUP_KINDS = ['any', 'cip', 'orderId', 'email', 'transactionCode'] as const;
/** A search kind of the form. */
export type LookupFormKind = (typeof LOOKUP_KINDS)[number];

/** What the lookup page shows below the form. */
export interface LookupView {
  query: string;
  kind: LookupFormKind;
  codes: readonly CashCode[] | null;
  matchedBy: readonly string[];
  truncated: boolean;
}

/** The look-up page: the search form and, after a search, the matching codes. */
export function lookupPage(ctx: PageContext, view: LookupView, message: Notice | null): string {
  const { tr } = ctx;
  const options = LOOKUP_KINDS.map(
    (kind) =>
      html`<option value="${kind}"${kind === view.kind ? html` selected` : ''}>${tr.t(`kind_${kind}`)}</option>`,
  );
  let results: Html = html``;
  if (view.codes && view.codes.length > 0) {
    const by = view.matchedBy.map((kind) => tr.t(`kind_${kind}` as `kind_${LookupFormKind}`)).join(', ');
    results = html`<section class="results"><p class="muted">${tr.t('matchedBy')}: ${by}</p>
      ${codesTable(tr, ctx.base, view.codes)}
      ${view.truncated ? html`<p class="notice notice-info">${tr.t('truncated')}</p>` : ''}</section>`;
  }
  const content = html`<p class="muted">${tr.t('lookupHint')}</p>
<form method="get" action="${ctx.base}/" class="card search" role="search">
  <select name="kind" aria-label="${tr.t('matchedBy')}">${options}</select>
  <input name="q" value="${view.query}" maxlength="254" aria-label="${tr.t('search')}" autofocus>
  <button type="submit">${tr.t('search')}</button>
</form>
${results}`;
  return layout(ctx, tr.t('lookupTitle'), content, message);
}
