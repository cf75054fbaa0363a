/**
 * The console's audit log: who did what, when, from which IP. Every lookup and every staff action
 * (login, logout, cancel, resolve, re-send, bundle, refused attempts) appends one entry to the store's
 * append-only log under one subject, so entries are never changed or lost by concurrent writers.
 */
import type { LifecycleEntry } from '../model/code.js';
import type { CashCodeStore } from '../storage/contract.js';
import { encodeBase64url } from '../voucher/_internal/base64url.js';

/** The log subject of the audit log. */
export const AUDIT_LOG_SUBJECT = 'kit:console:audit';

/** One audit entry. `target` names a code id, a search (`cip:…`, `email:j***@…`) or a staff id; never secrets. */
export interface AuditEntry {
  at: Date;
  /** The staff id, or `null` for a failed login of an unknown id. */
  staffId: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  /** `ok`, `refused` (role, CSRF, lockout, wrong password) or `failed` (the operation threw). */
  outcome: 'ok' | 'refused' | 'failed';
  /** A short, secret-free note (an error code, a decision). */
  detail: string | null;
}

/** A page of {@link readAuditLog}, newest entry first. */
export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for older entries; `null` at the first entry. */
  nextCursor: string | null;
}

/** Append one entry to the audit log. */
export async function appendAudit(store: CashCodeStore, entry: AuditEntry): Promise<void> {
  const log: LifecycleEntry = {
    id: `audit_${encodeBase64url(crypto.getRandomValues(new Uint8Array(12)))}`,
    subject: AUDIT_LOG_SUBJECT,
    orderId: null,
    cip: null,
    type: 'note',
    actor: 'support',
    at: entry.at,
    reason: entry.action,
    from: null,
    to: null,
    data: {
      staffId: entry.staffId,
      action: entry.action,
      target: entry.target,
      ip: entry.ip,
      outcome: entry.outcome,
      detail: entry.detail,
    },
  };
  await store.appendLog(log);
}

function toAudit(entry: LifecycleEntry): AuditEntry {
  const data = entry.data as Record<string, unknown>;
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const outcome = data.outcome === 'refused' || data.outcome === 'failed' ? data.outcome : 'ok';
  return {
    at: entry.at,
    staffId: text(data.staffId),
    action: text(data.action) ?? entry.reason ?? 'unknown',
    target: text(data.target),
    ip: text(data.ip),
    outcome,
    detail: text(data.detail),
  };
}

/**
 * One page of the audit log, newest first. Uses the store's indexed `readLogPage` when it has one
 * (every built-in store does), so reading the latest page does not load the whole log.
 */
export async function readAuditLog(
  store: CashCodeStore,
  options: { limit?: number; before?: string | null } = {},
): Promise<AuditPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
  if (store.readLogPage) {
    const page = await store.readLogPage(AUDIT_LOG_SUBJECT, { limit, before: options.before ?? null });
    return { entries: page.entries.map(toAudit).reverse(), nextCursor: page.nextCursor };
  }
  const all = await store.readLog(AUDIT_LOG_SUBJECT);
  const end = options.before ? Number(options.before) : all.length;
  const safeEnd = Number.isSafeInteger(end) && end >= 0 && end <= all.length ? end : all.length;
  const start = Math.max(0, safeEnd - limit);
  return {
    entries: all.slice(start, safeEnd).map(toAudit).reverse(),
    nextCursor: start > 0 ? String(start) : null,
  };
}
