/**
 * PagoEfectivo payment notifications: verify the `PE-Signature` (HMAC-SHA256 of the raw body), parse
 * into typed events with exact amounts, and a web-standard handler (`Request` in, `Response` out) that
 * dedupes and applies payments to the codes service. The Node adapter lives in
 * `pagoefectivo-kit/webhooks/node`; a test signer in `pagoefectivo-kit/testing`.
 *
 * This entry is light: the SDK's own money/time helpers only (no PDF, no driver); valibot loads on
 * demand, only for a notification off the common `cip.paid` shape.
 *
 * @module webhooks
 */

// verification
export { verifyWebhook } from './verify.js';
export type { VerifyWebhookOptions } from './_internal/verifier.js';
export type { HeadersLike } from './_internal/inputs.js';

// events (their valibot schemas: `pagoefectivo-kit/webhooks/schemas`)
export { parseWebhookEvent } from './parse.js';
export {
  CIP_PAID,
  type CipPaidEvent,
  type CipPaidFields,
  type UnknownWebhookEvent,
  type WebhookEvent,
} from './events.js';

// handler
export { createWebhookHandler } from './handler.js';
export type {
  PaidOutcome,
  PaymentApplier,
  RejectedOutcome,
  WebhookDedupeStore,
  WebhookErrorInfo,
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookLogger,
  WebhookRequestContext,
  WebhookStage,
} from './handler-types.js';
export type { WebhookResponseBody } from './_internal/responses.js';

// loggers: pino-style `(fields, message)` adapted to the SDK's `(message, fields)`
export {
  fromPino,
  isPinoStyleLogger,
  toKitLogger,
  type FieldsFirstLogger,
  type KitLogger,
  type LogFields,
} from '../logging/index.js';

// errors raised here
export { isPagoEfectivoKitError, WebhookVerificationError } from '../errors.js';
