import type { CashCodeStore } from '../storage/contract.js';

/** The background jobs whose last run is recorded in the store, for `doctor` to check. */
export type RecordedJob = 'sweep' | 'reconcile';

/** The last run of a background job, as {@link recordJobRun} stored it. */
export interface JobRun {
  job: RecordedJob;
  /** When the run finished. */
  at: Date;
  /** Whether it finished without errors (a sweep with `errors: 0`, a reconciliation that resolved). */
  ok: boolean;
  /** Secret-free counts of what the run did (`expired`, `paid`, `findings`, …). */
  counts: Record<string, number>;
}

/**
 * The store key of a job's last run. One plain value per job, overwritten by every run, so the record
 * never grows with the number of runs (the lifecycle log would).
 */
export function jobRunKey(job: RecordedJob): string {
  return `kit:ops:last-run:${job}`;
}

// Long enough for a doctor to notice a job that stopped weeks ago, short enough to clean itself up.
const RUN_RECORD_TTL_MS = 90 * 24 * 3600_000;

/**
 * Record that a background job ran (`putValue`, a primitive every store has). Never throws: a failed
 * record must not turn a finished sweep into a failure; `doctor` then reports the job as not run.
 */
export async function recordJobRun(store: CashCodeStore, run: JobRun): Promise<void> {
  const value = JSON.stringify({ job: run.job, at: run.at.toISOString(), ok: run.ok, counts: run.counts });
  try {
    await store.putValue(jobRunKey(run.job), value, RUN_RECORD_TTL_MS);
  } catch {
    // The job's own result is what the caller needs; the next run records again.
  }
}

/**
 * The last recorded run of a job, or `null` when none is recorded (never run, or more than 90 days
 * ago). A record that cannot be read as a run is `null` too.
 * @throws the store's `StorageError` when the store cannot be read.
 */
export async function readJobRun(store: CashCodeStore, job: RecordedJob): Promise<JobRun | null> {
  const text = await store.getValue(jobRunKey(job));
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as { at?: unknown; ok?: unknown; counts?: unknown };
    const at = typeof value.at === 'string' ? new Date(value.at) : new Date(Number.NaN);
    if (Number.isNaN(at.getTime())) return null;
    const counts: Record<string, number> = {};
    if (typeof value.counts === 'object' && value.counts !== null) {
      for (const [name, count] of Object.entries(value.counts)) if (typeof count === 'number') counts[name] = count;
    }
    return { job, at, ok: value.ok === true, counts };
  } catch {
    return null;
  }
}
