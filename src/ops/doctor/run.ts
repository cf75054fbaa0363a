import { checkCredentials } from './credentials.js';
import { checkExpiryPolicy, checkGuards, checkVoucherKey } from './settings.js';
import { checkStore } from './store.js';
import { DOCTOR_CHECKS, type DoctorCheck, type DoctorConfig, type DoctorReport } from './types.js';
import { checkWebhook } from './webhook.js';

async function systemLookup(hostname: string): Promise<string[]> {
  const { lookupAll } = await import('../node.js');
  return lookupAll(hostname);
}

/**
 * Check a deployment before (and after) going live: credentials and environment, clock skew, the
 * webhook endpoint, the store, the sweeper's and reconciliation's last runs, the expiry policy, the
 * voucher key and the guards. Every check runs (a failing one does not hide the others) and none
 * throws: failures are lines of the report. Secrets are used, never reported.
 *
 * @example
 * ```ts
 * const report = await runDoctor({ environment: 'production', credentials, store, webhookUrl });
 * for (const check of report.checks) console.log(check.status, check.id, check.message);
 * ```
 */
export async function runDoctor(config: DoctorConfig): Promise<DoctorReport> {
  const now = config.now ?? (() => new Date());
  const checkedAt = now();
  const groups = await Promise.all([
    checkCredentials(config),
    checkWebhook(config, config.resolveHost ?? systemLookup),
    checkStore(config),
    Promise.resolve([checkExpiryPolicy(config)]),
    checkVoucherKey(config).then((check) => [check]),
    Promise.resolve(checkGuards(config)),
  ]);
  const found = new Map<string, DoctorCheck>(groups.flat().map((check) => [check.id, check]));
  const checks = DOCTOR_CHECKS.map((id) => found.get(id)).filter((check): check is DoctorCheck => check !== undefined);
  return { ok: checks.every((check) => check.status !== 'fail'), environment: config.environment, checkedAt, checks };
}

/** The report as text: one line per check (`ok`, `WARN`, `FAIL`, `skip`), each warning or failure with its fix. */
export function formatDoctorReport(report: DoctorReport): string {
  const label = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' } as const;
  const lines = [`pagoefectivo-kit doctor (${report.environment})`];
  for (const check of report.checks) {
    lines.push(`${label[check.status]}  ${check.id.padEnd(16)} ${check.message}`);
    if (check.fix !== undefined && (check.status === 'warn' || check.status === 'fail')) {
      lines.push(`      ${''.padEnd(16)} fix: ${check.fix}`);
    }
  }
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  lines.push(
    report.ok ? `Ready: no failures, ${warned} warning(s).` : `Not ready: ${failed} failure(s), ${warned} warning(s).`,
  );
  return lines.join('\n');
}
