import * as v from 'valibot';
import { ApiError, type ApiFieldError, AuthError, NetworkError, TimeoutError } from '../errors.js';
import { type Envelope, EnvelopeSchema, FieldErrorSchema } from './response-schemas.js';

/** The API operations, named as in the provider contract. */
export type Operation = 'authorize' | 'createCip' | 'searchCips' | 'updateCipExpiry' | 'deleteCip';

/** What an error message may say about a request: method, path and operation, never body or headers. */
export interface RequestContext {
  operation: Operation;
  method: string;
  path: string;
}

// A createCip that failed this way may still have created the CIP at PagoEfectivo.
function outcome(context: RequestContext): Record<string, unknown> {
  return context.operation === 'createCip'
    ? { operation: context.operation, outcomeUnknown: true }
    : { operation: context.operation };
}

function describe(context: RequestContext): string {
  return `PagoEfectivo ${context.method} ${context.path}`;
}

/** Wrap a failure that happened before any HTTP response (ofetch's FetchError is kept as `cause`). */
export function failureError(context: RequestContext, error: unknown, timeoutMs: number): ApiError {
  const request = { method: context.method, path: context.path };
  const root = (error as { cause?: unknown } | null)?.cause ?? error;
  const name = (root as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') {
    return new TimeoutError(
      `${describe(context)} did not answer within ${timeoutMs} ms; raise timeoutMs or try again later.`,
      { cause: error, request, details: outcome(context) },
    );
  }
  const reason = root instanceof Error ? root.message : 'unknown failure';
  return new NetworkError(
    `${describe(context)} failed before a response arrived (${reason}); check connectivity and the base URL.`,
    { cause: error, request, details: outcome(context) },
  );
}

// `"amount": 150.5` and `"cip": 2401557` as JSON number tokens. A key is the only place a quoted
// word can be followed by a colon (inside a string the quotes would be escaped), so this never
// touches string content.
const EXACT_NUMBER_FIELD = /("(?:amount|cip)"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=\s*[,}\]])/gi;

/**
 * Read the response text as an envelope; `null` when it is not JSON of that shape.
 *
 * `amount` and `cip` number tokens are read as the strings they are written as: `JSON.parse` would turn
 * them into doubles, which round amounts beyond 15 significant digits (the API allows 16 integer digits
 * plus 2 decimals), so a paid amount could read as a different one.
 */
export function readEnvelope(text: string): Envelope | null {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(EXACT_NUMBER_FIELD, '$1"$2"'));
  } catch {
    return null;
  }
  const result = v.safeParse(EnvelopeSchema, json);
  return result.success ? result.output : null;
}

function fieldErrors(data: unknown): ApiFieldError[] {
  if (!Array.isArray(data)) return [];
  return data.flatMap((item) => {
    const parsed = v.safeParse(FieldErrorSchema, item);
    if (!parsed.success) return [];
    const { code, message, field } = parsed.output;
    return [{ code: code == null ? '' : String(code), message: message ?? '', field: field ?? null }];
  });
}

/** A 2xx answer whose body the SDK cannot read. */
export function unexpectedResponse(context: RequestContext, status: number, reason: string): ApiError {
  return new ApiError(
    'api_unexpected_response',
    `${describe(context)} answered HTTP ${status} with a body the SDK does not understand (${reason}).`,
    { status, request: { method: context.method, path: context.path }, details: outcome(context) },
  );
}

/**
 * Map an error answer (non-2xx, or a 2xx whose envelope code is not 100) to a typed error.
 * Statuses decide first; the envelope code refines 400s. A 401 on the auth endpoint is `auth_failed`;
 * elsewhere it is `auth_token_rejected` (the caller re-authenticates once before surfacing it).
 */
export function responseError(context: RequestContext, status: number, envelope: Envelope | null): ApiError {
  const apiCode = envelope ? String(envelope.code) : undefined;
  const base = {
    status,
    request: { method: context.method, path: context.path },
    ...(apiCode === undefined ? {} : { apiCode }),
  };
  const said = envelope?.message ? `: ${envelope.message}` : '';
  const head = `${describe(context)} answered HTTP ${status}${apiCode ? ` (code ${apiCode})` : ''}${said}`;
  if (context.operation === 'authorize' && status >= 400 && status < 500) {
    return new AuthError(
      `${head}. Check serviceId, accessKey, secretKey and that this machine's clock is correct.`,
      base,
    );
  }
  if (status === 401) {
    return new AuthError(`${head}. The bearer token was refused even after re-authenticating.`, {
      ...base,
      code: 'auth_token_rejected',
    });
  }
  if (status >= 500 || apiCode === '166') {
    return new ApiError('api_server_error', `${head}. PagoEfectivo failed internally; try again later.`, {
      ...base,
      details: outcome(context),
    });
  }
  if (apiCode === '111') {
    const errors = fieldErrors(envelope?.data);
    const fields = errors.map((error) => error.field ?? '?').join(', ');
    return new ApiError(
      'api_validation_failed',
      `${head}. Rejected fields: ${fields || 'not listed'}; fix them and call again.`,
      { ...base, fieldErrors: errors },
    );
  }
  if (apiCode === '508') {
    return new ApiError(
      'api_service_invalid',
      `${head}. The token's service is invalid: check serviceId and that the keys belong to it.`,
      base,
    );
  }
  if (apiCode === '511') {
    return new ApiError(
      'api_amount_above_max',
      `${head}. Use a smaller amount or ask PagoEfectivo to raise this merchant's maximum.`,
      base,
    );
  }
  return new ApiError('api_error', `${head}.`, base);
}
