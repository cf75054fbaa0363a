/**
 * PagoEfectivo cash codes through the dLocal gateway (Payins API, Peru, payment method `EF`): a
 * provider for `createCashCodes({ provider })`, the notification verifier and a web-standard
 * notification handler that feeds the same payment judgement and events as direct PagoEfectivo.
 * See docs/providers.md for what is CONFIRMED, SINGLE-SOURCE and UNKNOWN about dLocal's API.
 *
 * @module providers/dlocal
 */

export {
  checkDlocalInput,
  createDlocalProvider,
  DLOCAL_BASE_URLS,
  DLOCAL_SETTLEMENT_GRACE_MS,
  type DlocalProvider,
  type DlocalProviderOptions,
} from './provider.js';
export { verifyDlocalNotification, type VerifyDlocalNotificationOptions } from './verify.js';
export { createDlocalWebhookHandler, type DlocalWebhookHandlerOptions } from './handler.js';
export {
  parseDlocalPayment,
  type DlocalPayment,
  type DlocalPaymentStatus,
  type DlocalTicket,
} from './payment.js';
export { dlocalSignature } from './signature.js';
export { DLOCAL_API_VERSION } from './transport.js';
export type { HeadersLike } from '../../webhooks/_internal/inputs.js';
export type {
  WebhookDedupeStore,
  WebhookErrorInfo,
  WebhookHandler,
  WebhookLogger,
  WebhookRequestContext,
  PaymentApplier,
} from '../../webhooks/handler-types.js';
export {
  ApiError,
  GuardError,
  isPagoEfectivoKitError,
  ValidationError,
  WebhookVerificationError,
} from '../../errors.js';
