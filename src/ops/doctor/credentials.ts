import { createPagoEfectivoClient } from '../../client/client.js';
import { type FetchLike, PAGOEFECTIVO_BASE_URLS } from '../../client/options.js';
import { isPagoEfectivoKitError } from '../../errors.js';
import type { DoctorCheck, DoctorConfig } from './types.js';

type Environment = 'sandbox' | 'production';

interface Attempt {
  ok: boolean;
  /** The SDK error code of a failure (`auth_failed`, `network_error`, …). */
  code: string | null;
  message: string;
  /** Server clock minus ours, from a `Date` header; `null` without one. */
  skewMs: number | null;
}

/** Authenticate once against a base URL, noting the server's `Date` header on the way. */
async function attempt(config: DoctorConfig, baseUrl: string, environment: Environment): Promise<Attempt> {
  const base = config.fetch ?? (globalThis.fetch as FetchLike);
  const now = config.now ?? (() => new Date());
  let skewMs: number | null = null;
  const fetch: FetchLike = async (input, init) => {
    const sent = now().getTime();
    const response = await base(input, init);
    const header = response.headers.get('date');
    const server = header === null ? Number.NaN : Date.parse(header);
    // The header has whole seconds: compare with the middle of the round trip, rounded down likewise.
    if (!Number.isNaN(server)) skewMs = server - Math.floor((sent + now().getTime()) / 2000) * 1000;
    return response;
  };
  const credentials = config.credentials as NonNullable<DoctorConfig['credentials']>;
  try {
    const client = createPagoEfectivoClient({
      serviceId: credentials.serviceId,
      accessKey: credentials.accessKey,
      secretKey: credentials.secretKey,
      environment,
      baseUrl,
      fetch,
      timeoutMs: config.timeoutMs ?? 10_000,
      retry: { retries: 0 },
      ...(config.now ? { now: config.now } : {}),
    });
    await client.authenticate({ force: true });
    return { ok: true, code: null, message: 'authenticated', skewMs };
  } catch (error) {
    const code = isPagoEfectivoKitError(error) ? error.code : 'unexpected';
    const message = isPagoEfectivoKitError(error) ? error.message : String(error);
    return { ok: false, code, message, skewMs };
  }
}

const other = (environment: Environment): Environment => (environment === 'sandbox' ? 'production' : 'sandbox');

function clockCheck(config: DoctorConfig, skewMs: number | null): DoctorCheck {
  const warnMs = config.thresholds?.clockWarnMs ?? 30_000;
  const failMs = config.thresholds?.clockFailMs ?? 300_000;
  if (skewMs === null) {
    return {
      id: 'clock',
      status: 'warn',
      message: 'the API answered without a Date header (or did not answer): clock skew not measured',
      fix: 'check that the host syncs its clock (chrony / systemd-timesyncd); the auth hash signs the current time',
    };
  }
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const direction = skewMs > 0 ? 'behind' : 'ahead of';
  const text = seconds <= 1 ? 'in sync with the API (within 1 s)' : `${seconds} s ${direction} the API's clock`;
  if (Math.abs(skewMs) >= failMs) {
    return {
      id: 'clock',
      status: 'fail',
      message: `this host's clock is ${text}`,
      fix: 'sync the clock (chrony / systemd-timesyncd): the auth hash includes the request time and the API refuses stale ones',
    };
  }
  if (Math.abs(skewMs) >= warnMs) {
    return { id: 'clock', status: 'warn', message: `this host's clock is ${text}`, fix: 'sync the clock with NTP' };
  }
  return { id: 'clock', status: 'ok', message: `this host's clock is ${text}` };
}

/**
 * The `credentials`, `environment` and `clock` checks: authenticate against the chosen environment;
 * when that is refused, try the other one, so sandbox keys used against production get a clear message.
 */
export async function checkCredentials(config: DoctorConfig): Promise<DoctorCheck[]> {
  const environment = config.environment;
  if (config.credentials === undefined) {
    const fix =
      'set PAGOEFECTIVO_SERVICE_ID, PAGOEFECTIVO_ACCESS_KEY and PAGOEFECTIVO_SECRET_KEY (or PAGOEFECTIVO_SECRET_KEY_FILE)';
    return [
      { id: 'credentials', status: 'fail', message: 'no PagoEfectivo credentials given', fix },
      { id: 'environment', status: 'skip', message: 'needs credentials' },
      { id: 'clock', status: 'skip', message: 'needs credentials (the API answer carries the time)' },
    ];
  }
  const custom = config.credentials.baseUrl;
  const first = await attempt(config, custom ?? PAGOEFECTIVO_BASE_URLS[environment], environment);
  const where = custom === undefined ? environment : `${environment} (custom base URL)`;
  if (first.ok) {
    return [
      { id: 'credentials', status: 'ok', message: `authenticated against ${where}` },
      custom === undefined
        ? { id: 'environment', status: 'ok', message: `the keys belong to ${environment}` }
        : {
            id: 'environment',
            status: 'skip',
            message: 'custom base URL: the keys cannot be matched to an environment',
          },
      clockCheck(config, first.skewMs),
    ];
  }
  const refused: DoctorCheck = {
    id: 'credentials',
    status: 'fail',
    message: `${where} refused to authenticate: ${first.message}`,
    fix:
      first.code === 'auth_failed'
        ? 'check the service id, access key and secret key PagoEfectivo issued for this environment, and the clock'
        : 'check that this host can reach the API (proxy, firewall, DNS) and retry',
  };
  if (first.code !== 'auth_failed' || custom !== undefined) {
    return [
      refused,
      { id: 'environment', status: 'skip', message: 'needs working credentials' },
      clockCheck(config, first.skewMs),
    ];
  }
  const second = await attempt(config, PAGOEFECTIVO_BASE_URLS[other(environment)], other(environment));
  const environmentCheck: DoctorCheck = second.ok
    ? {
        id: 'environment',
        status: 'fail',
        message: `these are ${other(environment)} keys, but the deployment is configured for ${environment}`,
        fix:
          environment === 'production'
            ? 'use the production keys PagoEfectivo issues after approving your test report (go-live.md)'
            : 'set PAGOEFECTIVO_ENVIRONMENT=production, or use your sandbox keys',
      }
    : { id: 'environment', status: 'skip', message: `the keys are refused by ${other(environment)} too` };
  return [refused, environmentCheck, clockCheck(config, first.skewMs ?? second.skewMs)];
}
