import { ApiError, ConfigurationError, GuardError, ValidationError } from '../../errors.js';
import type {
  CashCodeProvider,
  CipReference,
  CipStatus,
  CreateCipInput,
  CreatedCip,
  ProviderSupports,
} from '../../model/provider.js';
import { parseAmount } from '../../money/index.js';
import { cipOf, cipStatusOf, type DlocalPayment, parseDlocalDate, parseDlocalPayment } from './payment.js';
import { type DlocalAnswer, type DlocalTransportConfig, dlocalError, dlocalRequest } from './transport.js';

/** dLocal's Payins base URLs (CONFIRMED: docs.dlocal.com payins-security and make-a-test-payment). */
export const DLOCAL_BASE_URLS: { readonly sandbox: string; readonly production: string } = {
  sandbox: 'https://sandbox.dlocal.com/',
  production: 'https://api.dlocal.com/',
};

/**
 * How long after a ticket's expiry a payment may still be reported: dLocal confirms cash payments "1 to
 * 2 business days" after the payer pays (its help centre), so 4 calendar days cover a weekend.
 */
export const DLOCAL_SETTLEMENT_GRACE_MS: number = 4 * 24 * 60 * 60 * 1000;

/** Options of {@link createDlocalProvider}. */
export interface DlocalProviderOptions {
  /** The merchant's `X-Login`. */
  login: string;
  /** The merchant's `X-Trans-Key`. */
  transKey: string;
  /** The secret key that signs requests (never sent) and notifications. */
  secretKey: string;
  /** `sandbox` (https://sandbox.dlocal.com) or `production` (https://api.dlocal.com). Required. */
  environment: 'sandbox' | 'production';
  /** Overrides the environment's base URL (e.g. `createFakeDlocal().baseUrl`). */
  baseUrl?: string;
  /** A `fetch` implementation (default: the global one), e.g. `createFakeDlocal().fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Per-request timeout in ms (default 15 000). */
  timeoutMs?: number;
  /** The clock that stamps `X-Date` and judges expiry (default `() => new Date()`). */
  now?: () => Date;
  /** `notification_url` sent with every payment (default: the URL configured in the dLocal dashboard). */
  notificationUrl?: string;
  /** `callback_url` sent with every payment: where dLocal redirects the payer at the end. */
  callbackUrl?: string;
}

/** The dLocal provider: a {@link CashCodeProvider} plus dLocal-specific lookups. */
export interface DlocalProvider extends CashCodeProvider {
  readonly provider: 'dlocal';
  readonly specificationVersion: 'v1';
  readonly supports: Required<ProviderSupports>;
  /** `GET /payments/{id}`: the payment object, or `null` when dLocal answers 404 / code 4000. */
  getPayment(paymentId: string): Promise<DlocalPayment | null>;
  /** `GET /orders/{order_id}` (the SDK's code id): dLocal's payment id, or `null` when unknown. */
  findPaymentId(orderId: string): Promise<string | null>;
}

const DOCUMENT = /^(?:\d{8,9}|\d{11})$/;

/**
 * Check what dLocal requires for a PagoEfectivo payment before any request: the payer's name, e-mail
 * and document (DNI: 8–9 digits, RUC: 11 digits), currency `PEN`.
 * @throws {ValidationError} naming every missing or invalid field, in `issue` input terms.
 */
export function checkDlocalInput(input: Omit<CreateCipInput, 'transactionCode'>): void {
  const issues: { path: string; message: string }[] = [];
  if (input.currency !== 'PEN') {
    // USD through dLocal goes by `currency_to_charge`, whose availability for EF is UNKNOWN: refused.
    issues.push({ path: 'currency', message: 'dLocal PagoEfectivo (EF) codes are issued in PEN only' });
  }
  if (typeof input.userDocumentNumber !== 'string' || !DOCUMENT.test(input.userDocumentNumber)) {
    issues.push({
      path: 'payer.documentNumber',
      message: 'dLocal requires the payer document: a DNI (8 or 9 digits) or a RUC (11 digits)',
    });
  }
  const name = [input.userName, input.userLastName].filter(Boolean).join(' ').trim();
  if (name === '') issues.push({ path: 'payer.firstName', message: "dLocal requires the payer's name" });
  if (issues.length > 0) {
    throw new ValidationError(
      `dLocal cannot issue this code: ${issues.map((issue) => issue.path).join(', ')}.`,
      issues,
    );
  }
}

/** The amount as an exact JSON number token: `"150.50"` → `150.5`, `"100.00"` → `100` (major units). */
function amountToken(amount: string): string {
  const minor = parseAmount(amount);
  const units = Math.trunc(minor / 100);
  const cents = minor % 100;
  if (cents === 0) return String(units);
  return `${units}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}

/**
 * The request body, serialised once (its exact bytes are signed and sent). The amount is written as a
 * JSON number from its decimal digits, never through a float.
 */
export function createPaymentBody(
  input: CreateCipInput,
  options: Pick<DlocalProviderOptions, 'notificationUrl' | 'callbackUrl'>,
): string {
  const payer: Record<string, string> = {
    name: [input.userName, input.userLastName].filter(Boolean).join(' ').trim(),
    email: input.userEmail,
    document: input.userDocumentNumber ?? '',
  };
  if (input.userPhone) payer.phone = `${input.userCodeCountry ?? ''}${input.userPhone}`;
  const body: Record<string, unknown> = {
    amount: '\u0000amount\u0000',
    currency: input.currency,
    country: 'PE',
    payment_method_id: 'EF',
    payment_method_flow: 'DIRECT',
    payer,
    order_id: input.transactionCode,
  };
  if (input.paymentConcept !== undefined) body.description = input.paymentConcept;
  if (options.notificationUrl !== undefined) body.notification_url = options.notificationUrl;
  if (options.callbackUrl !== undefined) body.callback_url = options.callbackUrl;
  return JSON.stringify(body).replace('"\\u0000amount\\u0000"', amountToken(input.amount));
}

function checkOptions(options: DlocalProviderOptions): void {
  const fail = (option: string, message: string): never => {
    throw new ConfigurationError(`createDlocalProvider: ${option} ${message}.`, { details: { option } });
  };
  for (const key of ['login', 'transKey', 'secretKey'] as const) {
    if (typeof options?.[key] !== 'string' || options[key].trim() === '') fail(key, 'is required');
  }
  if (options.environment !== 'sandbox' && options.environment !== 'production') {
    fail('environment', 'must be "sandbox" or "production"');
  }
  if (options.baseUrl !== undefined) {
    try {
      new URL(options.baseUrl);
    } catch {
      fail('baseUrl', 'must be an absolute URL');
    }
  }
  if (options.timeoutMs !== undefined && (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs < 1)) {
    fail('timeoutMs', 'must be a positive integer of milliseconds');
  }
}

/** Ask for several payments with at most four requests in flight. */
async function inBatches<T, R>(items: readonly T[], run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, items.length) }, worker));
  return results;
}

/**
 * Create the dLocal provider: PagoEfectivo cash codes (`EF`, Peru, PEN) through the dLocal Payins API,
 * for `createCashCodes({ provider })`. Requests are signed with dLocal's V2-HMAC-SHA256 headers; the
 * CIP is the ticket number; status is read with `GET /payments/{id}`; cancel is
 * `POST /payments/{id}/cancel`. dLocal sets the expiry itself and offers no way to change it, so
 * `supports` declares `merchantExpiry` and `updateCipExpiry` unsupported (the codes service refuses them
 * with `provider_operation_unsupported`). See docs/providers.md.
 *
 * @example
 * const provider = createDlocalProvider({ login, transKey, secretKey, environment: 'sandbox' });
 * const codes = createCashCodes({ provider, store: memoryStore() });
 *
 * @throws {ConfigurationError} `config_invalid` for missing credentials or a bad option.
 */
export function createDlocalProvider(options: DlocalProviderOptions): DlocalProvider {
  checkOptions(options);
  const fetcher = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  const config: DlocalTransportConfig = {
    login: options.login.trim(),
    transKey: options.transKey.trim(),
    secretKey: options.secretKey.trim(),
    baseUrl: options.baseUrl ?? DLOCAL_BASE_URLS[options.environment],
    fetch: fetcher,
    timeoutMs: options.timeoutMs ?? 15_000,
    now: options.now ?? (() => new Date()),
  };

  function readPayment(operation: 'createPayment' | 'getPayment', path: string, answer: DlocalAnswer): DlocalPayment {
    try {
      return parseDlocalPayment(answer.text);
    } catch (error) {
      throw new ApiError(
        'api_unexpected_response',
        `dLocal ${path} answered HTTP ${answer.status} with a body that is not a payment object.`,
        {
          cause: error,
          status: answer.status,
          details: { operation, ...(operation === 'createPayment' && { outcomeUnknown: true }) },
        },
      );
    }
  }

  async function getPayment(paymentId: string): Promise<DlocalPayment | null> {
    const path = `payments/${encodeURIComponent(paymentId)}`;
    const answer = await dlocalRequest(config, 'getPayment', 'GET', path, '');
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw dlocalError('getPayment', 'GET', path, answer);
    return readPayment('getPayment', 'GET /payments/{id}', answer);
  }

  async function getOrder(orderId: string): Promise<{ paymentId: string | null; approvedDate: Date | null } | null> {
    const path = `orders/${encodeURIComponent(orderId)}`;
    const answer = await dlocalRequest(config, 'getOrder', 'GET', path, '');
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw dlocalError('getOrder', 'GET', path, answer);
    try {
      const order = JSON.parse(answer.text) as Record<string, unknown>;
      const paymentId = typeof order.payment_id === 'string' && order.payment_id !== '' ? order.payment_id : null;
      return { paymentId, approvedDate: parseDlocalDate(order.approved_date) };
    } catch {
      return null;
    }
  }

  async function findPaymentId(orderId: string): Promise<string | null> {
    return (await getOrder(orderId))?.paymentId ?? null;
  }

  /** The payment of a reference: by the stored payment id, else through the order (the code id). */
  async function paymentOf(reference: CipReference | undefined): Promise<DlocalPayment | null> {
    const id = reference?.providerPaymentId ?? (reference ? await findPaymentId(reference.transactionCode) : null);
    return id === null ? null : getPayment(id);
  }

  async function cancelPayment(paymentId: string): Promise<void> {
    const path = `payments/${encodeURIComponent(paymentId)}/cancel`;
    // "No additional parameters are required" (CONFIRMED); the path is SINGLE-SOURCE. An empty body.
    const answer = await dlocalRequest(config, 'cancelPayment', 'POST', path, '');
    if (answer.status < 200 || answer.status > 299) throw dlocalError('cancelPayment', 'POST', path, answer);
  }

  return {
    provider: 'dlocal',
    specificationVersion: 'v1',
    supports: { updateCipExpiry: false, deleteCip: true, merchantExpiry: false },
    settlementGraceMs: DLOCAL_SETTLEMENT_GRACE_MS,
    checkCreateInput: checkDlocalInput,
    getPayment,
    findPaymentId,

    async createCip(input: CreateCipInput): Promise<CreatedCip> {
      checkDlocalInput(input);
      const body = createPaymentBody(input, options);
      // One key per code: a repeat of this creation is recognised by dLocal (and order_id is unique anyway).
      const answer = await dlocalRequest(config, 'createPayment', 'POST', 'payments', body, {
        'X-Idempotency-Key': `create-${input.transactionCode}`,
      });
      if (answer.status < 200 || answer.status > 299) throw dlocalError('createPayment', 'POST', 'payments', answer);
      let payment = readPayment('createPayment', 'POST /payments', answer);
      // A DIRECT answer normally carries the ticket; if not, the payment object is asked for once.
      if (cipOf(payment) === null) payment = (await getPayment(payment.id).catch(() => null)) ?? payment;
      const cip = cipOf(payment);
      const expiry = payment.ticket?.expirationDate ?? null;
      if (cip === null || expiry === null || payment.status !== 'PENDING') {
        // Not a payable PagoEfectivo code the SDK can match: cancel it rather than leave it payable.
        await cancelPayment(payment.id).catch(() => undefined);
        throw new ApiError(
          'api_unexpected_response',
          `dLocal created payment ${payment.id} (${payment.status}) without a numeric ticket number and expiry; it was cancelled.`,
          { status: answer.status, details: { operation: 'createPayment', paymentId: payment.id } },
        );
      }
      return {
        cip,
        providerPaymentId: payment.id,
        cipUrl: payment.ticket?.imageUrl ?? payment.redirectUrl,
        amount: payment.amount,
        currency: payment.currency as CreatedCip['currency'],
        transactionCode: payment.orderId ?? input.transactionCode,
        dateExpiry: expiry,
      };
    },

    async searchCips(cips: readonly string[], references?: readonly CipReference[]): Promise<CipStatus[]> {
      const found = await inBatches(cips, async (cip, index) => {
        const reference =
          references?.[index]?.cip === cip ? references[index] : references?.find((candidate) => candidate.cip === cip);
        const payment = await paymentOf(reference);
        if (payment === null) return null;
        // Never report another payment under this CIP (a wrong stored id, a reused order id).
        const ticketCip = cipOf(payment);
        if (ticketCip !== null && ticketCip !== cip) return null;
        // When it was paid decides "in time" in the judgement. The order object documents approved_date;
        // whether payment objects carry it is UNKNOWN, so a PAID payment without it asks the order.
        if (payment.status === 'PAID' && payment.approvedDate === null && payment.orderId !== null) {
          const order = await getOrder(payment.orderId).catch(() => null);
          if (order?.approvedDate) payment.approvedDate = order.approvedDate;
        }
        return cipStatusOf(
          payment,
          cip,
          reference?.expiresAt ?? null,
          reference?.transactionCode ?? null,
          config.now(),
        );
      });
      return found.filter((status): status is CipStatus => status !== null);
    },

    async updateCipExpiry(): Promise<void> {
      throw new GuardError(
        'provider_operation_unsupported',
        'dLocal does not support updateCipExpiry: it offers no way to change a ticket’s expiry after creation.',
        { details: { provider: 'dlocal', operation: 'updateCipExpiry' } },
      );
    },

    async deleteCip(cip: string, reference?: CipReference): Promise<void> {
      const id = reference?.providerPaymentId ?? (reference ? await findPaymentId(reference.transactionCode) : null);
      if (id === null) {
        throw new ApiError('api_error', `dLocal has no payment known for CIP ${cip}; nothing was cancelled.`, {
          details: { operation: 'cancelPayment', cip },
        });
      }
      await cancelPayment(id);
    },
  };
}
