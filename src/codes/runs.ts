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

/** One finding of a job's last run, as {@link recordJobFindings} keeps it (plain, secret-free fields). */
export interface RecordedFinding {
  /** The item kind (`payment_flagged`, `missing_from_settlement`, …). */
  kind: string;
  severity: 'warning' | 'critical';
  cip: string | null;
  codeId: string | null;
  orderId: string | null;
  /** The settlement file's line, or `null`. */
  line: number | null;
  /** What the run did or what to do (`payment_applied`, `investigate`, …). */
  action: string;
  message: string;
}

/** The most urgent findings of a job's last run. */
export interface RecordedFindings {
  job: RecordedJob;
  at: Date;
  /** Every finding of the run, kept here or not. */
  total: number;
  /** The most urgent ones (the report's `urgent`), critical first. */
  items: RecordedFinding[];
}

/** The store key of a job's last findings (one value, overwritten by every run). */
export function jobFindingsKey(job: RecordedJob): string {
  return `kit:ops:last-findings:${job}`;
}

// Fields are cut to these lengths, and lists to this many findings (a report's `urgent` holds at most
// as many), on write and on read, so the record stays small whatever a settlement file or a foreign
// writer held.
const FIELD_MAX = 64;
const MESSAGE_MAX = 400;
const FINDINGS_MAX = 50;

function cleanFinding(value: unknown): RecordedFinding | null {
  if (typeof value !== 'object' || value === null) return null;
  const raw = value as Record<string, unknown>;
  const text = (field: unknown, max: number): string | null => (typeof field === 'string' ? field.slice(0, max) : null);
  const kind = text(raw.kind, FIELD_MAX);
  const action = text(raw.action, FIELD_MAX);
  const message = text(raw.message, MESSAGE_MAX);
  const severity = raw.severity === 'critical' || raw.severity === 'warning' ? raw.severity : null;
  if (kind === null || action === null || message === null || severity === null) return null;
  const line = typeof raw.line === 'number' && Number.isSafeInteger(raw.line) && raw.line > 0 ? raw.line : null;
  const cip = text(raw.cip, FIELD_MAX);
  const codeId = text(raw.codeId, FIELD_MAX);
  const orderId = text(raw.orderId, FIELD_MAX);
  return { kind, severity, cip, codeId, orderId, line, action, message };
}

function cleanFindings(items: unknown): RecordedFinding[] {
  if (!Array.isArray(items)) return [];
  const clean: RecordedFinding[] = [];
  for (const item of items) {
    const finding = cleanFinding(item);
    if (finding !== null) clean.push(finding);
    if (clean.length === FINDINGS_MAX) break;
  }
  return clean;
}

/** A total that is at least the findings listed (a record cannot list more than it counted). */
const cleanTotal = (total: unknown, listed: number): number =>
  typeof total === 'number' && Number.isSafeInteger(total) && total >= listed ? total : listed;

/**
 * Record the most urgent findings of a job's run next to its {@link recordJobRun} record, for the
 * support console (at most 50, fields cut to bounded lengths, malformed ones left out). Never throws,
 * like {@link recordJobRun}, whatever it is given.
 */
export async function recordJobFindings(store: CashCodeStore, findings: RecordedFindings): Promise<void> {
  try {
    const items = cleanFindings(findings.items);
    const at = findings.at.toISOString();
    const value = JSON.stringify({ job: findings.job, at, total: cleanTotal(findings.total, items.length), items });
    await store.putValue(jobFindingsKey(findings.job), value, RUN_RECORD_TTL_MS);
  } catch {
    // As for the run record: the job's result is what matters; the next run records again.
  }
}

/**
 * The findings a job's last run recorded, or `null` when none are (never run, an SDK that did not
 * record them yet, or a record that cannot be read). Malformed entries are left out, and what is read
 * is bounded as on write. Compare `at` with the run record's: when one of the two writes failed, they
 * are of different runs.
 * @throws the store's `StorageError` when the store cannot be read.
 */
export async function readJobFindings(store: CashCodeStore, job: RecordedJob): Promise<RecordedFindings | null> {
  const stored = await store.getValue(jobFindingsKey(job));
  if (stored === null) return null;
  try {
    const value = JSON.parse(stored) as { at?: unknown; total?: unknown; items?: unknown };
    const at = typeof value.at === 'string' ? new Date(value.at) : new Date(Number.NaN);
    if (Number.isNaN(at.getTime()) || !Array.isArray(value.items)) return null;
    const items = cleanFindings(value.items);
    return { job, at, total: cleanTotal(value.total, items.length), items };
  } catch {
    return null;
  }
}
