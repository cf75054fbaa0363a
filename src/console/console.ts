/**
 * `createSupportConsole`: the whole support console as one web-standard handler. Routing, the
 * access gate (nothing but the login page and its assets without a staff member), the CSRF gate on
 * every state-changing request, the role check per route, and the one error boundary.
 */
import { isPagoEfectivoKitError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import { identify } from './auth.js';
import { csrfTokenValid, isStateChanging, originAllowed } from './csrf.js';
import { audit, type Exchange, startExchange } from './exchange.js';
import { parseForm, readBody, redirect, respond } from './http.js';
import { resolveConsoleOptions, type SupportConsoleOptions } from './options.js';
import { type ConsoleAction, canPerform } from './roles.js';
import { errorPage } from './routes/errors.js';
import { asset, showLogin, submitLogin } from './routes/public.js';
import {
  downloadBundle,
  loadCode,
  lookup,
  showAudit,
  showCode,
  showLive,
  showReconcile,
  showReview,
} from './routes/read.js';
import { readVerifyForm, showVerify, submitVerify } from './routes/verify.js';
import { cancelCode, logout, resendShareLink, resolveReview } from './routes/write.js';

/** The console handler: `(Request, { ip }?) => Response`, with the body limit for `toNodeListener`. */
export type SupportConsoleHandler = ((request: Request, ctx?: { ip?: string }) => Promise<Response>) & {
  /** The largest body the console reads (a voucher upload plus its form); adapters use it as their limit. */
  readonly maxBodyBytes: number;
};

type Route =
  | { action: ConsoleAction | null; run: (exchange: Exchange) => Promise<Response> | Response }
  | { action: ConsoleAction | null; form: true; run: (exchange: Exchange, form: FormData) => Promise<Response> };

function codeRoute(
  action: ConsoleAction,
  run: (exchange: Exchange, code: CashCode, form: FormData) => Promise<Response>,
  withForm: boolean,
  id: string,
): Route {
  const load = async (exchange: Exchange, form: FormData): Promise<Response> => {
    const code = await loadCode(exchange, id);
    return code instanceof Response ? code : run(exchange, code, form);
  };
  return withForm
    ? { action, form: true, run: load }
    : { action, run: (exchange: Exchange) => load(exchange, new FormData()) };
}

/** The route of a signed-in request, or `null` (404). */
function route(method: string, path: string): Route | null {
  const get = method === 'GET' || method === 'HEAD';
  if (get && path === '/') return { action: 'code.lookup', run: lookup };
  if (get && path === '/verify') return { action: 'voucher.verify', run: showVerify };
  if (method === 'POST' && path === '/verify') return { action: 'voucher.verify', form: true, run: submitVerify };
  if (get && path === '/review') return { action: 'review.read', run: showReview };
  if (get && path === '/reconcile') return { action: 'reconcile.read', run: showReconcile };
  if (get && path === '/audit') return { action: 'audit.read', run: showAudit };
  if (method === 'POST' && path === '/logout') return { action: null, form: true, run: logout };
  const match = /^\/codes\/([^/]+)(?:\/(live|bundle|cancel|resolve|share))?$/.exec(path);
  if (!match) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[1] as string);
  } catch {
    return null; // a broken %-escape names no code: 404, not a server error
  }
  const sub = match[2];
  if (get && sub === undefined)
    return codeRoute('code.lookup', (exchange, code) => showCode(exchange, code), false, id);
  if (get && sub === 'live')
    return codeRoute('code.live_status', (exchange, code) => showLive(exchange, code), false, id);
  if (get && sub === 'bundle') {
    return codeRoute('code.bundle', (exchange, code) => downloadBundle(exchange, code), false, id);
  }
  if (method !== 'POST') return null;
  if (sub === 'cancel') return codeRoute('code.cancel', (exchange, code) => cancelCode(exchange, code), true, id);
  if (sub === 'resolve')
    return codeRoute('review.resolve', (exchange, code, form) => resolveReview(exchange, code, form), true, id);
  if (sub === 'share') return codeRoute('share.resend', (exchange, code) => resendShareLink(exchange, code), true, id);
  return null;
}

/** Largest body of the operator forms (cancel, resolve with its note, share, logout). */
const SMALL_FORM_BYTES = 16 * 1024;

/** Read an operator form; a body over the limit is answered 413 (it is not a CSRF failure). */
async function readSmallForm(exchange: Exchange): Promise<FormData | Response | null> {
  const body = await readBody(exchange.request, SMALL_FORM_BYTES);
  if (body === 'too_large') return errorPage(exchange, 413, exchange.tr.t('requestTooLarge'));
  return typeof body === 'string' ? null : parseForm(body, exchange.request.headers.get('content-type'));
}

async function serve(exchange: Exchange): Promise<Response> {
  const { config, method, path, tr } = exchange;
  if ((method === 'GET' || method === 'HEAD') && path.startsWith('/assets/')) {
    return asset(path.slice('/assets/'.length)) ?? errorPage(exchange, 404, tr.t('notFound'));
  }
  // Cross-site requests are refused before anything else, the login form included.
  if (isStateChanging(method) && !originAllowed(exchange.request, config.auth.allowedOrigins ?? [])) {
    return errorPage(exchange, 403, tr.t('csrfRefused'));
  }
  exchange.identity = await identify(config, exchange.request, exchange.now, exchange.scope, exchange.cookies);
  if (path === '/login') {
    if (method === 'POST') return submitLogin(exchange);
    if (method === 'GET' || method === 'HEAD') {
      return exchange.identity ? redirect(`${config.base}/`, exchange.cookies) : showLogin(exchange);
    }
  }
  if (exchange.identity === null) {
    if (method === 'GET' || method === 'HEAD') return redirect(`${config.base}/login`, exchange.cookies);
    return errorPage(exchange, 401, tr.t('loginWrong'));
  }
  const found = route(method, path);
  if (found === null) return errorPage(exchange, 404, tr.t('notFound'));
  const { role } = exchange.identity;
  if (found.action !== null && !canPerform(role, found.action)) {
    await audit(exchange, found.action, path, 'refused', 'role');
    return errorPage(
      exchange,
      403,
      tr.t('forbidden', { role: tr.t(role === 'operator' ? 'role_operator' : 'role_viewer') }),
    );
  }
  if (!('form' in found)) return found.run(exchange);
  const form = path === '/verify' ? await readVerifyForm(exchange) : await readSmallForm(exchange);
  if (form instanceof Response) return form;
  if (form === null || !csrfTokenValid(form.get('csrf'), exchange.identity.csrf)) {
    await audit(exchange, found.action ?? 'logout', path, 'refused', 'csrf');
    return errorPage(exchange, 403, tr.t('csrfRefused'));
  }
  return found.run(exchange, form);
}

/**
 * Create the support console: a web-standard handler serving the look-up, code, live-status,
 * voucher-verification, review, reconciliation and audit pages, with its own HTML, CSS and JS.
 * Mount it under `basePath` in any server (`toNodeListener` for node:http and Express, `c.req.raw` in Hono).
 *
 * @example
 * ```ts
 * const console = createSupportConsole({ codes, client, store, auth: {}, basePath: '/support', voucherKeys });
 * http.createServer(toNodeListener(console)).listen(4400);
 * ```
 * @throws {ConfigurationError} `config_invalid` for missing or invalid options.
 */
export function createSupportConsole(options: SupportConsoleOptions): SupportConsoleHandler {
  const config = resolveConsoleOptions(options);
  const handler = async (request: Request, ctx: { ip?: string } = {}): Promise<Response> => {
    const ip = ctx.ip ?? config.clientIp?.(request) ?? null;
    const exchange = startExchange(config, request, ip);
    if (exchange === null) return respond(404, 'Not found', { 'content-type': 'text/plain; charset=utf-8' });
    try {
      return await serve(exchange);
    } catch (error) {
      if (isPagoEfectivoKitError(error, 'validation_failed')) {
        // A fixed reason: the error's message names internals (store methods, cursor formats).
        return errorPage(exchange, 400, exchange.tr.t('invalidRequest'));
      }
      config.onError(error);
      return errorPage(exchange, 500, exchange.tr.t('serverError'));
    }
  };
  return Object.assign(handler, { maxBodyBytes: config.maxUploadBytes * 2 + 64 * 1024 });
}
