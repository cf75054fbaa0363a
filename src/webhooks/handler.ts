import { hmacSha256Verify, hmacSha256VerifySync } from '../_crypto/hmac.js';
import { ConfigurationError, isPagoEfectivoKitError, type PagoEfectivoKitError } from '../errors.js';
import type { PaymentNotice, PaymentOutcome } from '../model/code.js';
import type { CodeEvent } from '../model/events.js';
import { formatAmount } from '../money/amount.js';
import { resolveMetrics } from '../observability/metrics.js';
import { quietly, resolveTracer, SPAN_KIND, type SpanLike, withSpan } from '../observability/tracing.js';
import { dedupeKey, encodeOutcome, isOutcome, replayResponse } from './_internal/dedupe.js';
import { resolveHandlerOptions } from './_internal/handler-options.js';
import { SIGNATURE_HEADER } from './_internal/inputs.js';
import { bodyTooLarge, declaresTooMuch, readBody } from './_internal/read-body.js';
import { errorResponse, jsonResponse, statusForCode } from './_internal/responses.js';
import { prepareVerifier } from './_internal/verifier.js';
import { CIP_PAID, type CipPaidEvent, type UnknownWebhookEvent, type WebhookEvent } from './events.js';
import type {
  RejectedOutcome,
  WebhookErrorInfo,
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookStage,
} from './handler-types.js';

/** The webhook event a code event stands for, for `onPaid`/`onRejected` (the request body is not kept). */
function cipEventOf(event: CodeEvent): CipPaidEvent {
  const data = event.data;
  const amountMinor = typeof data.amountMinor === 'number' ? data.amountMinor : 0;
  const paidAt = typeof data.paidAt === 'string' ? new Date(data.paidAt) : null;
  return {
    type: CIP_PAID,
    cip: event.cip ?? '',
    amountMinor,
    amount: typeof data.amount === 'string' ? data.amount : formatAmount(amountMinor),
    currency: typeof data.currency === 'string' ? data.currency : '',
    operationNumber: typeof data.operationNumber === 'string' ? data.operationNumber : '',
    transactionCode: event.codeId,
    paidAt,
    paymentDate: paidAt?.toISOString() ?? null,
    raw: { eventType: CIP_PAID, source: event.source, eventId: event.id },
  };
}

const asError = (error: unknown): PagoEfectivoKitError | Error =>
  error instanceof Error ? error : new Error(`non-error thrown: ${String(error).slice(0, 100)}`);

/**
 * Create the PagoEfectivo notification endpoint: `(request, ctx?) => Promise<Response>`.
 *
 * Steps: POST only (405) → body size, declared and while reading (413) → IP allow-list (403) →
 * signature (401) → payload (400) → duplicate fast path → `codes.applyPayment` → callbacks.
 * Answers: 200 for every authentic notification that was recorded, with the outcome in the body
 * (`processed`, `duplicate`, `rejected` or `review` with the reason, `ignored` for an unknown event type,
 * which is recorded too); 4xx only for requests that are not authentic or not well formed; 503 when the
 * store fails and 500 for any other failure, i.e. only when nothing was recorded, so PagoEfectivo's
 * retry is processed again. `refusedStatus: 422` keeps 0.1's answer for refusals.
 *
 * @example
 * const handle = createWebhookHandler({ secretKey, codes, store });
 * export const POST = (request: Request) => handle(request); // Next.js route handler
 *
 * @throws {ConfigurationError} for invalid options; `WebhookVerificationError` `secret_missing`.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const config = resolveHandlerOptions(options);
  const { codes, store, logger, maxBodyBytes } = config;
  const refusedStatus = options.refusedStatus ?? 200;
  if (refusedStatus !== 200 && refusedStatus !== 422) {
    throw new ConfigurationError(`refusedStatus must be 200 or 422, got ${String(refusedStatus)}.`, {
      details: { option: 'refusedStatus' },
    });
  }
  const verify = prepareVerifier(hmacSha256Verify, config.secrets, hmacSha256VerifySync);
  const tracer = resolveTracer(options.tracer, 'createWebhookHandler');
  const metrics = resolveMetrics(options.metrics, 'createWebhookHandler');

  // A throwing logger or onError must never turn a processed notification into a failure.
  function log(level: 'info' | 'warn' | 'error', message: string, data: Record<string, unknown>): void {
    try {
      logger?.[level]?.(message, data);
    } catch {}
  }

  function report(error: unknown, info: WebhookErrorInfo, message: string): void {
    const data: Record<string, unknown> = { ...info };
    if (isPagoEfectivoKitError(error)) data.code = error.code;
    log(info.status >= 500 || info.stage === 'callback' ? 'error' : 'warn', message, data);
    try {
      config.onError?.(asError(error), info);
    } catch {}
  }

  async function callback(run: () => void | Promise<void>, info: WebhookErrorInfo): Promise<void> {
    try {
      await run();
    } catch (error) {
      report(error, { ...info, stage: 'callback' }, 'PagoEfectivo webhook callback failed');
    }
  }

  // With an event outbox, onPaid/onRejected are consumers of it: at least once, whatever path paid.
  const fedByEvents = typeof codes.events?.subscribe === 'function';
  let unsubscribe: (() => void) | null = null;
  if (fedByEvents && (config.onPaid !== undefined || config.onRejected !== undefined)) {
    unsubscribe = codes.events!.subscribe(async (event) => {
      try {
        await feed(event);
      } catch (error) {
        // Reported like any callback failure, then rethrown so the outbox delivers the event again.
        report(
          error,
          { stage: 'callback', status: 200, cip: event.cip ?? undefined },
          'PagoEfectivo webhook callback failed',
        );
        throw error;
      }
    });
  }

  async function feed(event: CodeEvent): Promise<void> {
    if (event.type === 'code.paid' && config.onPaid !== undefined) {
      const code = event.codeId === null ? null : ((await codes.get?.(event.codeId)) ?? null);
      if (code === null) throw new Error(`code ${String(event.codeId)} of event ${event.id} not found`);
      await config.onPaid(cipEventOf(event), { kind: 'paid', code });
    } else if ((event.type === 'payment.review' || event.type === 'payment.rejected') && config.onRejected) {
      const code = event.codeId === null ? null : ((await codes.get?.(event.codeId)) ?? null);
      const reason = String(event.data.reason) as RejectedOutcome['reason'];
      const message = typeof event.data.message === 'string' ? event.data.message : reason;
      const outcome: RejectedOutcome =
        event.type === 'payment.review' && code !== null
          ? { kind: 'review', reason, message, code }
          : { kind: 'rejected', reason, message, code };
      await config.onRejected(cipEventOf(event), outcome);
    }
  }

  function refuse(error: unknown, stage: WebhookStage): Response {
    const code = isPagoEfectivoKitError(error) ? error.code : 'internal_error';
    const status = isPagoEfectivoKitError(error) ? statusForCode(code) : 500;
    report(error, { stage, status }, 'PagoEfectivo webhook refused');
    return errorResponse(status, status === 500 ? 'internal_error' : code);
  }

  async function settle(event: CipPaidEvent, outcome: PaymentOutcome): Promise<Response> {
    const info = { cip: event.cip, operationNumber: event.operationNumber };
    if (outcome.kind === 'paid') {
      log('info', 'PagoEfectivo payment applied', { ...info, outcome: 'paid' });
      if (!fedByEvents) {
        await callback(() => config.onPaid?.(event, outcome), { ...info, stage: 'callback', status: 200 });
      }
      return jsonResponse(200, { status: 'processed' });
    }
    if (outcome.kind === 'duplicate') return jsonResponse(200, { status: 'duplicate' });
    log('warn', 'PagoEfectivo payment not accepted', { ...info, outcome: outcome.kind, reason: outcome.reason });
    if (!fedByEvents) {
      await callback(() => config.onRejected?.(event, outcome), { ...info, stage: 'callback', status: refusedStatus });
    }
    return jsonResponse(refusedStatus, { status: outcome.kind, reason: outcome.reason });
  }

  async function apply(event: CipPaidEvent): Promise<Response> {
    const info = { cip: event.cip, operationNumber: event.operationNumber };
    const key = dedupeKey(event);
    if (store) {
      try {
        const record = await store.getValue(key);
        const replay = record === null ? null : replayResponse(record, refusedStatus);
        if (replay) return replay;
      } catch (error) {
        // The fast path is an optimisation: without it applyPayment still dedupes, so carry on.
        report(error, { ...info, stage: 'dedupe', status: 200 }, 'PagoEfectivo webhook dedupe lookup failed');
      }
    }
    const notice: PaymentNotice = { ...info, amountMinor: event.amountMinor, currency: event.currency };
    notice.transactionCode = event.transactionCode;
    notice.paidAt = event.paidAt;
    notice.source = 'webhook';
    // Only a notification whose signature verified gets here; the entry records what it is answered.
    notice.delivery = { verified: true, refusedStatus };
    let outcome: unknown;
    try {
      outcome = await codes.applyPayment(notice);
      if (!isOutcome(outcome)) throw new TypeError('codes.applyPayment resolved to something that is not an outcome');
    } catch (error) {
      const status = isPagoEfectivoKitError(error) ? statusForCode(error.code) : 500;
      const failed = Math.max(status, 500);
      report(error, { ...info, stage: 'apply', status: failed }, 'PagoEfectivo payment could not be applied');
      return errorResponse(failed, failed === 503 ? 'storage_error' : 'internal_error');
    }
    if (store) {
      try {
        await store.putValue(key, encodeOutcome(outcome), config.dedupeTtlMs);
      } catch (error) {
        // The effect is already durable; a missing record only costs a later duplicate an applyPayment call.
        report(error, { ...info, stage: 'dedupe', status: 200 }, 'PagoEfectivo webhook dedupe record failed');
      }
    }
    return settle(event, outcome);
  }

  async function unknown(event: UnknownWebhookEvent, body: Uint8Array): Promise<Response> {
    log('warn', 'PagoEfectivo webhook with an unknown event type', { eventType: event.eventType });
    if (typeof codes.recordUnknownNotification === 'function') {
      const data = event.raw.data as Record<string, unknown> | undefined;
      const cip = typeof data?.cip === 'string' || typeof data?.cip === 'number' ? String(data.cip) : null;
      try {
        await codes.recordUnknownNotification({
          eventType: event.eventType,
          body: new TextDecoder().decode(body),
          cip,
        });
      } catch (error) {
        // Nothing was recorded: answer 5xx so the one retry PagoEfectivo makes gets another chance.
        const status = isPagoEfectivoKitError(error, 'storage_error') ? 503 : 500;
        report(error, { stage: 'apply', status }, 'PagoEfectivo notification of an unknown type could not be recorded');
        return errorResponse(status, status === 503 ? 'storage_error' : 'internal_error');
      }
    }
    await callback(() => config.onUnknownEvent?.(event), { stage: 'callback', status: 200 });
    return jsonResponse(200, { status: 'ignored' });
  }

  const handleRequest = async (
    request: Request,
    ctx: { ip?: string } | undefined,
    span: SpanLike | null,
  ): Promise<Response> => {
    if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', { allow: 'POST' });
    if (declaresTooMuch(request.headers.get('content-length'), maxBodyBytes)) {
      return refuse(bodyTooLarge(maxBodyBytes), 'request');
    }
    if (config.allowList && !config.allowList.allows(ctx?.ip)) {
      try {
        config.allowList.check(ctx?.ip); // throws the GuardError that names the refused address
      } catch (error) {
        return refuse(error, 'request');
      }
    }
    let event: WebhookEvent;
    let body: Uint8Array;
    try {
      body = await readBody(request, maxBodyBytes);
      event = await verify(body, request.headers.get(SIGNATURE_HEADER));
    } catch (error) {
      return refuse(error, 'verify');
    }
    if (event.type === 'unknown') return unknown(event, body);
    if (span !== null) quietly(() => span.setAttribute('pagoefectivo.cip', event.cip));
    return apply(event);
  };
  // The span and the latency metric wrap the whole request; neither sees the body or the signature.
  const handle = (request: Request, ctx?: { ip?: string }): Promise<Response> => {
    const started = globalThis.performance?.now() ?? Date.now();
    return withSpan(
      tracer,
      'pagoefectivo.webhook',
      { kind: SPAN_KIND.server, attributes: { 'http.request.method': String(request?.method) } },
      (span) => handleRequest(request, ctx, span),
      (response, span) => span.setAttribute('http.response.status_code', response.status),
    ).then((response) => {
      const durationMs = (globalThis.performance?.now() ?? Date.now()) - started;
      metrics?.webhookHandled({ durationMs: Math.round(durationMs * 1000) / 1000, status: response.status });
      return response;
    });
  };
  const handler = Object.assign(handle, { maxBodyBytes });
  // A handler created per request (instead of once) must not leave its subscription behind forever.
  if (unsubscribe !== null) subscriptions?.register(handler, unsubscribe);
  return handler;
}

/** Drops the outbox subscription of a handler once the handler itself is garbage. */
const subscriptions =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<() => void>((unsubscribe) => unsubscribe())
    : null;
