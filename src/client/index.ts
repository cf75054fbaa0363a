/**
 * The PagoEfectivo REST client ("API CIP v1"): token cache with single-flight refresh, CIP creation,
 * search, expiry update and deletion, local validation with valibot and typed errors.
 *
 * @module client
 */

// client
export { createPagoEfectivoClient, isCreationOutcomeUnknown, type PagoEfectivoClient } from './client.js';
export type { AuthSession } from './auth.js';

// options
export {
  PAGOEFECTIVO_BASE_URLS,
  type FetchLike,
  type PagoEfectivoClientOptions,
  type RetryOptions,
} from './options.js';

// observability: request/response hooks and the tracer type
export type { ClientHooks, ClientRequestEvent, ClientResponseEvent } from '../observability/client-hooks.js';
export type { SpanLike, TracerLike } from '../observability/tracing.js';

// request schemas
export { CreateCipInputSchema, CipNumberSchema, DateExpirySchema } from './request-schemas.js';

// response schemas and types
export {
  EnvelopeSchema,
  type Envelope,
  FieldErrorSchema,
  AuthDataSchema,
  type AuthData,
  CreatedCipDataSchema,
  type CreatedCipData,
  SearchedCipSchema,
  type SearchedCip,
  SearchDataSchema,
} from './response-schemas.js';

// provider contract (re-exported for convenience)
export type { CashCodeProvider, CipStatus, CreateCipInput, CreatedCip } from '../model/provider.js';
export { STATUS_GENERATED } from './cips.js';
