import { referenceOf } from '../codes/reference.js';
import { ConfigurationError } from '../errors.js';
import type { CashCode, CodeStatus } from '../model/code.js';
import type { CashCodeProvider, CipStatus } from '../model/provider.js';
import { resolveTracer, type TracerLike, withSpan } from '../observability/tracing.js';
import type { CashCodeStore, ListCodesFilter } from '../storage/contract.js';
import { createReportAccumulator, type ReportItems } from './_build.js';
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
  /**
   * Anything with `searchCips` (the PagoEfectivo client or a gateway provider). Its `searchBatchSize`,
   * when it has one (the client does), is the default and the maximum of `batchSize`.
   */
  client: Pick<CashCodeProvider, 'searchCips'> & { readonly searchBatchSize?: number };
  store: CashCodeStore;
  /**
   * Expired, paid and cancelled codes updated at or after this instant are checked too (pending codes
   * are always checked). Default: 7 days before `now()`.
   */
  since?: Date;
  /**
   * CIPs per search call. Default: the client's `searchBatchSize` (50 unless configured), else 50. A
   * value above the client's `searchBatchSize` is refused rather than silently split; without one it
   * may be 1–100.
   */
  batchSize?: number;
  /** Clock. Default `() => new Date()`. */
  now?: () => Date;
  /** An OpenTelemetry tracer: one span per run with the counts of findings (docs/observability.md). */
  tracer?: TracerLike;
  /** Called after every search call (e.g. to print progress on stderr). */
  onProgress?: (progress: ReconcileProgress) => void;
  /** Which items `report.items` keeps (as in `reconcileSettlement`). Default `'all'`. */
  items?: ReportItems;
  /** Called with every item as soon as it is known; a returned promise is awaited (backpressure). */
  onItem?: (entry: ReconcileItem) => void | Promise<void>;
}

const DEFAULT_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;
const PAGE_SIZE = 500;

/** The run itself; the exported function wraps it in a span. */
async function runReconcileWithApi(options: ReconcileWithApiOptions): Promise<ReconcileReport> {
  const now = options.now ?? ((): Date => new Date());
  const batchSize = resolveBatchSize(options);
  if (options.items !== undefined && !['all', 'findings', 'none'].includes(options.items)) {
    throw new ConfigurationError(`items must be 'all', 'findings' or 'none', got ${JSON.stringify(options.items)}.`, {
      details: { option: 'items' },
    });
  }
  const startedAt = now();
  const since = options.since ?? new Date(startedAt.getTime() - DEFAULT_LOOKBACK_MS);
  const report = createReportAccumulator(options.items ?? 'all');
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
      const entry = await compareWithApi(code, byCip.get(code.cip as string), options.codes, now());
      report.add(entry);
      const pending = options.onItem?.(entry);
      if (pending) await pending;
    }
    progress.checked += batch.length;
    progress.batches += 1;
    options.onProgress?.({ ...progress });
  };

  // Codes listed but not yet searched: carried across store pages, so every search call but the last
  // carries exactly `batchSize` CIPs.
  let waiting: CashCode[] = [];
  const scan = async (statuses: readonly CodeStatus[], updatedSince?: Date): Promise<void> => {
    let cursor: string | null = null;
    do {
      const filter: ListCodesFilter = { statuses, limit: PAGE_SIZE, cursor };
      if (updatedSince) filter.updatedSince = updatedSince;
      const page = await options.store.listCodes(filter);
      for (const code of page.codes) {
        if (code.cip === null || seen.has(code.id)) continue;
        seen.add(code.id);
        waiting.push(code);
      }
      while (waiting.length >= batchSize) {
        const batch = waiting.slice(0, batchSize);
        waiting = waiting.slice(batchSize);
        await runBatch(batch);
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
  };

  await scan(['pending']);
  await scan(['expired', 'paid', 'cancelled'], since);
  if (waiting.length > 0) await runBatch(waiting);
  return report.finish('api', startedAt, now(), { from: since, to: startedAt });
}

/** `batchSize`, checked against the client's own search batch size: never silently split. */
function resolveBatchSize(options: ReconcileWithApiOptions): number {
  const declared = options.client.searchBatchSize;
  const max = typeof declared === 'number' && Number.isInteger(declared) && declared >= 1 ? declared : 100;
  const batchSize = options.batchSize ?? (max === 100 && declared === undefined ? 50 : max);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > max) {
    const limit =
      max === declared
        ? `the client's searchBatchSize (${max}): raise searchBatchSize in createClient, or lower batchSize`
        : String(max);
    throw new ConfigurationError(`batchSize must be an integer from 1 to ${limit}, got ${String(batchSize)}.`, {
      details: { option: 'batchSize', max },
    });
  }
  return batchSize;
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
 * The store is read a page (500 codes) at a time and searched in batches of exactly `batchSize`
 * CIPs, one search call each: a `batchSize` above the client's `searchBatchSize` is refused instead
 * of being split behind your back. With `items: 'findings'` / `'none'` and `onItem`, no list of every
 * code is held.
 *
 * @throws {ConfigurationError} `config_invalid` for a bad `batchSize` (not an integer, below 1, or
 * above the client's `searchBatchSize` — 100 for a client without one) or `items`.
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
      const items = Object.values(report.counts).reduce((sum, count) => sum + count, 0);
      span.setAttribute('pagoefectivo.reconcile.items', items);
      span.setAttribute('pagoefectivo.reconcile.findings', report.findings);
    },
  );
}
