import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DoctorConfig, DoctorWaiver } from '../../ops/doctor/types.js';
import { listOption, parseCommandArgs, stringOption } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { type CliIo, CliRuntimeError, CliUsageError, EXIT_CODES } from '../_io.js';
import { CLIENT_ENV, readSecret } from '../_secrets.js';
import { type OpenedStore, openStore, STORE_HELP, STORE_OPTIONS, storeSpec } from '../_store.js';

const HELP = `Usage: pagoefectivo-kit doctor --store STORE --webhook-url URL [--config FILE] [--json]

Check a deployment and print one line per check (ok / WARN / FAIL / skip) with how to fix it:
credentials and environment (sandbox keys on production), clock skew against the API's Date header,
the webhook URL (HTTPS, resolves, answers a signed test notification for an unknown CIP without 5xx),
the store (durable, migrated, reachable, writable), the sweeper's and reconciliation's last runs,
the expiry policy, the voucher signing key and its published public key, the allow-list and rate limit.

PagoEfectivo credentials come from the environment, never from arguments:
  ${CLIENT_ENV.serviceId}, ${CLIENT_ENV.accessKey},
  ${CLIENT_ENV.secretKey} (or ${CLIENT_ENV.secretKeyFile}), ${CLIENT_ENV.environment} = sandbox | production,
  ${CLIENT_ENV.baseUrl} (optional, e.g. a fake-server; skips the environment cross-check).

${STORE_HELP}

Options:
  --webhook-url URL        the notification URL registered with PagoEfectivo
  --config FILE            JSON with the app's settings (no secrets): {"policy", "allowIps", "rateLimit",
                           "voucherKid", "voucherPublicKeysUrl", "waive", "thresholds"}
  --voucher-key-file PATH  the voucher signing key file written by "keys generate" (read, never printed)
  --waive CHECK            waive allow_list, rate_limit, voucher_key or expiry_policy (repeatable)
  --json                   print the report as JSON
  -h, --help               show this help

A test notification is posted to the webhook for a CIP no code has: the app records one unknown_cip
refusal. Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage error, 3 runtime error.`;

const WAIVERS: readonly DoctorWaiver[] = ['allow_list', 'rate_limit', 'voucher_key', 'expiry_policy'];

async function readConfigFile(
  file: string | undefined,
  io: CliIo,
): Promise<Partial<DoctorConfig> & { voucherKid?: string }> {
  if (file === undefined) return {};
  const full = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    throw new CliRuntimeError(`cannot read ${full}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Partial<DoctorConfig>;
  } catch {
    throw new CliUsageError(`--config ${full} is not a JSON object.`);
  }
}

function credentialsFromEnv(io: CliIo, secretKey: string | undefined): DoctorConfig['credentials'] {
  const serviceId = io.env[CLIENT_ENV.serviceId]?.trim();
  const accessKey = io.env[CLIENT_ENV.accessKey]?.trim();
  if (!serviceId || !accessKey || secretKey === undefined) return undefined;
  const baseUrl = io.env[CLIENT_ENV.baseUrl]?.trim();
  return { serviceId, accessKey, secretKey, ...(baseUrl ? { baseUrl } : {}) };
}

/** `doctor`: check a deployment before going live. */
export const doctorCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      {
        ...STORE_OPTIONS,
        'webhook-url': { type: 'string' },
        config: { type: 'string' },
        'voucher-key-file': { type: 'string' },
        waive: { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
      { min: 0, max: 0, name: '' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const environment = io.env[CLIENT_ENV.environment]?.trim();
    if (environment !== 'sandbox' && environment !== 'production') {
      throw new CliUsageError(`${CLIENT_ENV.environment} must be "sandbox" or "production".`);
    }
    const waive = listOption(parsed, 'waive');
    for (const name of waive) {
      if (!WAIVERS.includes(name as DoctorWaiver))
        throw new CliUsageError(`--waive takes one of ${WAIVERS.join(', ')}.`);
    }
    const file = await readConfigFile(stringOption(parsed, 'config'), io);
    const secretFile = io.env[CLIENT_ENV.secretKeyFile];
    const secretKey = secretFile
      ? await readSecret({ file: secretFile }, io, 'PagoEfectivo secret key')
      : io.env[CLIENT_ENV.secretKey]?.trim() || undefined;
    const keyFile = stringOption(parsed, 'voucher-key-file');
    const voucherSecret = keyFile ? await readSecret({ file: keyFile }, io, 'voucher signing key') : undefined;
    const hasStore = stringOption(parsed, 'store') !== undefined || stringOption(parsed, 'store-env') !== undefined;
    // A store that cannot be opened is a failed check, not a crash: every other check still runs.
    let opened: OpenedStore | null = null;
    let storeError: unknown = null;
    if (hasStore) {
      try {
        opened = await openStore(storeSpec(parsed, io), io);
      } catch (error) {
        if (error instanceof CliUsageError) throw error;
        storeError = error;
      }
    }
    const webhookUrl = stringOption(parsed, 'webhook-url');
    const credentials = credentialsFromEnv(io, secretKey);
    const config: DoctorConfig = {
      ...file,
      environment,
      waive: [...(file.waive ?? []), ...(waive as DoctorWaiver[])],
      ...(credentials ? { credentials } : {}),
      ...(opened ? { store: opened.store } : {}),
      ...(webhookUrl ? { webhookUrl } : {}),
      ...(voucherSecret ? { voucherKey: { kid: file.voucherKid ?? 'default', secretKey: voucherSecret } } : {}),
    };
    const { formatDoctorReport, runDoctor } = await import('../../ops/doctor/run.js');
    let report: Awaited<ReturnType<typeof runDoctor>>;
    try {
      report = await runDoctor(config);
    } finally {
      await opened?.close();
    }
    if (storeError !== null) {
      const message = storeError instanceof Error ? storeError.message : String(storeError);
      const reachable = report.checks.find((check) => check.id === 'store_durable');
      if (reachable) {
        Object.assign(reachable, {
          status: 'fail',
          message: `the store cannot be opened: ${message}`,
          fix: 'check the store URL, the driver and that the server is running',
        });
      }
      report.ok = false;
    }
    io.stdout(parsed.values.json ? JSON.stringify(report) : formatDoctorReport(report));
    return report.ok ? EXIT_CODES.ok : EXIT_CODES.findings;
  },
};
