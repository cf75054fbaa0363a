import { ConfigurationError } from '../errors.js';
import { createIpAllowList } from '../guards/ip.js';
import { createRateLimiter } from '../guards/rate-limit.js';
import { toKitLogger } from '../logging/index.js';
import type { CashCode, LifecycleEntry, PaymentNotice, PaymentOutcome } from '../model/code.js';
import type { CodeEvent } from '../model/events.js';
import { type CashCodeProvider, providerSupports } from '../model/provider.js';
import { type CashCodesMetrics, resolveMetrics } from '../observability/metrics.js';
import { attributes, resolveTracer, type TracerLike, withSpan } from '../observability/tracing.js';
import type { CashCodeStore, LogPage, LogPageOptions } from '../storage/contract.js';
import { type ExpiryPolicy, resolveExpiryPolicy } from '../time/expiry.js';
import { type CashCodesLogger, type ServiceContext, typedStore } from './_context.js';
import { cancel } from './cancel.js';
import { type CashCodeEvents, createEventDelivery, type EventDeliveryOptions, type EventHandler } from './events.js';
import { history } from './history.js';
import { createCodeId, type IdGenerator } from './ids.js';
import type { IssueInput } from './input.js';
import { type IssueResult, issue } from './issue.js';
import { recordUnknownNotification, type UnknownNotification } from './notifications.js';
import { applyPayment } from './payment.js';
import { type ResolveInput, resolve } from './resolve.js';
import { recordJobRun } from './runs.js';
import { type SweepOptions, type SweepSummary, sweepExpired } from './sweep.js';
import { createVoucherSigner, type VoucherSigningKey } from './voucher-signer.js';

/** Options of {@link createCashCodes}. */
export interface CashCodesOptions {
  /**
   * The payment provider: the direct PagoEfectivo client (`createPagoEfectivoClient`), a gateway
   * (`createDlocalProvider` from `pagoefectivo-kit/providers/dlocal`) or any other {@link CashCodeProvider}.
   * Switching providers is a change of this line only (docs/providers.md).
   */
  provider?: CashCodeProvider;
  /**
   * The provider under its 0.1 name.
   * @deprecated Use `provider` (same value); `client` keeps working and is removed in 1.0.
   */
  client?: CashCodeProvider;
  /** Where codes, their lifecycle log, dedupe keys and counters live. */
  store: CashCodeStore;
  /** Expiry hours, bounds and holiday extension (default 24 h within 1–72 h, no extension). */
  policy?: ExpiryPolicy;
  /**
   * Sign every issued code into a voucher token (`IssueResult.voucherToken`): the `kid` and `secretKey`
   * of `generateVoucherKeys()` from `pagoefectivo-kit/voucher/token`. Order ids are then limited to 64 bytes.
   */
  voucherKey?: VoucherSigningKey;
  /** Structured logger; receives ids, statuses and error codes only, never payer data or secrets. */
  logger?: CashCodesLogger;
  /** The clock (default `() => new Date()`). */
  now?: () => Date;
  /** Per-IP limit on `issue` (needs `clientIp` in every `issue` input). */
  rateLimit?: { limit: number; windowMs: number; keyPrefix?: string };
  /** IPs/CIDR ranges allowed to `issue` (needs `clientIp`); omit to allow any. */
  allowIps?: readonly string[];
  /** Code ids (default {@link createCodeId}); must be unique and 1–36 of `[A-Za-z0-9_-]`. */
  idGenerator?: IdGenerator;
  /**
   * How long a reservation holds an order while `createCip` runs (default 60 000 ms). Set it well above
   * the client's timeout × attempts: once it runs out, another request may take the order over.
   */
  leaseMs?: number;
  /** How long a concurrent `issue` for the same order waits for the first one to commit (default 10 000 ms). */
  inFlightWaitMs?: number;
  /**
   * How long after a CIP's expiry it is still treated as possibly paid (default 600 000 = 10 min).
   * PagoEfectivo reports payments asynchronously ("usually within 5 minutes"), and its "expired" is only
   * the clock past `dateExpiry`; during this grace the sweeper leaves the code pending and `issue` refuses
   * a new code with `order_previous_code_unconfirmed`, so a payment made just before expiry cannot
   * double-collect. Lower it only in tests; 0 turns the protection off.
   */
  settlementGraceMs?: number;
  /**
   * The one fulfilment hook: every event (`code.paid`, `code.expired`, `payment.review`, …) whatever
   * path made it, called right after the change commits and at least once per event. A throw or a
   * timeout leaves the event pending for a later attempt (`codes.events.drain()`, `sweepExpired()`):
   * dedupe by `event.id`.
   */
  onEvent?: EventHandler;
  /** Retries, backoff, dead-letter threshold and timeouts of the event delivery. */
  delivery?: EventDeliveryOptions;
  /**
   * An OpenTelemetry tracer (`trace.getTracer('pagoefectivo-kit')`): spans for `issue`, `applyPayment`
   * and `sweepExpired` with CIP, order and code ids, never payer data (docs/observability.md).
   */
  tracer?: TracerLike;
  /** Metric callbacks: codes issued, payments by outcome, events pending (docs/observability.md). */
  metrics?: CashCodesMetrics;
}

/** The codes service: issue, look up, cancel and settle PagoEfectivo payment codes safely. */
export interface CashCodes {
  /**
   * Issue the order's payment code, or return its existing pending code for the same amount and
   * currency (`created: false`). Guards (IP allow-list, rate limit) run before any API call.
   * @throws {ValidationError} bad input; {@link GuardError} `order_already_paid`, `order_cancelled`,
   * `order_amount_conflict`, `order_code_in_flight`, `order_previous_code_unconfirmed`,
   * `expiry_out_of_bounds`, `rate_limited`, `ip_not_allowed`, `code_creation_outcome_unknown`;
   * {@link ApiError} when PagoEfectivo rejects the request; {@link StorageError} when the store fails.
   */
  issue(input: IssueInput): Promise<IssueResult>;
  /** A code by code id, else the current code of an order id, else by CIP number; `null` if none. */
  get(idOrOrderId: string): Promise<CashCode | null>;
  /**
   * Cancel an order: delete its CIP at PagoEfectivo and mark the code `cancelled` (no new code ever).
   * @throws {GuardError} `code_not_found`, `code_not_cancellable` (paid, including a payment discovered
   * while cancelling, which is recorded), `order_code_in_flight` (being created).
   */
  cancel(orderId: string): Promise<CashCode>;
  /**
   * Apply a payment notification. Resolves `paid`, `duplicate` (same CIP and operation again) or
   * `rejected` with a reason that is also written to the lifecycle log. Rejects only with
   * `ValidationError` (malformed notice) or `StorageError` (answer 5xx so the sender retries).
   */
  applyPayment(notice: PaymentNotice): Promise<PaymentOutcome>;
  /** Expire pending codes past expiry after confirming with the API; recover missed payments. */
  sweepExpired(options?: SweepOptions): Promise<SweepSummary>;
  /** The append-only lifecycle log of a code id (or `cip:<number>` for unknown CIPs), oldest first. */
  history(codeId: string): Promise<LifecycleEntry[]>;
  /**
   * One page of the lifecycle log: the newest `limit` entries (1–1000), or with `before` (the previous
   * page's `nextCursor`) the ones written before that page; entries oldest first within the page.
   * Read from the store's index when it has `readLogPage`, else sliced from `readLog`.
   * @throws {ValidationError} a limit outside 1–1000, or a cursor not returned for this code by this store.
   */
  history(codeId: string, page: LogPageOptions): Promise<LogPage>;
  /**
   * Settle a payment under review: `accept` makes the code `paid` (event `code.paid`), `refund` makes it
   * `refund_required` (event `payment.refund_required`); both are in the lifecycle log with `actor`.
   * @throws {GuardError} `code_not_found`, `code_not_in_review`; {@link ValidationError} for bad input.
   */
  resolve(codeId: string, input: ResolveInput): Promise<CashCode>;
  /** The event outbox: `drain`, `subscribe`, `list`, `redrive`. */
  readonly events: CashCodeEvents;
  /**
   * Record an authentic notification of a type the SDK does not know (body kept in the log) and
   * surface it as a `notification.unknown` event; the webhook handler calls it. Idempotent per body.
   */
  recordUnknownNotification(notification: UnknownNotification): Promise<CodeEvent>;
}

/** The ids of a code a span may carry: code, order and CIP; amounts in minor units; no payer data. */
function codeAttributes(code: CashCode): Record<string, string | number> {
  const values: Record<string, string | number> = {
    'pagoefectivo.code_id': code.id,
    'pagoefectivo.order_id': code.orderId,
    'pagoefectivo.status': code.status,
    'pagoefectivo.amount_minor': code.amountMinor,
    'pagoefectivo.currency': code.currency,
  };
  if (code.cip !== null) values['pagoefectivo.cip'] = code.cip;
  return values;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new ConfigurationError(`${name} must be a positive integer of milliseconds (got ${String(value)}).`);
  }
  return resolved;
}

/** The counts of a sweep, as recorded for `doctor`. */
function sweepCounts(summary: SweepSummary): Record<string, number> {
  const { expired, paid, review, skipped, unconfirmed, errors, released, purged } = summary;
  return { expired, paid, review, skipped, unconfirmed, errors, released, purged };
}

/** Default of `settlementGraceMs`: PagoEfectivo says payments usually reflect within 5 minutes; double it. */
const DEFAULT_SETTLEMENT_GRACE_MS = 600_000;

function nonNegativeInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(`${name} must be a non-negative integer of milliseconds (got ${String(value)}).`);
  }
  return value;
}

/**
 * Create the codes service.
 *
 * @example
 * ```ts
 * const codes = createCashCodes({ provider: createPagoEfectivoClient(credentials), store: memoryStore() });
 * const { code } = await codes.issue({ orderId: 'ORD-1', amount: '150.50', currency: 'PEN', payer: { email } });
 * ```
 * @throws {ConfigurationError} `config_invalid` for a missing client/store or an invalid option.
 */
export function createCashCodes(options: CashCodesOptions): CashCodes {
  const { store } = options ?? ({} as CashCodesOptions);
  if (options?.provider !== undefined && options.client !== undefined && options.provider !== options.client) {
    throw new ConfigurationError('createCashCodes: give `provider` only (`client` is its deprecated name).', {
      details: { option: 'provider' },
    });
  }
  const client = (options?.provider ?? options?.client) as CashCodeProvider;
  for (const method of ['createCip', 'searchCips', 'deleteCip'] as const) {
    if (typeof client?.[method] !== 'function')
      throw new ConfigurationError(
        `createCashCodes: provider.${method} is missing; pass createPagoEfectivoClient(...) or another provider.`,
        { details: { option: 'provider' } },
      );
  }
  if (options.policy !== undefined && !providerSupports(client, 'merchantExpiry')) {
    throw new ConfigurationError(
      `createCashCodes: ${client.provider ?? 'the provider'} sets the expiry of its codes itself, so an expiry \`policy\` cannot be honoured; remove it (docs/providers.md).`,
      { details: { option: 'policy', provider: client.provider ?? null } },
    );
  }
  if (typeof store?.claimOrder !== 'function')
    throw new ConfigurationError('createCashCodes: store must be a CashCodeStore (e.g. memoryStore()).');
  const safeStore = typedStore(store);
  const now = options.now ?? (() => new Date());
  // pino-style loggers take (fields, message): adapted so that no field is lost.
  const logger = options.logger ? toKitLogger(options.logger) : null;
  const tracer = resolveTracer(options.tracer, 'createCashCodes');
  const metrics = resolveMetrics(options.metrics, 'createCashCodes');
  const events = createEventDelivery({
    store: safeStore,
    onEvent: options.onEvent,
    options: options.delivery,
    now,
    logger,
    ...(metrics !== null && { onDrained: (result) => metrics.eventsPending({ pending: result.pending }) }),
  });
  const ctx: ServiceContext = {
    provider: client,
    store: safeStore,
    policy: resolveExpiryPolicy(options.policy),
    logger,
    now,
    newId: options.idGenerator ?? (() => createCodeId({ at: now() })),
    leaseMs: positiveInt(options.leaseMs, 60_000, 'leaseMs'),
    inFlightWaitMs: positiveInt(options.inFlightWaitMs, 10_000, 'inFlightWaitMs'),
    settlementGraceMs: nonNegativeInt(
      options.settlementGraceMs,
      nonNegativeInt(client.settlementGraceMs, DEFAULT_SETTLEMENT_GRACE_MS, 'provider.settlementGraceMs'),
      'settlementGraceMs',
    ),
    allowList: options.allowIps === undefined ? null : createIpAllowList(options.allowIps),
    rateLimiter:
      options.rateLimit === undefined ? null : createRateLimiter({ ...options.rateLimit, store: safeStore, now }),
    events,
    afterCommit: () => events.afterCommit(),
  };
  const voucher = createVoucherSigner(options.voucherKey, now);
  async function issueCode(input: IssueInput): Promise<IssueResult> {
    if (voucher === null) return issue(ctx, input);
    // Before any store or API call: a created code whose token cannot be signed would be a half success.
    if (typeof input?.orderId === 'string') voucher.checkOrderId(input.orderId);
    const result = await issue(ctx, input);
    return { ...result, voucherToken: await voucher.sign(result.code) };
  }
  // Spans and metrics wrap the operations from outside: their logic stays as it is.
  return {
    issue(input) {
      const orderId = typeof input?.orderId === 'string' ? input.orderId : null;
      return withSpan(
        tracer,
        'pagoefectivo.issue',
        { attributes: attributes({ 'pagoefectivo.order_id': orderId }) },
        async () => {
          const result = await issueCode(input);
          if (result.created) {
            metrics?.codeIssued({ currency: result.code.currency, amountMinor: result.code.amountMinor });
          }
          return result;
        },
        (result, span) => {
          for (const [key, value] of Object.entries(codeAttributes(result.code))) span.setAttribute(key, value);
          span.setAttribute('pagoefectivo.created', result.created);
        },
      );
    },
    async get(idOrOrderId) {
      if (typeof idOrOrderId !== 'string' || idOrOrderId === '') return null;
      return (
        (await safeStore.getCode(idOrOrderId)) ??
        (await safeStore.getCodeByOrder(idOrOrderId)) ??
        (await safeStore.getCodeByCip(idOrOrderId))
      );
    },
    cancel: (orderId) => cancel(ctx, orderId),
    applyPayment(notice) {
      const cip = typeof notice?.cip === 'string' ? notice.cip : null;
      return withSpan(
        tracer,
        'pagoefectivo.applyPayment',
        {
          attributes: attributes({
            'pagoefectivo.cip': cip,
            'pagoefectivo.source': typeof notice?.source === 'string' ? notice.source : 'webhook',
          }),
        },
        async () => {
          const outcome = await applyPayment(ctx, notice);
          metrics?.paymentApplied({
            outcome: outcome.kind,
            source: notice.source ?? 'webhook',
            reason: 'reason' in outcome ? outcome.reason : null,
          });
          return outcome;
        },
        (outcome, span) => {
          span.setAttribute('pagoefectivo.outcome', outcome.kind);
          if ('reason' in outcome) span.setAttribute('pagoefectivo.reason', outcome.reason);
          if (outcome.code)
            for (const [key, value] of Object.entries(codeAttributes(outcome.code))) span.setAttribute(key, value);
        },
      );
    },
    sweepExpired(sweepOptions) {
      return withSpan(
        tracer,
        'pagoefectivo.sweepExpired',
        {},
        async () => {
          const summary = await sweepExpired(ctx, sweepOptions);
          // doctor checks that a sweeper runs: one overwritten value per store, never a growing log.
          await recordJobRun(safeStore, {
            job: 'sweep',
            at: now(),
            ok: summary.errors === 0,
            counts: sweepCounts(summary),
          });
          return summary;
        },
        (summary, span) => {
          const keys = ['expired', 'paid', 'review', 'skipped', 'unconfirmed', 'errors', 'released', 'purged'] as const;
          for (const key of keys) {
            span.setAttribute(`pagoefectivo.sweep.${key}`, summary[key]);
          }
        },
      );
    },
    history: ((codeId: string, page?: LogPageOptions) => history(safeStore, codeId, page)) as CashCodes['history'],
    resolve: (codeId, input) => resolve(ctx, codeId, input),
    events: { drain: events.drain, subscribe: events.subscribe, list: events.list, redrive: events.redrive },
    recordUnknownNotification: (notification) => recordUnknownNotification(ctx, notification),
  };
}
