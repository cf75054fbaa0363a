import { hmacSha256Verify, hmacSha256VerifySync } from '../_crypto/hmac.js';
import { isPagoEfectivoKitError } from '../errors.js';
import type { PaymentNotice, PaymentOutcome } from '../model/code.js';
import { dedupeKey, encodeOutcome, isOutcome, replayResponse } from './_internal/dedupe.js';
import { resolveHandlerOptions } from './_internal/handler-options.js';
import { SIGNATURE_HEADER } from './_internal/inputs.js';
import { bodyTooLarge, declaresTooMuch, readBody } from './_internal/read-body.js';
import { errorResponse, jsonResponse, REJECTED_STATUS, statusForCode } from './_internal/responses.js';
import { prepareVerifier } from './_internal/verifier.js';
import type { CipPaidEvent, WebhookEvent } from './events.js';
import type { WebhookErrorInfo, WebhookHandler, WebhookHandlerOptions, WebhookStage } from './handler-types.js';

/**
 * Create the PagoEfectivo notification endpoint: `(request, ctx?) => Promise<Response>`.
 *
 * Steps: POST only (405) → body size, declared and while reading (413) → IP allow-list (403) →
 * signature (401) → payload (400) → duplicate fast path → `codes.applyPayment` → callbacks.
 * Answers: 200 `processed` / `duplicate` / `ignored` (unknown event type); 422 `rejected` with the
 * reason (the payment is authentic but refused, and recorded); 503 when the store fails and 500 for
 * any other failure, so PagoEfectivo retries. A 2xx is sent only after the effect is durable.
 *
 * @example
 * const handle = createWebhookHandler({ secretKey, codes, store, onPaid: (event) => fulfil(event) });
 * export const POST = (request: Request) => handle(request); // Next.js route handler
 *
 * @throws {ConfigurationError} for invalid options; `WebhookVerificationError` `secret_missing`.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const config = resolveHandlerOptions(options);
  const { codes, store, logger, maxBodyBytes } = config;
  const verify = prepareVerifier(hmacSha256Verify, config.secrets, hmacSha256VerifySync);

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
      config.onError?.(error, info);
    } catch {}
  }

  async function callback(run: () => void | Promise<void>, info: WebhookErrorInfo): Promise<void> {
    try {
      await run();
    } catch (error) {
      report(error, { ...info, stage: 'callback' }, 'PagoEfectivo webhook callback failed');
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
      await callback(() => config.onPaid?.(event, outcome), { ...info, stage: 'callback', status: 200 });
      return jsonResponse(200, { status: 'processed' });
    }
    if (outcome.kind === 'duplicate') return jsonResponse(200, { status: 'duplicate' });
    log('warn', 'PagoEfectivo payment rejected', { ...info, outcome: 'rejected', reason: outcome.reason });
    await callback(() => config.onRejected?.(event, outcome), { ...info, stage: 'callback', status: REJECTED_STATUS });
    return jsonResponse(REJECTED_STATUS, { status: 'rejected', reason: outcome.reason });
  }

  async function apply(event: CipPaidEvent): Promise<Response> {
    const info = { cip: event.cip, operationNumber: event.operationNumber };
    const key = dedupeKey(event);
    if (store) {
      try {
        const record = await store.getValue(key);
        const replay = record === null ? null : replayResponse(record);
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

  const handle = async (request: Request, ctx?: { ip?: string }): Promise<Response> => {
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
    try {
      const body = await readBody(request, maxBodyBytes);
      event = await verify(body, request.headers.get(SIGNATURE_HEADER));
    } catch (error) {
      return refuse(error, 'verify');
    }
    if (event.type === 'unknown') {
      log('warn', 'PagoEfectivo webhook with an unknown event type, acknowledged', { eventType: event.eventType });
      await callback(() => config.onUnknownEvent?.(event), { stage: 'callback', status: 200 });
      return jsonResponse(200, { status: 'ignored' });
    }
    return apply(event);
  };
  return Object.assign(handle, { maxBodyBytes });
}
