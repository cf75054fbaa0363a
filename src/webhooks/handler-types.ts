import type { PaymentNotice, PaymentOutcome } from '../model/code.js';
import type { CashCodeStore } from '../storage/contract.js';
import type { CipPaidEvent, UnknownWebhookEvent } from './events.js';

/** What the handler needs from the codes service: `createCashCodes(...)` satisfies it. */
export interface PaymentApplier {
  /**
   * Apply a payment notification. Must be idempotent on (`cip`, `operationNumber`), make exactly one
   * transition under concurrency, record rejections, and reject (throw) when the store fails.
   */
  applyPayment(notice: PaymentNotice): Promise<PaymentOutcome>;
}

/** The outcome of a notification that moved its code to `paid`. */
export type PaidOutcome = Extract<PaymentOutcome, { kind: 'paid' }>;

/** The outcome of an authentic notification whose payment was refused (and recorded). */
export type RejectedOutcome = Extract<PaymentOutcome, { kind: 'rejected' }>;

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
  /** Called once for the delivery that moved the code to `paid`. Its failure is reported, not retried. */
  onPaid?: (event: CipPaidEvent, outcome: PaidOutcome) => void | Promise<void>;
  /** Called when applyPayment refused the payment (amount mismatch, unknown CIP, paid after expiry…). */
  onRejected?: (event: CipPaidEvent, outcome: RejectedOutcome) => void | Promise<void>;
  /** Called for a verified event of a type this SDK does not handle (answered 200 `ignored`). */
  onUnknownEvent?: (event: UnknownWebhookEvent) => void | Promise<void>;
  /** Called for every failure: refused requests, store/apply errors, callback errors. Must not throw. */
  onError?: (error: unknown, info: WebhookErrorInfo) => void;
  /**
   * Receives one line per notification (info), refusal (warn) and failure (error). Pino-style loggers
   * are recognised and called as `(fields, message)`.
   */
  logger?: WebhookLogger;
}

/** A web-standard webhook handler: `Request` in, `Response` out. */
export interface WebhookHandler {
  (request: Request, ctx?: WebhookRequestContext): Promise<Response>;
  /** The body size limit, read by `toNodeListener` so both layers enforce the same limit. */
  readonly maxBodyBytes: number;
}
