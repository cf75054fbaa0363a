import * as v from 'valibot';
import { ConfigurationError } from '../errors.js';
import type { ClientHooks } from '../observability/client-hooks.js';
import type { TracerLike } from '../observability/tracing.js';

/** The documented API base URLs (protocol §0). */
export const PAGOEFECTIVO_BASE_URLS: { readonly sandbox: string; readonly production: string } = {
  sandbox: 'https://pre1a.services.pagoefectivo.pe/v1/',
  production: 'https://services.pagoefectivo.pe/v1/',
};

/** A `fetch`-compatible function (the global one, undici's, or the fake PagoEfectivo's). */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** How idempotent calls (auth, search, expiry update) are retried after a 5xx, timeout or network error. */
export interface RetryOptions {
  /** Extra attempts after the first one. Default 2; 0 disables retries. */
  retries?: number;
  /** First backoff delay in ms, doubled per attempt (with jitter). Default 200. */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay in ms. Default 2000. */
  maxDelayMs?: number;
}

/** Options of {@link createPagoEfectivoClient}. */
export interface PagoEfectivoClientOptions {
  /** Your PagoEfectivo service id (`idService`), e.g. `1234`. */
  serviceId: number | string;
  /** The access key PagoEfectivo issued for the service. */
  accessKey: string;
  /** The secret key; used for the auth hash only, never sent, logged or shown. */
  secretKey: string;
  /** Which PagoEfectivo environment to call. Default `'sandbox'`. */
  environment?: 'sandbox' | 'production';
  /** Overrides the environment's base URL (e.g. a fake server); must end with `/v1/`. */
  baseUrl?: string;
  /** The `fetch` to use; pass `fake.fetch` to talk to an in-process fake. Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Per-request timeout in ms. Default 15000. */
  timeoutMs?: number;
  /** The clock (token expiry, `dateRequest`, expiry checks). Default `() => new Date()`. */
  now?: () => Date;
  /** Retry policy of idempotent calls. */
  retry?: RetryOptions;
  /** Refresh the token this many ms before `tokenExpires`. Default 60000. */
  tokenRefreshMarginMs?: number;
  /** How many CIPs one search request carries; longer lists are split. Default 50. */
  searchBatchSize?: number;
  /**
   * Called before and after every HTTP attempt with method, path, status, duration, request id and
   * attempt number, never a key, token, hash or body; see docs/client.md. Also `client.on(...)`.
   */
  hooks?: ClientHooks;
  /** An OpenTelemetry tracer (`trace.getTracer('pagoefectivo-kit')`) for `createCip` spans; see docs/observability.md. */
  tracer?: TracerLike;
}

/** Options after validation, with every default applied. */
export interface ResolvedClientOptions {
  serviceId: string;
  accessKey: string;
  secretKey: string;
  environment: 'sandbox' | 'production';
  baseUrl: string;
  fetch: FetchLike | undefined;
  timeoutMs: number;
  now: () => Date;
  retry: Required<RetryOptions>;
  tokenRefreshMarginMs: number;
  searchBatchSize: number;
}

const int = (min: number, max: number, message: string) =>
  v.optional(v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message)));

const SERVICE_ID_MESSAGE = 'serviceId must be your numeric PagoEfectivo service id, e.g. 1234 or "1234"';
const BASE_URL_MESSAGE = 'baseUrl must be an absolute http(s) URL such as https://pre1a.services.pagoefectivo.pe/v1/';

// Every message is custom: valibot's default messages echo the received value, which for
// `secretKey`/`accessKey` would put a credential into an error.
const OptionsSchema = v.object(
  {
    serviceId: v.union(
      [
        v.pipe(
          v.number(SERVICE_ID_MESSAGE),
          v.integer(SERVICE_ID_MESSAGE),
          v.minValue(1, SERVICE_ID_MESSAGE),
          v.maxValue(9_999_999_999, SERVICE_ID_MESSAGE),
        ),
        v.pipe(
          v.string(SERVICE_ID_MESSAGE),
          v.regex(/^\d{1,10}$/, SERVICE_ID_MESSAGE),
          v.check((text) => Number(text) > 0, SERVICE_ID_MESSAGE),
        ),
      ],
      SERVICE_ID_MESSAGE,
    ),
    accessKey: v.pipe(
      v.string('accessKey is required and must be a string'),
      v.trim(),
      v.nonEmpty('accessKey is required: use the access key PagoEfectivo issued for your service'),
    ),
    secretKey: v.pipe(
      v.string('secretKey is required and must be a string'),
      v.nonEmpty('secretKey is required: use the secret key PagoEfectivo issued for your service'),
    ),
    environment: v.optional(v.picklist(['sandbox', 'production'], 'environment must be "sandbox" or "production"')),
    baseUrl: v.optional(
      v.pipe(v.string(BASE_URL_MESSAGE), v.url(BASE_URL_MESSAGE), v.regex(/^https?:\/\//, BASE_URL_MESSAGE)),
    ),
    fetch: v.optional(v.function('fetch must be a fetch-compatible function')),
    timeoutMs: int(1, 600_000, 'timeoutMs must be an integer between 1 and 600000'),
    now: v.optional(v.function('now must be a function returning a Date')),
    retry: v.optional(
      v.object(
        {
          retries: int(0, 10, 'retry.retries must be an integer between 0 and 10'),
          baseDelayMs: int(0, 60_000, 'retry.baseDelayMs must be an integer between 0 and 60000'),
          maxDelayMs: int(0, 300_000, 'retry.maxDelayMs must be an integer between 0 and 300000'),
        },
        'retry must be an object such as { retries: 2 }',
      ),
    ),
    tokenRefreshMarginMs: int(0, 3_600_000, 'tokenRefreshMarginMs must be an integer between 0 and 3600000'),
    searchBatchSize: int(1, 500, 'searchBatchSize must be an integer between 1 and 500'),
  },
  'options must be an object with at least serviceId, accessKey and secretKey',
);

/**
 * Validate the client options and apply defaults.
 * @throws {ConfigurationError} `config_invalid`, naming every bad option (never echoing a key).
 */
export function resolveClientOptions(options: PagoEfectivoClientOptions): ResolvedClientOptions {
  const result = v.safeParse(OptionsSchema, options ?? {});
  if (!result.success) {
    // Each message names its option and says how to fix it; none echoes the received value.
    const problems = result.issues.map((issue) => issue.message);
    throw new ConfigurationError(`Invalid PagoEfectivo client options: ${problems.join('; ')}.`, {
      details: { fields: result.issues.map((issue) => v.getDotPath(issue) ?? 'options') },
    });
  }
  const o = result.output;
  const environment = o.environment ?? 'sandbox';
  let baseUrl = o.baseUrl ?? PAGOEFECTIVO_BASE_URLS[environment];
  if (!baseUrl.endsWith('/')) baseUrl += '/';
  const retry = {
    retries: o.retry?.retries ?? 2,
    baseDelayMs: o.retry?.baseDelayMs ?? 200,
    maxDelayMs: o.retry?.maxDelayMs ?? 2000,
  };
  return {
    // The auth hash uses the plain decimal string, so "01234" and 1234 must hash the same way.
    serviceId: String(Number(o.serviceId)),
    accessKey: o.accessKey,
    secretKey: o.secretKey,
    environment,
    baseUrl,
    fetch: o.fetch as FetchLike | undefined,
    timeoutMs: o.timeoutMs ?? 15_000,
    now: (o.now as (() => Date) | undefined) ?? (() => new Date()),
    retry,
    tokenRefreshMarginMs: o.tokenRefreshMarginMs ?? 60_000,
    searchBatchSize: o.searchBatchSize ?? 50,
  };
}
