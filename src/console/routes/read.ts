/** The read-only pages: look up, a code, its live status and bundle, review queue, reconciliation, audit. */
import { readJobFindings, readJobRun } from '../../codes/runs.js';
import { isPagoEfectivoKitError } from '../../errors.js';
import type { CashCode } from '../../model/code.js';
import type { LogPage } from '../../storage/contract.js';
import {
  buildSupportBundle,
  compareLiveStatus,
  type LookupKind,
  lookupCodes,
  renderSupportBundle,
} from '../../support/index.js';
import { readAuditLog } from '../audit.js';
import { audit, type Exchange, page, pageContext } from '../exchange.js';
import { respond } from '../http.js';
import { auditPage } from '../pages/audit.js';
import { codePage } from '../pages/code.js';
import { maskEmail } from '../pages/format.js';
import type { Notice } from '../pages/layout.js';
import { livePage } from '../pages/live.js';
import { LOOKUP_KINDS, type LookupFormKind, lookupPage } from '../pages/lookup.js';
import { reconcilePage, reviewPage } from '../pages/review.js';
import { errorPage } from './errors.js';

function auditTarget(kind: LookupFormKind, value: string): string {
  // A buyer's e-mail is personal data: the audit log keeps it masked.
  const shown = value.includes('@') ? maskEmail(value) : value.slice(0, 64);
  return `${kind}:${shown}`;
}

/** GET / — the search form, and the results of `?q=`. */
export async function lookup(exchange: Exchange): Promise<Response> {
  const { tr, config, query } = exchange;
  const ctx = pageContext(exchange);
  const value = (query.get('q') ?? '').trim();
  const asked = query.get('kind') ?? 'any';
  const kind: LookupFormKind = (LOOKUP_KINDS as readonly string[]).includes(asked) ? (asked as LookupFormKind) : 'any';
  const view = {
    query: value,
    kind,
    codes: null as CashCode[] | null,
    matchedBy: [] as LookupKind[],
    truncated: false,
  };
  if (!query.has('q')) return page(exchange, 200, lookupPage(ctx, view, null));
  if (value === '') return page(exchange, 400, lookupPage(ctx, view, { kind: 'error', text: tr.t('emptyQuery') }));
  // Audited before anything is shown: a lookup that cannot be audited is not answered.
  await audit(exchange, 'code.lookup', auditTarget(kind, value));
  let result: Awaited<ReturnType<typeof lookupCodes>>;
  try {
    result = await lookupCodes(config.store, kind === 'any' ? value : { kind, value }, {
      limit: 20,
      now: exchange.now,
    });
  } catch (error) {
    if (isPagoEfectivoKitError(error, 'validation_failed')) {
      const text = tr.t('invalidRequest');
      return page(exchange, 400, lookupPage(ctx, view, { kind: 'error', text }));
    }
    throw error;
  }
  const found = { ...view, codes: result.codes, matchedBy: result.matchedBy, truncated: result.truncated };
  if (result.codes.length === 0) {
    return page(exchange, 404, lookupPage(ctx, found, { kind: 'error', text: tr.t('noMatch', { query: value }) }));
  }
  return page(exchange, 200, lookupPage(ctx, found, null));
}

/** The code of `/codes/:id…`, or the 404 page. */
export async function loadCode(exchange: Exchange, id: string): Promise<CashCode | Response> {
  const code = /^[A-Za-z0-9_-]{1,36}$/.test(id) ? await exchange.config.store.getCode(id) : null;
  return code ?? errorPage(exchange, 404, exchange.tr.t('codeNotFound'));
}

const DONE = new Set(['cancelled', 'resolved', 'shared']);
/** Lifecycle entries per code page. */
const HISTORY_PAGE = 100;

/** GET /codes/:id — facts, lifecycle, events, actions. */
export async function showCode(
  exchange: Exchange,
  code: CashCode,
  status = 200,
  message: Notice | null = null,
): Promise<Response> {
  const { config, tr } = exchange;
  // The newest page of the lifecycle (a code polled for years can hold thousands of entries); `?before=`
  // pages back. A cursor that is not one of ours is a bad request, not an empty history.
  const before = exchange.query.get('before');
  let history: LogPage;
  let events: Awaited<ReturnType<typeof config.store.listEvents>>;
  try {
    [history, events] = await Promise.all([
      config.codes.history(code.id, { limit: HISTORY_PAGE, ...(before !== null && { before }) }),
      config.store.listEvents({ codeId: code.id, limit: 100 }),
    ]);
  } catch (error) {
    if (isPagoEfectivoKitError(error, 'validation_failed'))
      return errorPage(exchange, 400, tr.t('badRequest', { reason: 'before' }));
    throw error;
  }
  if (status === 200) await audit(exchange, 'code.view', `code:${code.id}`);
  const done = exchange.query.get('done');
  const notice =
    message ??
    (done !== null && DONE.has(done) ? { kind: 'ok' as const, text: tr.t(`done_${done}` as 'done_cancelled') } : null);
  const view = {
    code,
    history: history.entries,
    olderHistory: history.nextCursor,
    events: events.events,
    canShare: config.shareLinks !== null,
  };
  return page(exchange, status, codePage(pageContext(exchange), view, notice));
}

/** GET /codes/:id/live — PagoEfectivo's answer now, beside ours. */
export async function showLive(exchange: Exchange, code: CashCode): Promise<Response> {
  const comparison = await compareLiveStatus(code, exchange.config.provider, { now: exchange.now });
  await audit(exchange, 'code.live_status', `code:${code.id}`, 'ok', comparison.verdict);
  return page(exchange, 200, livePage(pageContext(exchange), comparison));
}

/** GET /codes/:id/bundle — the redacted support bundle as a download. */
export async function downloadBundle(exchange: Exchange, code: CashCode): Promise<Response> {
  const bundle = await buildSupportBundle({ store: exchange.config.store, code, now: exchange.now });
  await audit(exchange, 'code.bundle', `code:${code.id}`);
  const name = `support-bundle-${(code.cip ?? code.id).replace(/[^A-Za-z0-9_-]/g, '')}.json`;
  return respond(200, renderSupportBundle(bundle), {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="${name}"`,
  });
}

/** GET /review — codes waiting for an accept/refund decision. */
export async function showReview(exchange: Exchange): Promise<Response> {
  const cursor = exchange.query.get('cursor');
  const pageOfCodes = await exchange.config.store.listCodes({ statuses: ['review'], limit: 50, cursor });
  return page(exchange, 200, reviewPage(pageContext(exchange), pageOfCodes.codes, pageOfCodes.nextCursor));
}

/** GET /reconcile — what the last reconciliation (its most urgent findings too) and sweep recorded. */
export async function showReconcile(exchange: Exchange): Promise<Response> {
  const { store } = exchange.config;
  const [reconcile, sweep, findings] = await Promise.all([
    readJobRun(store, 'reconcile'),
    readJobRun(store, 'sweep'),
    readJobFindings(store, 'reconcile'),
  ]);
  return page(exchange, 200, reconcilePage(pageContext(exchange), { reconcile, sweep, findings }));
}

/** GET /audit — the audit log, newest first (operators). */
export async function showAudit(exchange: Exchange): Promise<Response> {
  try {
    const entries = await readAuditLog(exchange.config.store, { limit: 50, before: exchange.query.get('before') });
    return page(exchange, 200, auditPage(pageContext(exchange), entries));
  } catch (error) {
    if (isPagoEfectivoKitError(error, 'validation_failed')) {
      return errorPage(exchange, 400, exchange.tr.t('badRequest', { reason: 'before' }));
    }
    throw error;
  }
}
