import type { VoucherCheck } from '../verify.js';
import { amountOf, statusBadge } from './format.js';
import { type Html, html } from './html.js';
import { csrfField, layout, type Notice, type PageContext } from './layout.js';

function reasonText(ctx: PageContext, check: VoucherCheck): string {
  const { tr } = ctx;
  const code = check.code;
  const values: Record<string, string> = {
    when: code ? tr.when(check.reason === 'paid' && code.payment ? code.payment.paidAt : code.expiresAt) : '',
    status: code ? tr.t(`status_${code.status}`) : '',
    fields: check.mismatches.map((field) => tr.t(field === 'amount' ? 'field_amount' : 'field_orderId')).join(', '),
  };
  return tr.t(`reason_${check.reason}`, values);
}

function result(ctx: PageContext, check: VoucherCheck): Html {
  const { tr } = ctx;
  const title = tr.t(`verdict_${check.verdict}`);
  const claims = check.claims
    ? html`<dl class="facts"><dt>${tr.t('field_cip')}</dt><dd>${check.code ? html`<a href="${ctx.base}/codes/${encodeURIComponent(check.code.id)}">${check.claims.cip}</a>` : check.claims.cip}</dd>
      <dt>${tr.t('field_orderId')}</dt><dd>${check.claims.orderId}</dd>
      <dt>${tr.t('field_amount')}</dt><dd>${amountOf(tr, check.claims)}</dd>
      ${check.code ? html`<dt>${tr.t('field_status')}</dt><dd>${statusBadge(tr, check.code.status)}</dd><dt>${tr.t('field_expiresAt')}</dt><dd>${tr.when(check.code.expiresAt)}</dd>` : ''}</dl>`
    : html``;
  return html`<section class="card verdict verdict-${check.verdict}" data-verdict="${check.verdict}" aria-live="polite">
  <p class="verdict-title">${title}</p><p class="verdict-reason">${reasonText(ctx, check)}</p>${claims}</section>`;
}

/** The verification page: upload, paste or scan; the verdict of the last check below. */
export function verifyPage(
  ctx: PageContext,
  check: VoucherCheck | null,
  message: Notice | null,
  options: { maxUploadLabel: string; configured: boolean },
): string {
  const { tr } = ctx;
  const form = options.configured
    ? html`<form method="post" action="${ctx.base}/verify" enctype="multipart/form-data" class="card verify" id="verify-form">${csrfField(ctx)}
  <label>${tr.t('uploadPdf')} <small class="muted">(≤ ${options.maxUploadLabel})</small><input type="file" name="pdf" accept="application/pdf,.pdf"></label>
  <label>${tr.t('pasteToken')}<textarea name="token" rows="3" spellcheck="false" autocomplete="off"></textarea></label>
  <div class="scan" data-unsupported="${tr.t('scanUnsupported')}" data-denied="${tr.t('scanDenied')}" data-scanning="${tr.t('scanning')}">
    <button type="button" class="secondary" id="scan-qr">${tr.t('scanQr')}</button>
    <video id="scan-video" hidden playsinline muted></video><p class="scan-message" role="status"></p>
  </div>
  <button type="submit">${tr.t('check')}</button>
</form>`
    : html``;
  const content = html`<p class="muted">${tr.t('verifyHint')}</p>${check ? result(ctx, check) : ''}${form}`;
  return layout(
    ctx,
    tr.t('verifyTitle'),
    content,
    options.configured ? message : { kind: 'error', text: tr.t('noVoucherKeys') },
  );
}
