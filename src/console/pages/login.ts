import { type Html, html } from './html.js';
import { layout, type Notice, type PageContext } from './layout.js';

/** The sign-in page (the only page anonymous visitors get). */
export function loginPage(ctx: PageContext, message: Notice | null, builtIn: boolean, staffId = ''): string {
  const { tr } = ctx;
  const form: Html = builtIn
    ? html`<form method="post" action="${ctx.base}/login" class="card login">
  <label>${tr.t('staffId')}<input name="staffId" autocomplete="username" required maxlength="64" value="${staffId}" autofocus></label>
  <label>${tr.t('password')}<input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
  <button type="submit">${tr.t('signIn')}</button>
</form>`
    : html``;
  return layout(ctx, tr.t('loginTitle'), form, message);
}
