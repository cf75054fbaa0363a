import { CONSOLE_LOCALES, LOCALE_NAMES, type Translator } from '../i18n/index.js';
import type { MessageKey } from '../i18n/types.js';
import type { StaffRole } from '../roles.js';
import { canPerform } from '../roles.js';
import { type Html, html } from './html.js';

/** What every page knows about the request it answers. */
export interface PageContext {
  tr: Translator;
  /** The mount path without a trailing slash (`''` at the root). */
  base: string;
  /** The signed-in staff member, `null` on the login page. */
  staff: { staffId: string; role: StaffRole } | null;
  /** The CSRF token for forms, `null` when signed out. */
  csrf: string | null;
  /** The path below the mount point, for the language links. */
  path: string;
  query: URLSearchParams;
}

/** An in-page notice. */
export interface Notice {
  kind: 'error' | 'ok' | 'info';
  text: string;
}

/** The hidden CSRF field of a form. */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="csrf" value="${ctx.csrf ?? ''}">`;
}

function languageLinks(ctx: PageContext): Html {
  const links = CONSOLE_LOCALES.map((locale) => {
    const query = new URLSearchParams(ctx.query);
    query.set('lang', locale);
    const current = locale === ctx.tr.locale;
    return html`<a href="${ctx.base}${ctx.path}?${query.toString()}" lang="${locale}" hreflang="${locale}"${current ? html` aria-current="true"` : ''}>${LOCALE_NAMES[locale]}</a>`;
  });
  return html`<nav class="lang" aria-label="${ctx.tr.t('language')}">${links}</nav>`;
}

const NAV: { path: string; key: MessageKey; action: Parameters<typeof canPerform>[1] }[] = [
  { path: '/', key: 'nav_lookup', action: 'code.lookup' },
  { path: '/verify', key: 'nav_verify', action: 'voucher.verify' },
  { path: '/review', key: 'nav_review', action: 'review.read' },
  { path: '/reconcile', key: 'nav_reconcile', action: 'reconcile.read' },
  { path: '/audit', key: 'nav_audit', action: 'audit.read' },
];

/** A notice block. */
export function notice(item: Notice | null): Html {
  if (item === null) return html``;
  const role = item.kind === 'error' ? 'alert' : 'status';
  return html`<p class="notice notice-${item.kind}" role="${role}">${item.text}</p>`;
}

/** The whole page: header, navigation, language switch, content. */
export function layout(ctx: PageContext, title: string, content: Html, message: Notice | null = null): string {
  const { tr, staff } = ctx;
  const nav = staff
    ? html`<nav class="main" aria-label="${tr.t('appTitle')}">${NAV.filter((item) =>
        canPerform(staff.role, item.action),
      ).map(
        (item) =>
          html`<a href="${ctx.base}${item.path}"${ctx.path === item.path ? html` aria-current="page"` : ''}>${tr.t(item.key)}</a>`,
      )}</nav>
      <form method="post" action="${ctx.base}/logout" class="logout">${csrfField(ctx)}
        <span>${tr.t('signedInAs', { staff: staff.staffId, role: tr.t(staff.role === 'operator' ? 'role_operator' : 'role_viewer') })}</span>
        <button type="submit" class="link">${tr.t('logout')}</button></form>`
    : html``;
  const page = html`<!doctype html>
<html lang="${tr.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} · ${tr.t('appTitle')}</title>
<link rel="stylesheet" href="${ctx.base}/assets/console.css">
<script src="${ctx.base}/assets/console.js" defer></script>
</head>
<body>
<header class="top"><a class="brand" href="${ctx.base}/">${tr.t('appTitle')}</a>${nav}${languageLinks(ctx)}</header>
<main>
<h1>${title}</h1>
${notice(message)}
${content}
</main>
<footer>${tr.t('limaZone')}</footer>
</body>
</html>`;
  return page.__html;
}
