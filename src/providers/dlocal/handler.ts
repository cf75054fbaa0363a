import { ConfigurationError, isPagoEfectivoKitError, type PagoEfectivoKitError } from '../../errors.js';
import { createIpAllowList } from '../../guards/ip.js';
import { toKitLogger } from '../../logging/index.js';
import type { CashCode, PaymentNotice, PaymentOutcome } from '../../model/code.js';
import { encodeOutcome, isOutcome, replayResponse } from '../../webhooks/_internal/dedupe.js';
import { DEFAULT_DEDUPE_TTL_MS, DEFAULT_MAX_BODY_BYTES } from '../../webhooks/_internal/handler-options.js';
import { bodyTooLarge, declaresTooMuch, readBody } from '../../webhooks/_internal/read-body.js';
import { errorResponse, jsonResponse, statusForCode } from '../../webhooks/_internal/responses.js';
import type {
  PaymentApplier,
  WebhookDedupeStore,
  WebhookErrorInfo,
  WebhookHandler,
  WebhookLogger,
  WebhookRequestContext,
} from '../../webhooks/handler-types.js';
import { cipOf, type DlocalPayment } from './payment.js';
import { verifyDlocalNotification } from './verify.js';

/** Options of {@link createDlocalWebhookHandler}. */
export interface DlocalWebhookHandlerOptions {
  /** The merchant's `X-Login` (part of the signed message). */
  login: string;
  /** The merchant's secret key, or several while rotating. */
  secretKey: string | readonly string[];
  /**
   * The codes service (`createCashCodes({ provider: createDlocalProvider(…) })`). Needs `applyPayment`,
   * `get` and `recordUnknownNotification`.
   */
  codes: PaymentApplier & Required<Pick<PaymentApplier, 'get' | 'recordUnknownNotification'>>;
  /** Store for the duplicate fast path (as `createWebhookHandler`); without it every redelivery is re-applied (idempotently). */
  store?: WebhookDedupeStore;
  /**
   * How long a dedupe record lives. Default 7 days, longer than dLocal's retries (12 attempts over about
   * 4 days in the current docs).
   */
  dedupeTtlMs?: number;
  /** IPs / CIDR ranges allowed to call (dLocal's source IPs are not documented). Requires `ctx.ip`. */
  allowIps?: readonly string[];
  /** Largest accepted body in bytes (default 65 536). */
  maxBodyBytes?: number;
  /** One line per notification (info), refusal (warn) and failure (error); pino-style loggers adapted. */
  logger?: WebhookLogger;
  /** Called for every failure; never receives the body or a secret. */
  onError?: (error: PagoEfectivoKitError | Error, info: WebhookErrorInfo) => void;
}

/** The code a dLocal payment is about: the SDK sends the code id as `order_id`. */
async function codeOf(codes: DlocalWebhookHandlerOptions['codes'], payment: DlocalPayment): Promise<CashCode | null> {
  const byOrder = payment.orderId === null ? null : await codes.get(payment.orderId);
  // `get` also answers merchant order ids and CIPs: only the code whose id is the order_id is ours.
  if (byOrder !== null && byOrder.id === payment.orderId) return byOrder;
  const cip = cipOf(payment);
  const byCip = cip === null ? null : await codes.get(cip);
  return byCip !== null && byCip.cip === cip ? byCip : null;
}

/**
 * Create the dLocal notification endpoint: `(request, ctx?) => Promise<Response>`, like
 * `createWebhookHandler` (and `toNodeListener` works with it).
 *
 * Steps: POST only (405) → body size (413) → IP allow-list (403) → signature (401) → payment object
 * (400) → duplicate fast path → by status: `PAID` goes through `codes.applyPayment` (the one payment
 * judgement: same outcomes, events and answers as a PagoEfectivo `cip.paid`, with dLocal's payment id as
 * the operation number); `PENDING` is answered `ignored`; `CANCELLED`, `EXPIRED`, `REJECTED` and
 * undocumented statuses are recorded (`notification.unknown`, body kept) and answered `ignored`: the
 * sweeper moves the code, confirmed with `GET /payments/{id}`, as it does for direct PagoEfectivo,
 * which never notifies expiries. A terminal code never leaves its state. Every authentic notification
 * that was recorded gets a 2xx (dLocal stops retrying on any 2xx); 5xx only when nothing was recorded, so
 * dLocal's retry (hourly, then every 12 h for days) is processed again, as a normal redelivery.
 *
 * @throws {ConfigurationError} for invalid options; `WebhookVerificationError` `secret_missing`.
 */
export function createDlocalWebhookHandler(options: DlocalWebhookHandlerOptions): WebhookHandler {
  const { codes, store } = options ?? ({} as DlocalWebhookHandlerOptions);
  for (const method of ['applyPayment', 'get', 'recordUnknownNotification'] as const) {
    if (typeof codes?.[method] !== 'function') {
      throw new ConfigurationError(
        `createDlocalWebhookHandler: codes.${method} is missing; pass createCashCodes(...).`,
        {
          details: { option: 'codes' },
        },
      );
    }
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new ConfigurationError('createDlocalWebhookHandler: maxBodyBytes must be a positive integer.');
  }
  const dedupeTtlMs = options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS;
  const allowList = options.allowIps === undefined ? null : createIpAllowList(options.allowIps);
  const logger = options.logger ? toKitLogger(options.logger) : null;
  // Check the secrets and login now, not on the first delivery.
  if (typeof options.login !== 'string' || options.login.trim() === '') {
    throw new ConfigurationError('createDlocalWebhookHandler: login (your X-Login) is required.', {
      details: { option: 'login' },
    });
  }

  function log(level: 'info' | 'warn' | 'error', message: string, data: Record<string, unknown>): void {
    try {
      logger?.[level]?.(message, data);
    } catch {}
  }
  function report(error: unknown, info: WebhookErrorInfo, message: string): void {
    const data: Record<string, unknown> = { ...info };
    if (isPagoEfectivoKitError(error)) data.code = error.code;
    log(info.status >= 500 ? 'error' : 'warn', message, data);
    try {
      options.onError?.(error instanceof Error ? error : new Error(String(error)), info);
    } catch {}
  }
  function refuse(error: unknown, stage: WebhookErrorInfo['stage']): Response {
    const code = isPagoEfectivoKitError(error) ? error.code : 'internal_error';
    const status = isPagoEfectivoKitError(error) ? statusForCode(code) : 500;
    report(error, { stage, status }, 'dLocal notification refused');
    return errorResponse(status, status === 500 ? 'internal_error' : code);
  }
  const failed = (error: unknown, info: Omit<WebhookErrorInfo, 'stage' | 'status'>): Response => {
    const status = Math.max(isPagoEfectivoKitError(error) ? statusForCode(error.code) : 500, 500);
    report(error, { ...info, stage: 'apply', status }, 'dLocal notification could not be applied');
    return errorResponse(status, status === 503 ? 'storage_error' : 'internal_error');
  };

  async function record(payment: DlocalPayment, body: string, cip: string | null): Promise<Response> {
    try {
      await codes.recordUnknownNotification({ eventType: `dlocal.payment.${payment.status.toLowerCase()}`, body, cip });
    } catch (error) {
      return failed(error, { ...(cip !== null && { cip }), operationNumber: payment.id });
    }
    log('info', 'dLocal notification recorded', { paymentId: payment.id, status: payment.status, cip });
    return jsonResponse(200, { status: 'ignored' });
  }

  async function paid(payment: DlocalPayment, body: string): Promise<Response> {
    const code = await codeOf(codes, payment);
    const cip = cipOf(payment) ?? code?.cip ?? null;
    const info = { ...(cip !== null && { cip }), operationNumber: payment.id };
    if (cip === null) {
      // A payment of no code of this store and without a ticket: kept whole for a person.
      const answer = await record(payment, body, null);
      if (answer.status !== 200) return answer;
      log('error', 'dLocal payment for an unknown order', { paymentId: payment.id });
      return jsonResponse(200, { status: 'rejected', reason: 'unknown_cip' });
    }
    const key = `dlocal:webhook:${encodeURIComponent(payment.id)}:paid`;
    if (store) {
      try {
        const replay = await store.getValue(key);
        const response = replay === null ? null : replayResponse(replay, 200);
        if (response) return response;
      } catch (error) {
        report(error, { ...info, stage: 'dedupe', status: 200 }, 'dLocal notification dedupe lookup failed');
      }
    }
    const notice: PaymentNotice = {
      cip,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      operationNumber: payment.id,
      transactionCode: code?.id ?? payment.orderId,
      paidAt: payment.approvedDate,
      source: 'webhook',
      // Verified notifications only; every recorded one is answered 200 (see below).
      delivery: { verified: true, refusedStatus: 200 },
    };
    let outcome: PaymentOutcome;
    try {
      const result: unknown = await codes.applyPayment(notice);
      if (!isOutcome(result)) throw new TypeError('codes.applyPayment resolved to something that is not an outcome');
      outcome = result;
    } catch (error) {
      return failed(error, info);
    }
    if (store) {
      try {
        await store.putValue(key, encodeOutcome(outcome), dedupeTtlMs);
      } catch (error) {
        report(error, { ...info, stage: 'dedupe', status: 200 }, 'dLocal notification dedupe record failed');
      }
    }
    if (outcome.kind === 'paid') {
      log('info', 'dLocal payment applied', { ...info, outcome: 'paid' });
      return jsonResponse(200, { status: 'processed' });
    }
    if (outcome.kind === 'duplicate') return jsonResponse(200, { status: 'duplicate' });
    log('warn', 'dLocal payment not accepted', { ...info, outcome: outcome.kind, reason: outcome.reason });
    return jsonResponse(200, { status: outcome.kind, reason: outcome.reason });
  }

  async function handle(request: Request, ctx?: WebhookRequestContext): Promise<Response> {
    if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', { allow: 'POST' });
    if (declaresTooMuch(request.headers.get('content-length'), maxBodyBytes)) {
      return refuse(bodyTooLarge(maxBodyBytes), 'request');
    }
    if (allowList !== null && !allowList.allows(ctx?.ip)) {
      try {
        allowList.check(ctx?.ip);
      } catch (error) {
        return refuse(error, 'request');
      }
    }
    let payment: DlocalPayment;
    let text: string;
    try {
      const bytes = await readBody(request, maxBodyBytes);
      payment = await verifyDlocalNotification({
        body: bytes,
        headers: request.headers,
        login: options.login,
        secretKey: options.secretKey,
      });
      text = new TextDecoder().decode(bytes);
    } catch (error) {
      return refuse(error, 'verify');
    }
    try {
      switch (payment.status) {
        case 'PAID':
          return await paid(payment, text);
        case 'PENDING':
          // Whether dLocal notifies the initial PENDING is UNKNOWN: harmless either way.
          return jsonResponse(200, { status: 'ignored' });
        default: {
          const code = await codeOf(codes, payment);
          return await record(payment, text, cipOf(payment) ?? code?.cip ?? null);
        }
      }
    } catch (error) {
      return failed(error, { operationNumber: payment.id });
    }
  }
  return Object.assign(handle, { maxBodyBytes });
}
