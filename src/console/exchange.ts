/** One request being answered: its path below the mount point, language, identity, cookies and audit. */
import { type AuditEntry, appendAudit } from './audit.js';
import type { Identity } from './auth.js';
import { type CookieScope, cookie, htmlResponse, isPlainLoopback, readCookie } from './http.js';
import { type ConsoleLocale, isConsoleLocale, type Translator, translator } from './i18n/index.js';
import type { ConsoleConfig } from './options.js';
import type { PageContext } from './pages/layout.js';

/** The language cookie. */
export const LANG_COOKIE = 'pek_console_lang';

/** A request in progress. */
export interface Exchange {
  config: ConsoleConfig;
  request: Request;
  method: string;
  /** The path below the mount point, starting with `/`. */
  path: string;
  query: URLSearchParams;
  ip: string | null;
  now: Date;
  tr: Translator;
  scope: CookieScope;
  /** Cookies to send with whatever response is built. */
  cookies: string[];
  identity: Identity | null;
}

function localeOf(
  config: ConsoleConfig,
  request: Request,
  query: URLSearchParams,
  scope: CookieScope,
  cookies: string[],
): ConsoleLocale {
  const asked = query.get('lang');
  if (isConsoleLocale(asked)) {
    cookies.push(cookie(LANG_COOKIE, asked, scope, 365 * 24 * 3600));
    return asked;
  }
  const saved = readCookie(request, LANG_COOKIE);
  return isConsoleLocale(saved) ? saved : config.locale;
}

/** Start an exchange, or `null` when the request is outside the mount path. */
export function startExchange(config: ConsoleConfig, request: Request, ip: string | null): Exchange | null {
  const url = new URL(request.url);
  const { base } = config;
  if (base !== '' && url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return null;
  const path = url.pathname.slice(base.length) || '/';
  const scope: CookieScope = { path: base || '/', secure: config.auth.secureCookie ?? !isPlainLoopback(request) };
  const cookies: string[] = [];
  const query = url.searchParams;
  return {
    config,
    request,
    method: request.method.toUpperCase(),
    path,
    query,
    ip,
    now: config.now(),
    tr: translator(localeOf(config, request, query, scope, cookies)),
    scope,
    cookies,
    identity: null,
  };
}

/** The page context of an exchange (the language links drop `lang`, which the cookie now carries). */
export function pageContext(exchange: Exchange): PageContext {
  const query = new URLSearchParams(exchange.query);
  query.delete('lang');
  const identity = exchange.identity;
  return {
    tr: exchange.tr,
    base: exchange.config.base,
    staff: identity ? { staffId: identity.staffId, role: identity.role } : null,
    csrf: identity?.csrf ?? null,
    path: exchange.path,
    query,
  };
}

/** An HTML response carrying the exchange's cookies. */
export function page(exchange: Exchange, status: number, body: string): Response {
  return htmlResponse(status, body, exchange.cookies);
}

/** Append an audit entry for this exchange's staff member and IP. */
export function audit(
  exchange: Exchange,
  action: string,
  target: string | null,
  outcome: AuditEntry['outcome'] = 'ok',
  detail: string | null = null,
  staffId: string | null = exchange.identity?.staffId ?? null,
): Promise<void> {
  return appendAudit(exchange.config.store, {
    at: exchange.now,
    staffId,
    action,
    target,
    ip: exchange.ip,
    outcome,
    detail,
  });
}
