import { ConfigurationError } from '../errors.js';
import type { PaymentSource } from '../model/code.js';
import { quietly } from './tracing.js';

/** Outcomes of `codes.applyPayment`, as counted by {@link CashCodesMetrics.paymentApplied}. */
export type PaymentOutcomeKind = 'paid' | 'duplicate' | 'review' | 'rejected';

/**
 * Metric callbacks (`createCashCodes({ metrics })`, `createWebhookHandler({ metrics })`): feed them
 * to your counters and histograms (Prometheus, OpenTelemetry metrics, StatsD). Every argument is an id-free
 * label or a number, so it is safe as a metric label. A callback that throws is ignored.
 */
export interface CashCodesMetrics {
  /** A new code (CIP) was issued; not called when `issue` returned the order's existing code. */
  codeIssued?(data: { currency: string; amountMinor: number }): void;
  /** `applyPayment` resolved (webhook, reconcile or manual), by outcome; `reason` for review and rejected. */
  paymentApplied?(data: { outcome: PaymentOutcomeKind; source: PaymentSource; reason: string | null }): void;
  /** The webhook handler answered a request after `durationMs` with HTTP `status`. */
  webhookHandled?(data: { durationMs: number; status: number }): void;
  /** Events still waiting in the outbox after a drain (after commits, `events.drain()`, sweeps). */
  eventsPending?(data: { pending: number }): void;
}

const NAMES = ['codeIssued', 'paymentApplied', 'webhookHandled', 'eventsPending'] as const;

/**
 * Check a `metrics` option and make every callback safe to call (a throw is swallowed).
 * @throws {ConfigurationError} when it is not an object of functions.
 */
export function resolveMetrics(metrics: unknown, where: string): Required<CashCodesMetrics> | null {
  if (metrics === undefined || metrics === null) return null;
  if (typeof metrics !== 'object') {
    throw new ConfigurationError(`${where}: metrics must be an object of callbacks such as { codeIssued }.`, {
      details: { option: 'metrics' },
    });
  }
  const given = metrics as Record<string, unknown>;
  const safe = {} as Record<(typeof NAMES)[number], (data: never) => void>;
  for (const name of NAMES) {
    const callback = given[name];
    if (callback !== undefined && typeof callback !== 'function') {
      throw new ConfigurationError(`${where}: metrics.${name} must be a function.`, {
        details: { option: `metrics.${name}` },
      });
    }
    safe[name] = (data) => {
      if (typeof callback === 'function') quietly(() => callback.call(metrics, data));
    };
  }
  return safe as unknown as Required<CashCodesMetrics>;
}
