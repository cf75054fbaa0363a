import type { PagoEfectivoKitError } from '../errors.js';
import type { CashCode, PaymentNotice, PaymentOutcome } from '../model/code.js';
import type { CodeEvent } from '../model/events.js';
import type { CashCodesMetrics } from '../observability/metrics.js';
import type { TracerLike } from '../observability/tracing.js';
import type { CashCodeStore } from '../storage/contract.js';
import type { CipPaidEvent, UnknownWebhookEvent } from './events.js';

/** What the handler needs from the codes service: `createCashCodes(...)` satisfies it. */
export interface PaymentApplier {
  /**
   * Apply a payment notification. Must be idempotent on (`cip`, `operationNumber`), make exactly one
   * transition under concurrency, record rejections, and reject (throw) when the store fails.
   */
  applyPayment(notice: PaymentNotice): Promise<PaymentOutcome>;
  /**
   * The event outbox (`createCashCodes` has it). When present, `onPaid` and `onRejected` are fed from
   * its events, with their at-least-once delivery, instead of being called once from the request.
   */
  readonly events?: { subscribe(handler: (event: CodeEvent) => void | Promise<void>): () => void };
  /** Look a code up (`createCashCodes` has it); used to hand `onPaid` the stored code. */
  get?(idOrOrderId: string): Promise<CashCode | null>;
  /** Record an authentic notification of an unknown type (`createCashCodes` has it). */
  recordUnknownNotification?(notification: { eventType: string; body: string; cip?: string | null }): Promise<unknown>;
}

/** The outcome of a notification that moved its code to `paid`. */
export type PaidOutcome = Extract<PaymentOutcome, { kind: 'paid' }>;

/**
 * The outcome of an authentic payment that was not accepted, and recorded: refused (`rejected`), or
 * held for a person's decision (`review`, see `codes.resolve`).
 */
export type RejectedOutcome = Extract<PaymentOutcome, { kind: 'rejected' | 'review' }>;

/** The part of a store the handler uses for its duplicate fast path. Any `CashCodeStore` fits. */
export type WebhookDedupeStore = Pick<CashCodeStore, 'getValue' | 'putValue'>;

/** Where in the handling an error happened. */
export type WebhookStage = 'request' | 'verify' | 'dedupe' | 'apply' | 'callback';

/** Context passed to `onError` and to log lines. Never contains the body or a secret. */
export interface WebhookErrorInfo {
  stage: WebhookStage;
  /**
   * The HTTP status of the answer. A failed dedupe lookup does not decide the answer (processing goes
   * on without the fast path) and reports 200, the answer it expects.
   */
  status: number;
  cip?: string;
  operationNumber?: string;
}

/**
 * A `(message, data)` logger such as `console` or winston; every method optional. A pino logger (or
 * Fastify's `request.log`) is detected and adapted to this shape (see `toKitLogger`); wrap other
 * fields-first loggers with `fromPino`.
 */
export interface WebhookLogger {
  info?(message: string, data?: Record<string, unknown>): void;
  warn?(message: string, data?: Record<string, unknown>): void;
  error?(message: string, data?: Record<string, unknown>): void;
}

/** Facts only the runtime knows, passed in by the server adapter. */
export interface WebhookRequestContext {
  /** The client's IP address, as your server or proxy determined it (needed with `allowIps`). */
  ip?: string;
}

/** Options of `createWebhookHandler`. */
export interface WebhookHandlerOptions {
  /** The service's secretKey, or several while rotating. */
  secretKey: string | readonly string[];
  /** The codes service (`createCashCodes(...)`) or anything with the same `applyPayment`. */
  codes: PaymentApplier;
  /**
   * Store for the duplicate fast path: after a notification's effect is durable its outcome is saved
   * under `cip` + `operationNumber`, and a redelivery is answered from it without re-applying.
   * Without a store every delivery goes to `applyPayment`, which is idempotent anyway.
   */
  store?: WebhookDedupeStore;
  /** How long the dedupe record lives (default 7 days). */
  dedupeTtlMs?: number;
  /** IPs / CIDR ranges allowed to call (IPv4 and IPv6). Requires `ctx.ip`; a missing IP is refused. */
  allowIps?: readonly string[];
  /** Largest accepted body in bytes (default 65 536). */
  maxBodyBytes?: number;
  /**
   * Called for every code that became paid (through this webhook, the sweeper, reconciliation or an
   * accepted review). With `createCashCodes` as `codes`, it is fed by the event outbox: at least once per
   * payment, in the process that created this handler, retried while it throws (dedupe by
   * `outcome.code.id`). Prefer `createCashCodes({ onEvent })`, which sees every event in every process.
   * Create the handler once (at module scope): each handler subscribes to the outbox.
   */
  onPaid?: (event: CipPaidEvent, outcome: PaidOutcome) => void | Promise<void>;
  /**
   * Called for a payment that was refused or put under review (amount mismatch, unknown CIP, paid after
   * expiry…), fed like `onPaid`.
   */
  onRejected?: (event: CipPaidEvent, outcome: RejectedOutcome) => void | Promise<void>;
  /** Called for a verified event of a type this SDK does not handle (answered 200 `ignored`). */
  onUnknownEvent?: (event: UnknownWebhookEvent) => void | Promise<void>;
  /**
   * Called for every failure: refused requests, store/apply errors, callback errors. The error is
   * normally a `PagoEfectivoKitError` (a stable `code`); a throwing callback's own error is passed as is.
   */
  onError?: (error: PagoEfectivoKitError | Error, info: WebhookErrorInfo) => void;
  /**
   * HTTP status for authentic notifications whose payment was refused or put under review (recorded
   * either way). Default 200: PagoEfectivo expects 200 and retries anything else once, which would only
   * repeat the refusal. `422` keeps the answer of 0.1.
   */
  refusedStatus?: 200 | 422;
  /**
   * Receives one line per notification (info), refusal (warn) and failure (error). Pino-style loggers
   * are recognised and called as `(fields, message)`.
   */
  logger?: WebhookLogger;
  /**
   * An OpenTelemetry tracer (`trace.getTracer('pagoefectivo-kit')`): one server span per request with the
   * status and CIP, parent of the `applyPayment` span (docs/observability.md).
   */
  tracer?: TracerLike;
  /** `webhookHandled({ durationMs, status })` after every request; pass the `createCashCodes` metrics object. */
  metrics?: Pick<CashCodesMetrics, 'webhookHandled'>;
}

/** A web-standard webhook handler: `Request` in, `Response` out. */
export interface WebhookHandler {
  (request: Request, ctx?: WebhookRequestContext): Promise<Response>;
  /** The body size limit, read by `toNodeListener` so both layers enforce the same limit. */
  readonly maxBodyBytes: number;
}
