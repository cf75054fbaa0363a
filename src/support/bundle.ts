import type { CashCode, LifecycleEntry } from '../model/code.js';
import type { OutboxEvent } from '../model/events.js';
import type { CashCodeStore } from '../storage/contract.js';
import { maskEmail, redactValue } from './redact.js';

/** The format version of {@link SupportBundle}; bumped when a field changes meaning. */
export const SUPPORT_BUNDLE_VERSION = 1;

/** One API call the service made for the code (from its `provider_call` lifecycle entries). */
export interface SupportBundleApiCall {
  at: string;
  operation: string;
  outcome: 'ok' | 'error';
  httpStatus: number | null;
  providerCode: string | null;
  providerMessage: string | null;
  requestId?: string;
  durationMs?: number;
  errorCode: string | null;
  /** Every HTTP attempt of the call (retries, re-authentication), when the provider reported them. */
  attempts: number;
}

/** One payment notification recorded for the code. */
export interface SupportBundleNotification {
  at: string;
  /** Whether its signature verified (only verified notifications reach the code's log). */
  verified: boolean | null;
  /** What the service did with it: `paid`, `duplicate`, `review`, `rejected` or `unknown_type`. */
  outcome: string;
  /** The HTTP status the webhook handler answered, when recorded. */
  httpStatus?: number;
  /** The lifecycle entry's id (stable per notification). */
  eventId?: string;
  operationNumber: string | null;
  reason: string | null;
}

/** Everything PagoEfectivo's technical support asks about one code, redacted. */
export interface SupportBundle {
  format: 'pagoefectivo-kit.support-bundle';
  version: number;
  generatedAt: string;
  code: {
    cip: string | null;
    orderId: string;
    /** The code id, sent to PagoEfectivo as `transactionCode`. */
    transactionCode: string;
    status: string;
    amount: string;
    currency: string;
    providerPaymentId: string | null;
    /** The payer's e-mail, masked (`j***@example.com`); no other payer field is included. */
    payerEmail: string;
    payment: { operationNumber: string; source: string } | null;
    review: { reason: string; decision: string | null } | null;
    /** The names of the merchant's metadata keys (their values may hold anything, so they are left out). */
    metadataKeys: string[];
    times: { createdAt: string; updatedAt: string; expiresAt: string; paidAt: string | null };
  };
  apiCalls: SupportBundleApiCall[];
  notifications: SupportBundleNotification[];
  /** The whole lifecycle log, oldest first, redacted. */
  lifecycle: Record<string, unknown>[];
  /** The code's outbox events with their delivery state, redacted. */
  events: Record<string, unknown>[];
  /** What the bundle had to leave out (a store without event listing, capped lists). */
  notes: string[];
}

const MAX_EVENTS = 1000;
const NOTIFICATION_TYPES: Record<string, string> = {
  paid: 'paid',
  payment_duplicate: 'duplicate',
  review: 'review',
  payment_rejected: 'rejected',
  notification_unknown: 'unknown_type',
};

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function apiCall(entry: LifecycleEntry): SupportBundleApiCall {
  const data = entry.data;
  const call: SupportBundleApiCall = {
    at: entry.at.toISOString(),
    operation: str(data.operation) ?? entry.reason ?? 'unknown',
    outcome: data.outcome === 'error' ? 'error' : 'ok',
    httpStatus: num(data.httpStatus),
    providerCode: str(data.providerCode),
    providerMessage: str(data.providerMessage),
    errorCode: str(data.errorCode),
    attempts: Array.isArray(data.attempts) ? data.attempts.length : 0,
  };
  const requestId = str(data.requestId);
  if (requestId !== null) call.requestId = requestId;
  const durationMs = num(data.durationMs);
  if (durationMs !== null) call.durationMs = durationMs;
  return call;
}

function notification(entry: LifecycleEntry): SupportBundleNotification {
  const data = entry.data;
  const item: SupportBundleNotification = {
    at: entry.at.toISOString(),
    verified: typeof data.verified === 'boolean' ? data.verified : null,
    outcome: NOTIFICATION_TYPES[entry.type] ?? entry.type,
    operationNumber: str(data.operationNumber),
    reason: entry.reason,
  };
  const httpStatus = num(data.httpStatus);
  if (httpStatus !== null) item.httpStatus = httpStatus;
  if (entry.id !== undefined) item.eventId = entry.id;
  return item;
}

/** Notifications are the entries PagoEfectivo caused: webhooks (not the sweeper's or a search's findings). */
const isNotification = (entry: LifecycleEntry): boolean =>
  entry.actor === 'pagoefectivo' && entry.type in NOTIFICATION_TYPES;

async function codeEvents(store: CashCodeStore, codeId: string, notes: string[]): Promise<OutboxEvent[]> {
  const events: OutboxEvent[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listEvents({ codeId, limit: 200, cursor });
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor !== null && events.length < MAX_EVENTS);
  if (cursor !== null) notes.push(`Only the first ${MAX_EVENTS} events of the code are included.`);
  return events;
}

/**
 * Gather what PagoEfectivo's technical support asks for about one code: its CIP, order id and
 * transaction code, the time, HTTP status, PagoEfectivo code/message and request id of every API call
 * made for it, every notification with its verification and answer, the whole lifecycle log and the
 * code's events. Everything is redacted (secrets and tokens removed, personal data masked) before it
 * is returned. Read-only.
 */
export async function buildSupportBundle(input: {
  store: CashCodeStore;
  code: CashCode;
  now?: Date;
}): Promise<SupportBundle> {
  const { store, code } = input;
  const notes: string[] = [];
  const own = await store.readLog(code.id);
  // Notifications about the CIP recorded before the store knew it belongs to this code.
  const byCip = code.cip === null ? [] : await store.readLog(`cip:${code.cip}`);
  const log = [...own, ...byCip].sort((a, b) => a.at.getTime() - b.at.getTime());
  const events = await codeEvents(store, code.id, notes);
  const bundle: SupportBundle = {
    format: 'pagoefectivo-kit.support-bundle',
    version: SUPPORT_BUNDLE_VERSION,
    generatedAt: (input.now ?? new Date()).toISOString(),
    code: {
      cip: code.cip,
      orderId: code.orderId,
      transactionCode: code.id,
      status: code.status,
      amount: code.amount,
      currency: code.currency,
      providerPaymentId: code.providerPaymentId ?? null,
      payerEmail: maskEmail(code.payer.email),
      payment:
        code.payment === null ? null : { operationNumber: code.payment.operationNumber, source: code.payment.source },
      review: code.review ? { reason: code.review.reason, decision: code.review.decision } : null,
      metadataKeys: Object.keys(code.metadata ?? {}).sort(),
      times: {
        createdAt: code.createdAt.toISOString(),
        updatedAt: code.updatedAt.toISOString(),
        expiresAt: code.expiresAt.toISOString(),
        paidAt: code.payment?.paidAt.toISOString() ?? null,
      },
    },
    apiCalls: log.filter((entry) => entry.type === 'provider_call').map(apiCall),
    notifications: log.filter(isNotification).map(notification),
    lifecycle: log as unknown as Record<string, unknown>[],
    events: events.map((item) => ({
      ...item.event,
      state: item.state,
      attempts: item.attempts,
      nextAttemptAt: item.nextAttemptAt,
      lastError: item.lastError,
    })),
    notes,
  };
  return redactBundle(bundle);
}

/** The bundle with every string redacted (see `redactValue`); applied by `buildSupportBundle` already. */
export function redactBundle(bundle: SupportBundle): SupportBundle {
  return redactValue(bundle) as SupportBundle;
}

/** The bundle as the text of the file handed to PagoEfectivo: pretty JSON, redacted again for safety. */
export function renderSupportBundle(bundle: SupportBundle): string {
  return `${JSON.stringify(redactBundle(bundle), null, 2)}\n`;
}
