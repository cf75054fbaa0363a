// Observability types and helpers. Nothing here imports `@opentelemetry/api`: tracers are passed in.
export type { ClientHooks, ClientRequestEvent, ClientResponseEvent } from './client-hooks.js';
export type { CashCodesMetrics, PaymentOutcomeKind } from './metrics.js';
export type { SpanAttributes, SpanLike, TracerLike } from './tracing.js';
