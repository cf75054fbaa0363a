import { ofetch } from 'ofetch';
import { type ApiError, isPagoEfectivoKitError } from '../errors.js';
import type { ProviderExchange } from '../model/provider.js';
import { type ClientObserver, newRequestId, responseRequestId } from '../observability/client-hooks.js';
import { quietly } from '../observability/tracing.js';
import {
  failureError,
  type Operation,
  type RequestContext,
  readEnvelope,
  responseError,
  unexpectedResponse,
} from './_errors.js';
import type { ResolvedClientOptions } from './options.js';
import type { Envelope } from './response-schemas.js';

/** One HTTP call to PagoEfectivo. */
export interface TransportRequest {
  operation: Operation;
  method: 'POST' | 'PATCH' | 'DELETE';
  /** Path relative to the base URL, e.g. `cips/search`. */
  path: string;
  /** The JSON body, already serialised (the amount is written verbatim, see `cips.ts`). */
  body?: string;
  /** Bearer token for every call except the authorization itself. */
  token?: string;
  /** Whether the call may be repeated safely after a 5xx, timeout or network error. */
  idempotent: boolean;
  /** Extra request headers (the protocol's `Origin` on create-CIP). */
  headers?: Readonly<Record<string, string>>;
  /** Told about every attempt of this request (see `CashCodeProvider.withExchangeLog`); a throw is ignored. */
  report?: (exchange: ProviderExchange) => void;
}

/** A successful answer (2xx with envelope code 100). */
export interface TransportResult {
  status: number;
  envelope: Envelope;
  context: RequestContext;
}

/** Sends requests, retries idempotent ones, and turns every failure into a typed {@link ApiError}. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResult>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What one attempt saw of its response. */
interface Seen {
  status: number | null;
  headers?: Headers;
  envelope: Envelope | null;
}

/** The loggable facts of one attempt: status, PagoEfectivo's code and message, ids, time. */
function exchangeOf(
  context: RequestContext,
  seen: Seen,
  durationMs: number,
  requestId: string,
  errorCode: string | null,
): ProviderExchange {
  const message = seen.envelope?.message;
  return {
    operation: context.operation,
    httpStatus: seen.status,
    providerCode: seen.envelope ? String(seen.envelope.code) : null,
    providerMessage: typeof message === 'string' && message !== '' ? message.slice(0, 200) : null,
    requestId,
    durationMs,
    errorCode,
  };
}

/**
 * Build the transport on `ofetch.create` with the injectable `fetch`. ofetch's own retry is off
 * (`retry: 0`) so that only calls marked idempotent are ever repeated, and response errors are
 * ignored so this module sees every status and body and maps them itself.
 */
export function createTransport(options: ResolvedClientOptions, observer: ClientObserver | null = null): Transport {
  const $fetch = ofetch.create(
    {
      baseURL: options.baseUrl,
      timeout: options.timeoutMs,
      retry: 0,
      ignoreResponseError: true,
      // Keep the raw text (ofetch would otherwise guess with destr): a 2xx whose body is not the
      // JSON envelope must become `api_unexpected_response`.
      parseResponse: (text: string) => text,
    },
    options.fetch ? { fetch: options.fetch as typeof globalThis.fetch } : {},
  );
  const basePath = new URL(options.baseUrl).pathname;
  const { retries, baseDelayMs, maxDelayMs } = options.retry;

  function backoff(attempt: number): number {
    // Exponential backoff with jitter, so that many clients do not retry in lockstep.
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  async function attempt(request: TransportRequest, context: RequestContext, seen: Seen): Promise<TransportResult> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
    let response: Response & { _data?: unknown };
    try {
      response = await $fetch.raw(request.path, { method: request.method, headers, body: request.body });
    } catch (error) {
      throw failureError(context, error, options.timeoutMs);
    }
    seen.status = response.status;
    seen.headers = response.headers;
    const text = typeof response._data === 'string' ? response._data : '';
    const envelope = readEnvelope(text);
    seen.envelope = envelope;
    const ok = response.status >= 200 && response.status < 300;
    if (ok && envelope === null) {
      throw unexpectedResponse(context, response.status, 'not a {code, message, data} JSON envelope');
    }
    if (ok && envelope !== null && String(envelope.code) === '100') {
      return { status: response.status, envelope, context };
    }
    throw responseError(context, response.status, envelope);
  }

  const clock = (): number => globalThis.performance?.now() ?? Date.now();

  // The hooks see what identifies the attempt, never its headers or body (token, access key, hash).
  async function observed(
    request: TransportRequest,
    context: RequestContext,
    number: number,
  ): Promise<TransportResult> {
    const seen: Seen = { status: null, envelope: null };
    const report = request.report;
    if (observer === null && report === undefined) return attempt(request, context, seen);
    const clientRequestId = newRequestId();
    const event = {
      operation: context.operation,
      method: context.method,
      path: context.path.split('?')[0] ?? context.path,
      attempt: number,
      clientRequestId,
    };
    observer?.request(event);
    const started = clock();
    const done = (errorCode: string | null): void => {
      const durationMs = Math.max(0, Math.round((clock() - started) * 1000) / 1000);
      const requestId = responseRequestId(seen.headers) ?? clientRequestId;
      observer?.response({ ...event, status: seen.status, durationMs, requestId, errorCode });
      if (report !== undefined) quietly(() => report(exchangeOf(context, seen, durationMs, requestId, errorCode)));
    };
    try {
      const result = await attempt(request, context, seen);
      done(null);
      return result;
    } catch (error) {
      done(isPagoEfectivoKitError(error) ? error.code : 'internal_error');
      throw error;
    }
  }

  return {
    async send(request: TransportRequest): Promise<TransportResult> {
      const context: RequestContext = {
        operation: request.operation,
        method: request.method,
        path: basePath + request.path,
      };
      for (let index = 0; ; index++) {
        try {
          return await observed(request, context, index + 1);
        } catch (error) {
          const failure = error as ApiError;
          const transient =
            failure.code === 'timeout' || failure.code === 'network_error' || (failure.status ?? 0) >= 500;
          if (!request.idempotent || !transient || index >= retries) throw failure;
          await sleep(backoff(index));
        }
      }
    },
  };
}
