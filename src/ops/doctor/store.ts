import { type JobRun, type RecordedJob, readJobRun } from '../../codes/runs.js';
import { isPagoEfectivoKitError } from '../../errors.js';
import type { CashCodeStore } from '../../storage/contract.js';
import type { DoctorCheck, DoctorConfig } from './types.js';

const HOUR_MS = 3_600_000;

function describeError(error: unknown): { schema: boolean; message: string } {
  const details = isPagoEfectivoKitError(error) ? error.details : undefined;
  return {
    schema: details?.reason === 'schema_outdated',
    message: error instanceof Error ? error.message : String(error),
  };
}

function durable(config: DoctorConfig, store: CashCodeStore): DoctorCheck {
  if (store.name === 'memory') {
    return {
      id: 'store_durable',
      status: config.environment === 'production' ? 'fail' : 'warn',
      message: 'the memory store loses every code, payment and dedupe record when the process stops',
      fix: 'use sqliteStore, postgresStore, mysqlStore or redisStore (docs/storage-adapters.md)',
    };
  }
  if (store.name === 'redis') {
    return {
      id: 'store_durable',
      status: 'ok',
      message: 'redis store: durable only with persistence (appendonly yes) and maxmemory-policy noeviction',
    };
  }
  return { id: 'store_durable', status: 'ok', message: `${store.name} store` };
}

function age(ms: number): string {
  if (ms < HOUR_MS) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (ms < 48 * HOUR_MS) return `${Math.round(ms / HOUR_MS)} h`;
  return `${Math.round(ms / (24 * HOUR_MS))} days`;
}

function jobCheck(
  id: 'sweeper' | 'reconciliation',
  run: JobRun | null,
  now: Date,
  maxAgeMs: number,
  fix: string,
): DoctorCheck {
  if (run === null) return { id, status: 'fail', message: 'no run recorded in this store', fix };
  const elapsed = now.getTime() - run.at.getTime();
  const when = `last run ${age(elapsed)} ago (${run.at.toISOString()})`;
  if (elapsed > maxAgeMs) return { id, status: 'fail', message: `${when}, more than ${age(maxAgeMs)}`, fix };
  if (!run.ok) {
    return {
      id,
      status: 'warn',
      message: `${when}, with ${run.counts.errors ?? 'some'} error(s)`,
      fix: 'read the job logs: codes it could not check are retried by the next run',
    };
  }
  return { id, status: 'ok', message: when };
}

async function lastRun(store: CashCodeStore, job: RecordedJob): Promise<JobRun | null | Error> {
  try {
    return await readJobRun(store, job);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * The store checks: durable, reachable and migrated (a read), writable (a probe value written, read
 * back and deleted), and the last runs of the sweeper and of reconciliation recorded in it.
 */
export async function checkStore(config: DoctorConfig): Promise<DoctorCheck[]> {
  const store = config.store;
  const ids = ['store_durable', 'store_reachable', 'store_writable', 'sweeper', 'reconciliation'] as const;
  if (store === undefined) {
    const fix = 'give the store the app uses (--store / --store-env)';
    return ids.map((id, index) =>
      index === 0
        ? { id, status: 'fail', message: 'no store given', fix }
        : { id, status: 'skip', message: 'needs the store' },
    );
  }
  const checks: DoctorCheck[] = [durable(config, store)];
  const probe = `kit:ops:doctor-probe:${crypto.randomUUID()}`;
  try {
    await store.getValue(probe);
    checks.push({ id: 'store_reachable', status: 'ok', message: 'reachable, schema up to date' });
  } catch (error) {
    const { schema, message } = describeError(error);
    checks.push({
      id: 'store_reachable',
      status: 'fail',
      message: schema ? `not migrated: ${message}` : `unreachable: ${message}`,
      fix: schema
        ? 'run `await store.migrate()` at deploy time'
        : 'check the database URL, credentials and network; is the server running?',
    });
    for (const id of ids.slice(2)) checks.push({ id, status: 'skip', message: 'the store cannot be read' });
    return checks;
  }
  try {
    const value = `doctor ${new Date().toISOString()}`;
    await store.putValue(probe, value, 60_000);
    const read = await store.getValue(probe);
    await store.deleteKey(probe);
    checks.push(
      read === value
        ? { id: 'store_writable', status: 'ok', message: 'a probe value was written, read back and deleted' }
        : {
            id: 'store_writable',
            status: 'fail',
            message: 'a value written to the store did not read back',
            fix: 'check for a read replica or a cache in front of the store: the SDK needs read-your-writes',
          },
    );
  } catch (error) {
    checks.push({
      id: 'store_writable',
      status: 'fail',
      message: `not writable: ${describeError(error).message}`,
      fix: 'grant the app user INSERT/UPDATE/DELETE (SQL) or write access (Redis); check that it is not a replica',
    });
  }
  const now = (config.now ?? (() => new Date()))();
  const sweep = await lastRun(store, 'sweep');
  const reconcile = await lastRun(store, 'reconcile');
  checks.push(
    sweep instanceof Error
      ? { id: 'sweeper', status: 'fail', message: `cannot read the last run: ${sweep.message}` }
      : jobCheck(
          'sweeper',
          sweep,
          now,
          config.thresholds?.sweepMaxAgeMs ?? 2 * HOUR_MS,
          'run `pagoefectivo-kit sweep` (or codes.sweepExpired()) every few minutes from cron or a worker',
        ),
    reconcile instanceof Error
      ? { id: 'reconciliation', status: 'fail', message: `cannot read the last run: ${reconcile.message}` }
      : jobCheck(
          'reconciliation',
          reconcile,
          now,
          config.thresholds?.reconcileMaxAgeMs ?? 24 * HOUR_MS,
          'run `pagoefectivo-kit reconcile --api` (or reconcileWithApi) at least daily',
        ),
  );
  return checks;
}
