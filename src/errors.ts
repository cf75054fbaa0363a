/**
 * The error hierarchy of pagoefectivo-kit.
 *
 * Every error the SDK throws is a {@link PagoEfectivoKitError} with a stable string `code` taken from
 * {@link ERROR_CODES}. Codes never change meaning between versions; messages may be improved.
 * Nothing in an error (message, details, `toJSON()`) ever contains a secret key, access key or token.
 *
 * @module errors
 */

/**
 * The registry of every error code, with the one-line meaning used in the docs' error reference.
 * Keep codes lowercase snake_case; add new ones here and nowhere else.
 */
export const ERROR_CODES = {
  // configuration
  config_invalid: 'An option passed to a factory is missing or invalid.',
  dependency_missing: 'An optional peer dependency (database driver, font kit) is not installed.',
  // validation of caller input
  validation_failed: 'Input did not pass validation; `issues` lists each field.',
  amount_invalid: 'An amount is not a positive decimal with at most 2 decimals and 16 integer digits.',
  currency_unsupported: 'The currency is not PEN or USD.',
  date_invalid: 'A date is invalid or not in a supported format.',
  fx_invalid: 'A foreign-exchange rate or its metadata is invalid.',
  // PagoEfectivo API
  api_error: 'PagoEfectivo answered with an error not covered by a more specific code.',
  api_validation_failed: 'PagoEfectivo rejected the request data (code 111); `fieldErrors` lists fields.',
  api_service_invalid: 'The service associated with the token is invalid (code 508).',
  api_amount_above_max: 'The amount exceeds the maximum allowed for this merchant (code 511).',
  api_server_error: 'PagoEfectivo reported an internal server error (code 166 or HTTP 5xx).',
  api_unexpected_response: 'PagoEfectivo answered with a body the SDK does not understand.',
  auth_failed: 'PagoEfectivo refused the credentials (service id, access key, secret key or clock).',
  auth_token_rejected: 'PagoEfectivo rejected the bearer token even after one re-authentication.',
  timeout: 'The request to PagoEfectivo did not finish within `timeoutMs`.',
  network_error: 'The request to PagoEfectivo failed before an HTTP response arrived.',
  // guards and the codes service
  order_already_paid: 'The order is paid; it never gets a new payment code.',
  order_cancelled: 'The order was cancelled; it never gets a new payment code.',
  order_amount_conflict: 'The order already has a code for a different amount or currency.',
  order_code_in_flight: 'Another request is creating this order’s code right now; retry shortly.',
  order_previous_code_unconfirmed:
    'The previous code could not be confirmed expired with PagoEfectivo, so no new code is issued yet.',
  expiry_out_of_bounds: 'The requested expiry is outside the configured policy bounds.',
  rate_limited: 'Too many requests from this client IP within the window.',
  ip_not_allowed: 'The client IP is not in the allow-list.',
  code_not_found: 'No payment code matches the given id, order id or CIP.',
  code_not_cancellable: 'The code is not in a state that can be cancelled.',
  code_creation_outcome_unknown:
    'PagoEfectivo may or may not have created the CIP (timeout or network error during creation).',
  order_payment_in_review: 'A payment of the order waits for a person’s decision (`codes.resolve`); no new code.',
  code_not_in_review: 'The code has no payment waiting for a decision, so there is nothing to resolve.',
  provider_operation_unsupported:
    'The payment provider does not support the operation (e.g. cancelling or a merchant-set expiry through a gateway).',
  // storage
  storage_error: 'The store failed; nothing was half-written, the operation can be retried.',
  // webhooks
  secret_missing: 'No usable secret key was given to verify the webhook.',
  signature_missing: 'The PE-Signature header is missing or empty.',
  signature_malformed: 'The PE-Signature header is not 64 hexadecimal characters.',
  signature_mismatch: 'The signature does not match the raw body and secret key.',
  body_not_raw: 'The body was already parsed; verification needs the raw string or bytes.',
  body_too_large: 'The webhook body exceeds the configured size limit.',
  malformed_payload: 'The signed body is not a valid PagoEfectivo notification.',
  // vouchers, tokens and share links
  token_malformed: 'The voucher token is not a well-formed token.',
  token_signature_invalid: 'The voucher token’s signature does not verify.',
  token_unknown_key: 'The voucher token was signed with a key id that is not trusted.',
  token_unsupported_version: 'The voucher token uses an unsupported format version.',
  key_invalid: 'A signing or verification key is malformed.',
  voucher_render_failed: 'The voucher PDF could not be rendered.',
  voucher_not_payable: 'The code has no CIP or is not pending, so no voucher or share link can be made for it.',
  voucher_code_expired:
    'The code is past its expiry, so no voucher, e-mail or SMS that a buyer could try to pay is made for it.',
  share_link_invalid: 'The share link token is unknown or malformed.',
  share_link_expired: 'The share link has expired.',
  share_link_locked: 'The share link is locked after too many wrong passcodes.',
  passcode_wrong: 'The passcode is wrong.',
  // reconciliation
  settlement_invalid: 'The settlement file could not be read with the given column mapping.',
  settlement_stream_failed:
    'The settlement input failed before its end (unreadable file, stream error, wrong chunk type); no report was produced.',
  // command line
  cli_usage:
    'The command line was used wrongly: unknown command or flag, missing or extra argument, a secret as a flag.',
  cli_runtime: 'The command could not finish: a file could not be read, or an unexpected failure.',
  // support console staff accounts
  staff_account_exists: 'A staff account with this id already exists in the store.',
  staff_account_not_found: 'No staff account with this id exists in the store.',
  staff_account_invalid:
    'A staff id, role or password does not meet the console rules (id pattern, role, password length).',
  // testing (the fake PagoEfectivo)
  fake_operation_refused: 'The fake PagoEfectivo refused a test-control call (unknown CIP or wrong CIP state).',
} as const;

/** A stable error code, one of the keys of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

const BRAND: unique symbol = Symbol.for('pagoefectivo-kit.error');

/** Options common to every SDK error. */
export interface KitErrorOptions {
  /** The underlying error, kept for debugging; it is not serialised by `toJSON()`. */
  cause?: unknown;
  /** Extra, secret-free facts that help fix the problem. */
  details?: Record<string, unknown>;
}

/**
 * The base class of every error thrown by pagoefectivo-kit.
 *
 * Use {@link isPagoEfectivoKitError} rather than `instanceof` when the error may cross bundles.
 */
export class PagoEfectivoKitError extends Error {
  /** The stable machine-readable code. */
  readonly code: ErrorCode;
  /** Extra, secret-free facts about the failure. */
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, options: KitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PagoEfectivoKitError';
    this.code = code;
    this.details = options.details;
    // A symbol brand (not enumerable) lets isPagoEfectivoKitError work across duplicated bundles.
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A plain, log-safe representation (no cause chain, no secrets). */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.details !== undefined) json.details = this.details;
    return json;
  }
}

/** An option passed to a factory is missing or invalid, or an optional dependency is absent. */
export class ConfigurationError extends PagoEfectivoKitError {
  constructor(message: string, options: KitErrorOptions & { code?: 'config_invalid' | 'dependency_missing' } = {}) {
    super(options.code ?? 'config_invalid', message, options);
    this.name = 'ConfigurationError';
  }
}

/** One problem found while validating input. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `payer.email`; empty for the whole input. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Caller input failed validation. `issues` names every offending field. */
export class ValidationError extends PagoEfectivoKitError {
  /** Every problem found, one per field. */
  readonly issues: readonly ValidationIssue[];

  constructor(
    message: string,
    issues: readonly ValidationIssue[] = [],
    options: KitErrorOptions & { code?: ErrorCode } = {},
  ) {
    super(options.code ?? 'validation_failed', message, options);
    this.name = 'ValidationError';
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** A field-level error reported by PagoEfectivo inside a code-111 response. */
export interface ApiFieldError {
  code: string;
  message: string;
  field: string | null;
}

/** Options of an {@link ApiError}. */
export interface ApiErrorOptions extends KitErrorOptions {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** PagoEfectivo's envelope `code` (e.g. `"111"`), as a string. */
  apiCode?: string;
  /** Field errors from a validation response. */
  fieldErrors?: readonly ApiFieldError[];
  /** HTTP method and path (never the query or body). */
  request?: { method: string; path: string };
}

/** PagoEfectivo answered with an error, or could not be reached. */
export class ApiError extends PagoEfectivoKitError {
  readonly status: number | undefined;
  readonly apiCode: string | undefined;
  readonly fieldErrors: readonly ApiFieldError[];
  readonly request: { method: string; path: string } | undefined;

  constructor(code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ApiError';
    this.status = options.status;
    this.apiCode = options.apiCode;
    this.fieldErrors = options.fieldErrors ?? [];
    this.request = options.request;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      apiCode: this.apiCode,
      fieldErrors: this.fieldErrors,
      request: this.request,
    };
  }
}

/** PagoEfectivo refused the credentials or the token. */
export class AuthError extends ApiError {
  constructor(message: string, options: ApiErrorOptions & { code?: 'auth_failed' | 'auth_token_rejected' } = {}) {
    super(options.code ?? 'auth_failed', message, options);
    this.name = 'AuthError';
  }
}

/** The request did not complete within the configured timeout. */
export class TimeoutError extends ApiError {
  constructor(message: string, options: ApiErrorOptions = {}) {
    super('timeout', message, options);
    this.name = 'TimeoutError';
  }
}

/** The request failed before any HTTP response arrived. */
export class NetworkError extends ApiError {
  constructor(message: string, options: ApiErrorOptions = {}) {
    super('network_error', message, options);
    this.name = 'NetworkError';
  }
}

/** A safety rule refused the operation (order state, amount lock, expiry policy, rate limit, IP). */
export class GuardError extends PagoEfectivoKitError {
  constructor(code: ErrorCode, message: string, options: KitErrorOptions = {}) {
    super(code, message, options);
    this.name = 'GuardError';
  }
}

/** The store failed. The operation had no partial effect and may be retried. */
export class StorageError extends PagoEfectivoKitError {
  constructor(message: string, options: KitErrorOptions = {}) {
    super('storage_error', message, options);
    this.name = 'StorageError';
  }
}

/** A webhook could not be verified or parsed. */
export class WebhookVerificationError extends PagoEfectivoKitError {
  constructor(code: ErrorCode, message: string, options: KitErrorOptions = {}) {
    super(code, message, options);
    this.name = 'WebhookVerificationError';
  }
}

/** A voucher token, signing key or share link was refused. */
export class VoucherError extends PagoEfectivoKitError {
  constructor(code: ErrorCode, message: string, options: KitErrorOptions = {}) {
    super(code, message, options);
    this.name = 'VoucherError';
  }
}

/**
 * Whether `error` is an SDK error, optionally with a given code. Works across duplicated bundles
 * (ESM and CommonJS copies), where `instanceof` would not.
 */
export function isPagoEfectivoKitError(error: unknown, code?: ErrorCode): error is PagoEfectivoKitError {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || (error as PagoEfectivoKitError).code === code;
}

/**
 * Wrap a failure of a store's backend in a {@link StorageError}, keeping typed SDK errors as they are.
 * Adapters call this so that callers always see a typed error.
 */
export function toStorageError(error: unknown, operation: string): PagoEfectivoKitError {
  if (isPagoEfectivoKitError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageError(`Store operation "${operation}" failed: ${reason}`, { cause: error, details: { operation } });
}

/**
 * The command line was used wrongly (exit code 2): unknown command or flag, a missing or extra
 * argument, a secret passed as a flag. The message says how to fix it and never repeats a value that
 * could be a pasted secret.
 */
export class CliUsageError extends PagoEfectivoKitError {
  constructor(message: string) {
    super('cli_usage', message);
    this.name = 'CliUsageError';
  }
}

/** A command failed while running (exit code 3) for a reason that is not another SDK error, e.g. an unreadable file. */
export class CliRuntimeError extends PagoEfectivoKitError {
  constructor(message: string, options: KitErrorOptions = {}) {
    super('cli_runtime', message, options);
    this.name = 'CliRuntimeError';
  }
}
