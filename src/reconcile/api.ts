import { referenceOf } from '../codes/reference.js';
import { ConfigurationError } from '../errors.js';
import type { CashCode, CodeStatus } from '../model/code.js';
import type { CashCodeProvider, CipStatus } from '../model/provider.js';
import { resolveTracer, type TracerLike, withSpan } from '../observability/tracing.js';
import type { CashCodeStore, ListCodesFilter } from '../storage/contract.js';
import { buildReport } from './_build.js';
import { compareWithApi } from './_compare.js';
import { recorded } from './_runs.js';
import type { PaymentApplier, ReconcileItem, ReconcileReport } from './types.js';

export type { PaymentApplier } from './types.js';

/** Progress of a running {@link reconcileWithApi}, reported after each batch. */
export interface ReconcileProgress {
  /** Codes compared so far. */
  checked: number;
  /** Search calls made so far. */
  batches: number;
}

/** Options of {@link reconcileWithApi}. */
export interface ReconcileWithApiOptions {
  /** The codes service: missed payments are applied through its `applyPayment`. */
  codes: PaymentApplier;
  /** Anything with `searchCips` (the PagoEfectivo client or a gateway provider). */
  client: Pick<CashCodeProvider, 'searchCips'>;
  store: CashCodeStore;
  /**
   * Expired, paid and cancelled codes updated at or after this instant are checked too (pending codes
   * are always checked). Default: 7 days before `now()`.
   */
  since?: Date;
  /** CIPs per search call, 1–100. Default 50. */
  batchSize?: number;
  /** Clock. Default `() => new Date()`. */
  now?: () => Date;
  /** Called after every search call (e.g. to print progress on stderr). */
  /** An OpenTelemetry tracer: one span per run with the counts of findings (docs/observability.md). */
  tracer?: TracerLike;
  onProgress?: (progress: ReconcileProgress) => void;
}

const DEFAULT_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;
const PAGE_SIZE = 500;

/** The run itself; the exported function wraps it in a span. */
async function runReconcileWithApi(options: ReconcileWithApiOptions): Promise<ReconcileReport> {
  const now = options.now ?? ((): Date => new Date());
  const batchSize = options.batchSize ?? 50;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100) {
    throw new ConfigurationError(`batchSize must be an integer from 1 to 100, got ${String(batchSize)}.`, {
      details: { option: 'batchSize' },
    });
  }
  const startedAt = now();
  const since = options.since ?? new Date(startedAt.getTime() - DEFAULT_LOOKBACK_MS);
  const items: ReconcileItem[] = [];
  const seen = new Set<string>();
  const progress: ReconcileProgress = { checked: 0, batches: 0 };

  const runBatch = async (batch: CashCode[]): Promise<void> => {
    // The stored references let a gateway provider (dLocal) find each payment by its own id.
    const statuses = await options.client.searchCips(
      batch.map((code) => code.cip as string),
      batch.map((code) => referenceOf(code)),
    );
    const byCip = new Map<string, CipStatus>(statuses.map((status) => [status.cip, status]));
    for (const code of batch) {
      items.push(await compareWithApi(code, byCip.get(code.cip as string), options.codes, now()));
    }
    progress.checked += batch.length;
    progress.batches += 1;
    options.onProgress?.({ ...progress });
  };

  const scan = async (statuses: readonly CodeStatus[], updatedSince?: Date): Promise<void> => {
    let cursor: string | null = null;
    do {
      const filter: ListCodesFilter = { statuses, limit: PAGE_SIZE, cursor };
      if (updatedSince) filter.updatedSince = updatedSince;
      const page = await options.store.listCodes(filter);
      const fresh = page.codes.filter((code) => code.cip !== null && !seen.has(code.id));
      for (const code of fresh) seen.add(code.id);
      for (let i = 0; i < fresh.length; i += batchSize) await runBatch(fresh.slice(i, i + batchSize));
      cursor = page.nextCursor;
    } while (cursor !== null);
  };

  await scan(['pending']);
  await scan(['expired', 'paid', 'cancelled'], since);
  return buildReport('api', items, startedAt, now(), { from: since, to: startedAt });
}

/**
 * Compare the store with PagoEfectivo's search API and recover missed payments.
 *
 * Every pending code, and every expired, paid or cancelled code updated since `since`, is looked up
 * with `client.searchCips` in batches. A payment we never heard about (a lost webhook) is applied with
 * `codes.applyPayment({ …, source: 'reconcile' })`; the codes service's checks (amount, currency,
 * state, expiry) still apply, so a late or wrong payment is recorded and flagged, never accepted.
 * Other disagreements are reported, not changed.
 *
 * Safe to run from several workers at once: `applyPayment` updates a code with compare-and-set and is
 * idempotent, so a payment recovered by two workers is applied once (the other reports it as
 * `matched`, `already_applied`). A failing search call rejects the run; payments applied before it
 * stay applied and a new run continues where it matters.
 *
 * @throws {ConfigurationError} `config_invalid` for a bad `batchSize`.
 * @throws the client's `ApiError` or the store's `StorageError` when they fail.
 *
 * With `tracer`, the run is one span carrying counts only (the CIPs are in the report, not the span).
 */
export async function reconcileWithApi(options: ReconcileWithApiOptions): Promise<ReconcileReport> {
  const tracer = resolveTracer(options?.tracer, 'reconcileWithApi');
  return withSpan(
    tracer,
    'pagoefectivo.reconcileWithApi',
    {},
    async () => recorded(options.store, await runReconcileWithApi(options)),
    (report, span) => {
      span.setAttribute('pagoefectivo.reconcile.items', report.items.length);
      span.setAttribute('pagoefectivo.reconcile.findings', report.findings);
    },
  );
}
