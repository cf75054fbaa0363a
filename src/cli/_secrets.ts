import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createPagoEfectivoClient, type PagoEfectivoClient } from '../client/index.js';
import type { CashCodeProvider } from '../model/provider.js';
import { createDlocalProvider } from '../providers/dlocal/provider.js';
import { type CliIo, CliRuntimeError, CliUsageError } from './_io.js';

/** Where a secret comes from: the name of an environment variable, or a file path. Never argv. */
export interface SecretSource {
  env?: string | undefined;
  file?: string | undefined;
}

/**
 * Read a secret from an environment variable or a file (trailing line break removed).
 * @throws {CliUsageError} when neither or both sources are given, or the variable is unset/empty.
 * @throws {CliRuntimeError} when the file cannot be read or is empty.
 */
export async function readSecret(source: SecretSource, io: CliIo, what: string): Promise<string> {
  if ((source.env === undefined) === (source.file === undefined)) {
    throw new CliUsageError(`give the ${what} with exactly one of --secret-env NAME or --secret-file PATH.`);
  }
  if (source.env !== undefined) {
    const value = io.env[source.env];
    if (value === undefined || value.trim() === '') {
      throw new CliUsageError(`environment variable ${source.env} (the ${what}) is not set or empty.`);
    }
    return value.trim();
  }
  const file = path.resolve(io.cwd, source.file as string);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliRuntimeError(
      `cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}.`,
    );
  }
  const value = text.replace(/\r?\n$/, '').trim();
  if (value === '') throw new CliRuntimeError(`the ${what} file ${file} is empty.`);
  return value;
}

/** The environment variables that configure the PagoEfectivo client of `sweep` and `reconcile --api`. */
export const CLIENT_ENV = {
  serviceId: 'PAGOEFECTIVO_SERVICE_ID',
  accessKey: 'PAGOEFECTIVO_ACCESS_KEY',
  secretKey: 'PAGOEFECTIVO_SECRET_KEY',
  secretKeyFile: 'PAGOEFECTIVO_SECRET_KEY_FILE',
  environment: 'PAGOEFECTIVO_ENVIRONMENT',
  baseUrl: 'PAGOEFECTIVO_BASE_URL',
} as const;

/**
 * Build the PagoEfectivo client from environment variables: service id, access key, secret key (or a
 * file holding it), environment (`sandbox` or `production`, required so a job never hits production
 * by accident) and an optional base URL (e.g. the `fake-server`).
 * @throws {CliUsageError} naming every missing or invalid variable.
 */
export async function clientFromEnv(io: CliIo): Promise<PagoEfectivoClient> {
  const env = io.env;
  const missing: string[] = [CLIENT_ENV.serviceId, CLIENT_ENV.accessKey, CLIENT_ENV.environment].filter(
    (name) => (env[name] ?? '').trim() === '',
  );
  const secretFile = env[CLIENT_ENV.secretKeyFile];
  if ((env[CLIENT_ENV.secretKey] ?? '') === '' && (secretFile ?? '') === '') {
    missing.push(`${CLIENT_ENV.secretKey} (or ${CLIENT_ENV.secretKeyFile})`);
  }
  if (missing.length > 0) {
    throw new CliUsageError(`set the PagoEfectivo credentials in the environment: ${missing.join(', ')}.`);
  }
  const environment = env[CLIENT_ENV.environment]?.trim();
  if (environment !== 'sandbox' && environment !== 'production') {
    throw new CliUsageError(`${CLIENT_ENV.environment} must be "sandbox" or "production".`);
  }
  const secretKey = secretFile
    ? await readSecret({ file: secretFile }, io, 'PagoEfectivo secret key')
    : (env[CLIENT_ENV.secretKey] as string);
  const baseUrl = env[CLIENT_ENV.baseUrl]?.trim();
  return createPagoEfectivoClient({
    serviceId: (env[CLIENT_ENV.serviceId] as string).trim(),
    accessKey: (env[CLIENT_ENV.accessKey] as string).trim(),
    secretKey,
    environment,
    ...(baseUrl ? { baseUrl } : {}),
  });
}

/** The environment variables that select and configure the dLocal provider of `sweep` and `reconcile --api`. */
export const DLOCAL_ENV = {
  provider: 'PAGOEFECTIVO_KIT_PROVIDER',
  login: 'DLOCAL_LOGIN',
  transKey: 'DLOCAL_TRANS_KEY',
  secretKey: 'DLOCAL_SECRET_KEY',
  secretKeyFile: 'DLOCAL_SECRET_KEY_FILE',
  environment: 'DLOCAL_ENVIRONMENT',
  baseUrl: 'DLOCAL_BASE_URL',
} as const;

/**
 * The provider of `sweep` and `reconcile --api`: the direct PagoEfectivo client ({@link clientFromEnv}),
 * or with `PAGOEFECTIVO_KIT_PROVIDER=dlocal` the dLocal provider from `DLOCAL_*` variables.
 * @throws {CliUsageError} naming every missing or invalid variable.
 */
export async function providerFromEnv(io: CliIo): Promise<CashCodeProvider> {
  const env = io.env;
  const chosen = (env[DLOCAL_ENV.provider] ?? '').trim() || 'pagoefectivo';
  if (chosen === 'pagoefectivo') return clientFromEnv(io);
  if (chosen !== 'dlocal') throw new CliUsageError(`${DLOCAL_ENV.provider} must be "pagoefectivo" or "dlocal".`);
  const missing: string[] = [DLOCAL_ENV.login, DLOCAL_ENV.transKey, DLOCAL_ENV.environment].filter(
    (name) => (env[name] ?? '').trim() === '',
  );
  const secretFile = env[DLOCAL_ENV.secretKeyFile];
  if ((env[DLOCAL_ENV.secretKey] ?? '') === '' && (secretFile ?? '') === '') {
    missing.push(`${DLOCAL_ENV.secretKey} (or ${DLOCAL_ENV.secretKeyFile})`);
  }
  if (missing.length > 0)
    throw new CliUsageError(`set the dLocal credentials in the environment: ${missing.join(', ')}.`);
  const environment = env[DLOCAL_ENV.environment]?.trim();
  if (environment !== 'sandbox' && environment !== 'production') {
    throw new CliUsageError(`${DLOCAL_ENV.environment} must be "sandbox" or "production".`);
  }
  const secretKey = secretFile
    ? await readSecret({ file: secretFile }, io, 'dLocal secret key')
    : (env[DLOCAL_ENV.secretKey] as string);
  const baseUrl = env[DLOCAL_ENV.baseUrl]?.trim();
  return createDlocalProvider({
    login: (env[DLOCAL_ENV.login] as string).trim(),
    transKey: (env[DLOCAL_ENV.transKey] as string).trim(),
    secretKey,
    environment,
    ...(baseUrl ? { baseUrl } : {}),
  });
}
