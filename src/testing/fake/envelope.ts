/**
 * Response envelopes of the fake, as documented in protocol §3. Codes above 9000 are fake-only:
 * the real error bodies for these cases are undocumented (protocol §11), so the fake uses clearly
 * recognisable placeholders instead of guessing real values.
 */

/** Documented and fake-only envelope codes used by the fake. */
export const FAKE_CODES = {
  success: 100,
  invalidData: 111,
  required: 112,
  invalidValue: 113,
  serviceInvalid: 508,
  amountAboveMax: 511,
  serverError: 166,
  /** Fake-only: credentials refused by `POST /v1/authorizations` (HTTP 401). */
  authRefused: 9401,
  /** Fake-only: missing, expired or revoked bearer token (HTTP 401). */
  tokenRefused: 9402,
  /** Fake-only: the CIP number is unknown (HTTP 404). */
  cipNotFound: 9404,
  /** Fake-only: the CIP is not in a state that allows the operation (HTTP 409). */
  cipWrongState: 9409,
} as const;

/** One detail of a code-111 validation answer. */
export interface FakeFieldError {
  code: 112 | 113;
  message: string;
  field: string;
}

const RAW: unique symbol = Symbol('pagoefectivo-kit.fake.rawNumber');

/** A JSON number token written digit for digit, never through a double (see {@link rawNumber}). */
export interface RawNumber {
  readonly [RAW]: string;
}

/**
 * Mark a decimal string (e.g. `"90071992547409.91"`) to be written as a bare JSON number token, as
 * PagoEfectivo's server writes its decimals. `Number(…)` would round amounts beyond 15 significant
 * digits before they reach the wire.
 */
export function rawNumber(token: string): RawNumber {
  if (!/^\d+(?:\.\d+)?$/.test(token)) throw new RangeError(`not a plain decimal token: ${token}`);
  return { [RAW]: token };
}

function isRawNumber(value: unknown): value is RawNumber {
  return typeof value === 'object' && value !== null && RAW in value;
}

/** Serialise like `JSON.stringify`, writing {@link RawNumber}s as their exact tokens. */
export function toJsonText(body: unknown): string {
  const tokens: string[] = [];
  const text = JSON.stringify(body, (_key, value: unknown) => {
    if (!isRawNumber(value)) return value;
    tokens.push(value[RAW]);
    return `\u0000${tokens.length - 1}\u0000`;
  });
  return tokens.length === 0
    ? text
    : text.replace(/"\\u0000(\d+)\\u0000"/g, (_match, index: string) => tokens[Number(index)]!);
}

/** A JSON response with the given status. */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(toJsonText(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** A success envelope (`code` 100). */
export function success(status: number, data: unknown): Response {
  return jsonResponse(status, { code: FAKE_CODES.success, message: 'Solicitud exitosa.', data });
}

/** An error envelope. */
export function failure(status: number, code: number, message: string, data: unknown = null): Response {
  return jsonResponse(status, { code, message, data });
}

/** The documented validation answer: HTTP 400, code 111, `data` listing each field. */
export function invalid(errors: readonly FakeFieldError[]): Response {
  return failure(400, FAKE_CODES.invalidData, 'Solicitud con datos inválidos.', errors);
}

/** A code-112 ("required") detail. */
export function required(field: string): FakeFieldError {
  return { code: FAKE_CODES.required, message: 'Requerido.', field };
}

/** A code-113 ("invalid value") detail. */
export function invalidValue(field: string): FakeFieldError {
  return { code: FAKE_CODES.invalidValue, message: 'Valor invalido.', field };
}

/** HTTP 401 for a missing, expired or revoked bearer token. */
export function tokenRefused(): Response {
  return failure(401, FAKE_CODES.tokenRefused, 'Token inválido o expirado (fake).');
}

/** Read a JSON body; `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The server binds JSON keys case-insensitively (protocol §0): index an object by lower-cased key.
 * Non-objects give an empty map.
 */
export function lowerKeys(value: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return map;
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== null && entry !== undefined) map.set(key.toLowerCase(), entry);
  }
  return map;
}

/** A string, or a finite number as its decimal text (the server coerces numbers and strings). */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
