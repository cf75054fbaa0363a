/**
 * The handler's HTTP answers. Bodies are small, stable JSON documents that never carry internals
 * (no stack, no store error text, no secret): PagoEfectivo only looks at the status code.
 */
import type { PaymentRejectReason } from '../../model/code.js';

/** The JSON body of every response of `createWebhookHandler`. */
export type WebhookResponseBody =
  | { status: 'processed' | 'duplicate' | 'ignored' }
  | { status: 'rejected' | 'review'; reason: PaymentRejectReason; duplicate?: true }
  | { status: 'error'; code: string };

/** The 0.1 status of a refused payment, kept by `createWebhookHandler({ refusedStatus: 422 })`. */
export const REJECTED_STATUS = 422;

/** A JSON response that proxies and browsers must not cache. */
export function jsonResponse(
  status: number,
  body: WebhookResponseBody,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** An error answer carrying only a stable code. */
export function errorResponse(status: number, code: string, headers?: Record<string, string>): Response {
  return jsonResponse(status, { status: 'error', code }, headers);
}

/** The HTTP status for an SDK error code raised while reading or verifying a notification. */
export function statusForCode(code: string): number {
  switch (code) {
    case 'body_too_large':
      return 413;
    case 'signature_missing':
    case 'signature_malformed':
    case 'signature_mismatch':
      return 401;
    case 'ip_not_allowed':
      return 403;
    case 'malformed_payload':
    case 'body_not_raw':
      return 400;
    case 'storage_error':
      return 503;
    default:
      return 500;
  }
}
