import * as v from 'valibot';
import { ApiError, AuthError, ConfigurationError, isPagoEfectivoKitError, ValidationError } from '../errors.js';
import {
  type CashCodeProvider,
  type CipStatus,
  type CreateCipInput,
  type CreatedCip,
  ownExchangeLog,
  type ProviderExchange,
} from '../model/provider.js';
import {
  type ClientRequestEvent,
  type ClientResponseEvent,
  createClientObserver,
} from '../observability/client-hooks.js';
import { attributes, resolveTracer, SPAN_KIND, withSpan } from '../observability/tracing.js';
import { formatLimaTimestamp } from '../time/index.js';
import { unexpectedResponse } from './_errors.js';
import { type AuthSession, createTokenManager } from './auth.js';
import { buildCreateCipBody, toCipStatus, toCreatedCip } from './cips.js';
import { type PagoEfectivoClientOptions, resolveClientOptions } from './options.js';
import { validateCipNumber, validateCreateCipInput, validateDateExpiry } from './request-schemas.js';
import { CreatedCipDataSchema, SearchDataSchema } from './response-schemas.js';
import { createTransport, type TransportRequest, type TransportResult } from './transport.js';

/**
 * Headers of the create-CIP call beyond auth and content type. The official "Api CIP v1.1" PDF marks
 * `Origin` (`web` / `android` / `ios`) mandatory in the create-CIP header table, and two production
 * integrations send `Origin: web` (protocol notes §2 and §12). The notes document it for no other call,
 * so authorization, search, update and delete do not send it.
 */
const CREATE_CIP_HEADERS: Readonly<Record<string, string>> = Object.freeze({ origin: 'web' });

/** The PagoEfectivo REST client: the {@link CashCodeProvider} plus a few conveniences. */
export interface PagoEfectivoClient extends CashCodeProvider {
  /** `'sandbox'` or `'production'`. */
  readonly environment: 'sandbox' | 'production';
  /** The API base URL in use, ending with `/v1/`. */
  readonly baseUrl: string;
  /** How many CIPs one search request carries (`searchBatchSize`); `reconcileWithApi` batches by it. */
  readonly searchBatchSize: number;
  /** Obtain (or, with `force`, renew) the bearer token; resolves to its facts, never the token. */
  authenticate(options?: { force?: boolean }): Promise<AuthSession>;
  /** Search one CIP; rejects with `code_not_found` when PagoEfectivo does not know it. */
  getCip(cip: string): Promise<CipStatus>;
  /**
   * Add a hook called before (`'request'`) or after (`'response'`) every HTTP attempt; returns the
   * function that removes it. Hooks never see a key, token, auth hash or body, and a throw is ignored.
   */
  on(type: 'request', hook: (event: ClientRequestEvent) => void): () => void;
  on(type: 'response', hook: (event: ClientResponseEvent) => void): () => void;
  /** This client, reporting each HTTP attempt of the calls made through it to `sink` (see `CashCodeProvider`). */
  withExchangeLog(sink: (exchange: ProviderExchange) => void): PagoEfectivoClient;
  /** A log-safe description (no keys, no token). */
  toJSON(): Record<string, unknown>;
}

/**
 * Create a client for PagoEfectivo's REST API ("API CIP v1").
 *
 * Inputs are validated locally before any request. Auth, search and expiry updates are retried
 * after 5xx, timeouts and network errors; `createCip` and `deleteCip` are never retried blindly
 * (see docs/client.md). A 401 triggers exactly one re-authentication and retry.
 *
 * @throws {ConfigurationError} `config_invalid` when an option is missing or invalid.
 *
 * @example
 * ```ts
 * const client = createPagoEfectivoClient({ serviceId: 1234, accessKey, secretKey });
 * const cip = await client.createCip({
 *   currency: 'PEN', amount: '150.50', transactionCode: 'ORD-0001', userEmail: 'ana@example.pe',
 * });
 * ```
 */
export function createPagoEfectivoClient(options: PagoEfectivoClientOptions): PagoEfectivoClient {
  const resolved = resolveClientOptions(options);
  const observer = createClientObserver(options.hooks);
  const tracer = resolveTracer(options.tracer, 'createPagoEfectivoClient');
  const transport = createTransport(resolved, observer);
  const tokens = createTokenManager(resolved, transport);

  // Authenticated call with exactly one transparent re-authentication after a 401. Repeating even
  // createCip is safe here: a 401 means PagoEfectivo refused the request before processing it.
  async function call(request: Omit<TransportRequest, 'token'>): Promise<TransportResult> {
    let token = await tokens.token();
    try {
      return await transport.send({ ...request, token });
    } catch (error) {
      if (!(error instanceof AuthError) || error.code !== 'auth_token_rejected') throw error;
      tokens.invalidate(token);
      token = await tokens.token();
      return transport.send({ ...request, token });
    }
  }

  type Report = ((exchange: ProviderExchange) => void) | undefined;

  async function searchBatch(cips: string[], report: Report): Promise<CipStatus[]> {
    const body = JSON.stringify({ data: cips.map((cip) => ({ cip: Number(cip) })) });
    const result = await call({
      operation: 'searchCips',
      method: 'POST',
      path: 'cips/search',
      body,
      idempotent: true,
      report,
    });
    const parsed = v.safeParse(SearchDataSchema, result.envelope.data ?? []);
    if (!parsed.success) throw unexpectedResponse(result.context, result.status, '`data` is not a list of CIPs');
    const now = resolved.now();
    return parsed.output.map((item) => toCipStatus(item, now, result.context, result.status));
  }

  async function searchCips(cips: readonly string[], report: Report): Promise<CipStatus[]> {
    if (!Array.isArray(cips)) {
      throw new ValidationError('cips must be an array of CIP numbers such as ["2401557"].', [
        { path: 'cips', message: 'cips must be an array of CIP numbers' },
      ]);
    }
    const unique = [...new Set(cips.map((cip, index) => validateCipNumber(cip, `cips.${index}`)))];
    const results: CipStatus[] = [];
    // Batches run one after another: PagoEfectivo's rate limits are undocumented, so be gentle.
    for (let start = 0; start < unique.length; start += resolved.searchBatchSize) {
      results.push(...(await searchBatch(unique.slice(start, start + resolved.searchBatchSize), report)));
    }
    return results;
  }

  async function createCip(input: CreateCipInput, report: Report): Promise<CreatedCip> {
    const valid = validateCreateCipInput(input, resolved.now());
    const body = buildCreateCipBody(valid);
    // Never retried: a timeout may hide a created CIP. Errors that leave the outcome open carry
    // `details.outcomeUnknown` (see isCreationOutcomeUnknown); the one-code-per-order guard decides.
    const result = await call({
      operation: 'createCip',
      method: 'POST',
      path: 'cips',
      body,
      idempotent: false,
      headers: CREATE_CIP_HEADERS,
      report,
    });
    const parsed = v.safeParse(CreatedCipDataSchema, result.envelope.data);
    if (!parsed.success) throw unexpectedResponse(result.context, result.status, '`data` is not a created CIP');
    return toCreatedCip(parsed.output, result.context, result.status);
  }

  /** The provider operations, each HTTP attempt reported to `report` when given. */
  function operations(
    report: Report,
  ): Pick<PagoEfectivoClient, 'createCip' | 'searchCips' | 'updateCipExpiry' | 'deleteCip'> {
    return {
      createCip(input: CreateCipInput): Promise<CreatedCip> {
        // The span carries the transaction code (the kit's code id) and the CIP, never the payer's data.
        const transactionCode = typeof input?.transactionCode === 'string' ? input.transactionCode : null;
        return withSpan(
          tracer,
          'pagoefectivo.createCip',
          { kind: SPAN_KIND.client, attributes: attributes({ 'pagoefectivo.transaction_code': transactionCode }) },
          () => createCip(input, report),
          (created, span) => span.setAttribute('pagoefectivo.cip', created.cip),
        );
      },

      searchCips: (cips: readonly string[]) => searchCips(cips, report),

      async updateCipExpiry(cip: string, dateExpiry: Date): Promise<void> {
        const number = validateCipNumber(cip);
        const expiry = validateDateExpiry(dateExpiry, resolved.now());
        const body = JSON.stringify({ dateExpiry: formatLimaTimestamp(expiry, 'dateExpiry') });
        // Setting an absolute expiry twice has the same effect as once, so this call may be retried.
        await call({
          operation: 'updateCipExpiry',
          method: 'PATCH',
          path: `cips/${number}`,
          body,
          idempotent: true,
          report,
        });
      },

      async deleteCip(cip: string): Promise<void> {
        const number = validateCipNumber(cip);
        // Not retried: if a first attempt deleted the CIP but its answer was lost, a retry would be
        // refused (only generated CIPs can be deleted). Confirm with searchCips instead.
        await call({ operation: 'deleteCip', method: 'DELETE', path: `cips/${number}`, idempotent: false, report });
      },
    };
  }

  const client: PagoEfectivoClient = {
    environment: resolved.environment,
    baseUrl: resolved.baseUrl,
    searchBatchSize: resolved.searchBatchSize,

    authenticate(authOptions?: { force?: boolean }): Promise<AuthSession> {
      return tokens.session(authOptions?.force === true);
    },

    ...operations(undefined),

    async getCip(cip: string): Promise<CipStatus> {
      const number = validateCipNumber(cip);
      const [found] = await searchCips([number], undefined);
      if (found === undefined) {
        throw new ApiError('code_not_found', `PagoEfectivo does not know CIP ${number}; check the number.`, {
          details: { cip: number },
        });
      }
      return found;
    },

    withExchangeLog(sink: (exchange: ProviderExchange) => void): PagoEfectivoClient {
      if (typeof sink !== 'function') {
        throw new ConfigurationError('client.withExchangeLog(sink): sink must be a function.');
      }
      return { ...client, ...operations(sink) };
    },

    on: observer.on,

    toJSON(): Record<string, unknown> {
      return { environment: resolved.environment, baseUrl: resolved.baseUrl, serviceId: resolved.serviceId };
    },
  };
  // A wrapper that spreads or proxies this client inherits withExchangeLog, whose view would skip the
  // wrapper's own calls: the service uses the exchange log of this very object only.
  ownExchangeLog(client, client.withExchangeLog);
  return client;
}

/**
 * Whether a `createCip` failure leaves it open if PagoEfectivo created the CIP (timeout, network
 * error, 5xx or an unreadable 2xx). Such failures must not be answered with a blind retry: look the
 * order up instead (the codes service's one-code-per-order guard does this).
 */
export function isCreationOutcomeUnknown(error: unknown): boolean {
  return isPagoEfectivoKitError(error) && error.details?.outcomeUnknown === true;
}
