import type { FetchLike } from '../../client/options.js';
import { ConfigurationError } from '../../errors.js';
import type { FakePagoEfectivo } from '../../testing/fake/fake.js';
import type { DoctorCredentials } from '../doctor/types.js';
import type { CertifyOptions } from './types.js';

/** The API side of a certification run. */
export interface CertifyEnvironment {
  credentials: DoctorCredentials;
  fetch: FetchLike;
  fake: FakePagoEfectivo | null;
}

function randomText(length: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (byte) => alphabet[byte % alphabet.length]).join(
    '',
  );
}

/**
 * The fake PagoEfectivo served over real HTTP on 127.0.0.1 with throw-away credentials, or the sandbox
 * with the operator's. The fake is loaded only for `fake` runs.
 * @throws {ConfigurationError} `config_invalid` when sandbox credentials are incomplete.
 */
export async function setup(options: CertifyOptions, fetch: FetchLike): Promise<CertifyEnvironment> {
  if (options.environment === 'fake') {
    const { createFakePagoEfectivo } = await import('../../testing/fake/fake.js');
    const real = { serviceId: '4821', accessKey: randomText(20), secretKey: randomText(40) };
    // One immediate retry of a failed notification, as PagoEfectivo makes one second attempt.
    const fake = createFakePagoEfectivo({ ...real, webhookRetryDelayMs: 0 });
    const baseUrl = await fake.listen(0);
    return { credentials: { ...real, ...options.credentials, baseUrl }, fetch, fake };
  }
  const given = options.credentials ?? {};
  const missing = (['serviceId', 'accessKey', 'secretKey'] as const).filter(
    (name) => given[name] === undefined || String(given[name]).trim() === '',
  );
  if (missing.length > 0) {
    throw new ConfigurationError(`certify --environment sandbox needs credentials: ${missing.join(', ')} missing.`, {
      details: { option: 'credentials' },
    });
  }
  return { credentials: given as DoctorCredentials, fetch, fake: null };
}

/** Stop what {@link setup} started. */
export async function teardown(environment: CertifyEnvironment): Promise<void> {
  await environment.fake?.close();
}
