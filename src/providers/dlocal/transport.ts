import { ApiError, type ApiFieldError, AuthError, NetworkError, TimeoutError } from '../../errors.js';
import { authorizationOf, dlocalSignature } from './signature.js';

/** The operations of the dLocal provider, for error messages and `outcomeUnknown`. */
export type DlocalOperation = 'createPayment' | 'getPayment' | 'getOrder' | 'cancelPayment';

/** What the transport needs; resolved from `createDlocalProvider`'s options. */
export interface DlocalTransportConfig {
  login: string;
  transKey: string;
  secretKey: string;
  baseUrl: string;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  timeoutMs: number;
  now: () => Date;
}

/** A dLocal answer that arrived: HTTP status and the raw text (parsed by the caller). */
export interface DlocalAnswer {
  status: number;
  text: string;
}

/** The API version the provider speaks (CONFIRMED: "Current API Version number: 2.1"). */
export const DLOCAL_API_VERSION = '2.1';

/** dLocal's error body: `{ code, message, param? }`. */
function errorBody(text: string): { code: string | null; message: string | null; param: string | null } {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const pick = (value: unknown): string | null =>
      typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
    return { code: pick(json.code), message: pick(json.message), param: pick(json.param) };
  } catch {
    return { code: null, message: null, param: null };
  }
}

/**
 * A dLocal error answer as a typed error. 401/403 are the credentials (`3001` invalid credentials,
 * `3002` unregistered IP, `3003` no authorization): `auth_failed`. 5xx and `7000` are dLocal's failure
 * (`api_server_error`, and for a creation `outcomeUnknown`); a 400 naming a `param` is
 * `api_validation_failed`; the rest `api_error` with dLocal's code as `apiCode`.
 */
export function dlocalError(operation: DlocalOperation, method: string, path: string, answer: DlocalAnswer): ApiError {
  const body = errorBody(answer.text);
  const request = {
    method,
    path: path.replace(/\/payments\/[^/]+/, '/payments/{id}').replace(/\/orders\/.+$/, '/orders/{id}'),
  };
  const base = { status: answer.status, request, ...(body.code === null ? {} : { apiCode: body.code }) };
  const head = `dLocal ${method} ${request.path} answered HTTP ${answer.status}${body.code ? ` (code ${body.code})` : ''}${
    body.message ? `: ${body.message}` : ''
  }`;
  if (answer.status === 401 || answer.status === 403) {
    return new AuthError(
      `${head}. Check login, transKey and secretKey, and that this server's IP is registered in the dLocal dashboard.`,
      base,
    );
  }
  if (answer.status >= 500 || body.code === '7000') {
    return new ApiError('api_server_error', `${head}. dLocal failed internally; try again later.`, {
      ...base,
      details: { operation, ...(operation === 'createPayment' && { outcomeUnknown: true }) },
    });
  }
  if (answer.status === 400 && body.param !== null) {
    const fieldErrors: ApiFieldError[] = [{ code: body.code ?? '', message: body.message ?? '', field: body.param }];
    return new ApiError('api_validation_failed', `${head}. Fix ${body.param} and call again.`, {
      ...base,
      fieldErrors,
    });
  }
  return new ApiError('api_error', `${head}.`, { ...base, details: { operation, retryable: answer.status === 429 } });
}

/**
 * Send one signed request (practice 14: no blind retries; the codes service's guards protect creation).
 * The body is serialised once by the caller and the same string is signed and sent.
 * @throws {TimeoutError} / {@link NetworkError} before any answer (flagged `outcomeUnknown` for a creation).
 */
export async function dlocalRequest(
  config: DlocalTransportConfig,
  operation: DlocalOperation,
  method: 'GET' | 'POST',
  path: string,
  body: string,
  extraHeaders: Record<string, string> = {},
): Promise<DlocalAnswer> {
  const xDate = config.now().toISOString();
  const signature = await dlocalSignature({ login: config.login, xDate, body, secretKey: config.secretKey });
  const headers: Record<string, string> = {
    'X-Date': xDate,
    'X-Login': config.login,
    'X-Trans-Key': config.transKey,
    'X-Version': DLOCAL_API_VERSION,
    'User-Agent': 'pagoefectivo-kit',
    Authorization: authorizationOf(signature),
    ...extraHeaders,
  };
  if (method === 'POST') headers['Content-Type'] = 'application/json';
  const request = { method, path: path.replace(/\/payments\/[^/]+/, '/payments/{id}') };
  const details = { operation, ...(operation === 'createPayment' && { outcomeUnknown: true }) };
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    const response = await config.fetch(new URL(path.replace(/^\//, ''), config.baseUrl).href, {
      method,
      headers,
      ...(method === 'POST' && { body }),
      signal,
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (signal.aborted) {
      throw new TimeoutError(`dLocal ${method} ${request.path} did not answer within ${config.timeoutMs} ms.`, {
        cause: error,
        request,
        details,
      });
    }
    const reason = error instanceof Error ? error.message : 'unknown failure';
    throw new NetworkError(`dLocal ${method} ${request.path} failed before a response arrived (${reason}).`, {
      cause: error,
      request,
      details,
    });
  }
}
