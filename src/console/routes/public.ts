/** The only routes anonymous visitors reach: the static assets and the login page. */
import { CONSOLE_CSS, CONSOLE_JS } from '../assets.js';
import { attemptLogin } from '../auth.js';
import { audit, type Exchange, page, pageContext } from '../exchange.js';
import { parseForm, readBody, redirect, respond } from '../http.js';
import { loginPage } from '../pages/login.js';

const ASSETS = new Map<string, [string, string]>([
  ['console.css', [CONSOLE_CSS, 'text/css; charset=utf-8']],
  ['console.js', [CONSOLE_JS, 'text/javascript; charset=utf-8']],
]);

/** A static asset, or `null` for an unknown name. Assets hold no data, so they may be cached briefly. */
export function asset(name: string): Response | null {
  // A Map, not an object literal: `__proto__`, `constructor` or `toString` must not name an asset.
  const file = ASSETS.get(name);
  if (!file) return null;
  return respond(200, file[0], { 'content-type': file[1], 'cache-control': 'public, max-age=300' });
}

/** GET /login */
export function showLogin(exchange: Exchange): Response {
  const message =
    exchange.query.get('bye') === '1' ? { kind: 'info' as const, text: exchange.tr.t('loggedOut') } : null;
  return page(exchange, 200, loginPage(pageContext(exchange), message, exchange.config.auth.builtInAccounts));
}

/** POST /login (the Origin check already ran). */
export async function submitLogin(exchange: Exchange): Promise<Response> {
  const { tr, config } = exchange;
  const ctx = pageContext(exchange);
  if (!config.auth.builtInAccounts) return page(exchange, 404, loginPage(ctx, null, false));
  const body = await readBody(exchange.request, 8 * 1024);
  if (body === 'too_large') {
    return page(exchange, 413, loginPage(ctx, { kind: 'error', text: tr.t('requestTooLarge') }, true));
  }
  const form = typeof body === 'string' ? null : await parseForm(body, exchange.request.headers.get('content-type'));
  const staffId = form?.get('staffId');
  const password = form?.get('password');
  if (typeof staffId !== 'string' || typeof password !== 'string' || staffId.trim() === '' || password === '') {
    return page(exchange, 400, loginPage(ctx, { kind: 'error', text: tr.t('loginWrong') }, true));
  }
  const outcome = await attemptLogin(config, { staffId, password, ip: exchange.ip }, exchange.now, exchange.scope);
  if (outcome.ok) {
    await audit(exchange, 'login', null, 'ok', null, outcome.staffId);
    return redirect(`${config.base}/`, [...exchange.cookies, outcome.cookie]);
  }
  await audit(exchange, 'login', `staff:${outcome.staffId}`, 'refused', outcome.reason, null);
  const locked = outcome.reason === 'locked';
  const text = tr.t(locked ? 'loginLocked' : 'loginWrong');
  return page(exchange, locked ? 429 : 401, loginPage(ctx, { kind: 'error', text }, true, outcome.staffId));
}
