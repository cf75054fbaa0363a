import type { Currency } from '../money/index.js';

/**
 * Input of {@link CashCodeProvider.createCip}, with PagoEfectivo's own field names.
 * `amount` is a decimal string with two decimals (`"150.50"`).
 */
export interface CreateCipInput {
  currency: Currency;
  amount: string;
  /** Merchant reference, 1–36 characters. */
  transactionCode: string;
  userEmail: string;
  dateExpiry?: Date;
  paymentConcept?: string;
  additionalData?: string;
  adminEmail?: string;
  userId?: string;
  userName?: string;
  userLastName?: string;
  userUbigeo?: string;
  userCountry?: string;
  userDocumentType?: 'DNI' | 'PAS' | 'LMI' | 'PAR' | 'NAN';
  userDocumentNumber?: string;
  userPhone?: string;
  userCodeCountry?: string;
}

/** A created CIP. CIP numbers are strings everywhere in the SDK. */
export interface CreatedCip {
  cip: string;
  /**
   * The gateway's own id of the payment (dLocal's `D-4-…`), when the provider has one besides the CIP.
   * The codes service stores it with the code (`CashCode.providerPaymentId`) and hands it back in every
   * {@link CipReference}. The direct PagoEfectivo client has none (absent).
   */
  providerPaymentId?: string | null;
  /**
   * PagoEfectivo's buyer page of the CIP; `null` when the answer carried none (the CIP is still valid:
   * render the voucher from the CIP number with `renderVoucher`).
   */
  cipUrl: string | null;
  /** Decimal string with two decimals, normalised from the API's number. */
  amount: string;
  currency: Currency;
  transactionCode: string;
  dateExpiry: Date;
}

/**
 * A CIP's state as reported by a search. `state` is derived by the SDK from the raw status number,
 * status name and the payment/removal/expiry dates, because PagoEfectivo only documents status 22
 * ("Generado."); the raw values are kept for diagnostics.
 */
export interface CipStatus {
  cip: string;
  state: 'pending' | 'paid' | 'expired' | 'deleted' | 'unknown';
  transactionCode: string;
  amount: string;
  currency: string;
  statusCode: number | null;
  statusName: string | null;
  dateCreation: Date | null;
  dateExpiry: Date | null;
  datePayment: Date | null;
  dateRemoval: Date | null;
}

/**
 * Everything the SDK knows about a stored code's payment at the provider. The codes service passes it
 * with every CIP it asks about, because a gateway addresses payments by its own id (dLocal:
 * `GET /payments/{id}`), not by the CIP. Providers that need only the CIP ignore it.
 */
export interface CipReference {
  cip: string;
  /** The code id, sent as `transactionCode` (dLocal: `order_id`) when the CIP was created. */
  transactionCode: string;
  /** The gateway's payment id returned by `createCip` (`CreatedCip.providerPaymentId`), or `null`. */
  providerPaymentId: string | null;
  /**
   * The code's stored expiry, for providers whose status answers may leave it out (a dLocal status
   * without its ticket). `null` or absent when unknown.
   */
  expiresAt?: Date | null;
}

/**
 * One HTTP exchange a provider made on the service's behalf, as the codes service writes it to the
 * code's lifecycle log (`provider_call` entries). Never a header, body, token, key or payer field.
 */
export interface ProviderExchange {
  /** The API operation (`createCip`, `searchCips`, `updateCipExpiry`, `deleteCip`, …). */
  operation: string;
  /** The HTTP status, or `null` when no response arrived (timeout, network error). */
  httpStatus: number | null;
  /** The provider's own result code (PagoEfectivo's envelope `code`, e.g. `100`, `111`), when it sent one. */
  providerCode: string | null;
  /** The provider's result message (at most 200 characters), when it sent one. */
  providerMessage: string | null;
  /** The provider's request id from a response header, else the client's id of the attempt. */
  requestId: string | null;
  /** Wall time of the exchange in ms. */
  durationMs: number;
  /** The kit's error code when the exchange failed, else `null`. */
  errorCode: string | null;
}

/** An operation of {@link CashCodeProvider} that a provider may not support. */
export type ProviderOperation = 'updateCipExpiry' | 'deleteCip' | 'merchantExpiry';

/**
 * What a provider can do, declared so that the codes service refuses (with the typed error
 * `provider_operation_unsupported`) what the provider cannot do instead of silently doing something
 * else. Every flag defaults to `true` (the direct PagoEfectivo client supports everything).
 */
export interface ProviderSupports {
  /** Changing a CIP's expiry after creation (`updateCipExpiry`). */
  updateCipExpiry?: boolean;
  /** Cancelling a pending CIP (`deleteCip`): `codes.cancel()` needs it. */
  deleteCip?: boolean;
  /**
   * Honouring the merchant's `dateExpiry`. When `false` the provider sets the expiry itself (dLocal:
   * about 5 days): the service refuses `expiresInHours` and an explicit expiry `policy`, and stores the
   * provider's expiry.
   */
  merchantExpiry?: boolean;
}

/**
 * The small provider interface the codes service depends on. The PagoEfectivo client implements it
 * (direct), `createDlocalProvider` implements it through the dLocal gateway, and any other gateway can
 * implement it too: run `describeProviderConformance` from `pagoefectivo-kit/testing` on it
 * (docs/providers.md).
 */
export interface CashCodeProvider {
  /**
   * The provider's name (`'pagoefectivo'`, `'dlocal'`), for logs and reports. Optional only so that
   * providers written for 0.1 still fit.
   */
  readonly provider?: string;
  /** The version of this contract the provider implements. `'v1'` is the only one. */
  readonly specificationVersion?: 'v1';
  /** What the provider cannot do (see {@link ProviderSupports}); omitted means everything. */
  readonly supports?: ProviderSupports;
  /**
   * Check a creation before the service claims the order, so that input the provider requires (dLocal:
   * the payer's document) is refused with a `ValidationError` before any store write or request.
   */
  checkCreateInput?(input: Omit<CreateCipInput, 'transactionCode'>): void;
  /**
   * The grace after a code's expiry during which a payment may still be reported, when the provider
   * confirms payments more slowly than PagoEfectivo's ~5 minutes (dLocal: 1–2 business days). Used as
   * the service's `settlementGraceMs` when that option is not given.
   */
  readonly settlementGraceMs?: number;
  createCip(input: CreateCipInput): Promise<CreatedCip>;
  /**
   * Look up several CIPs; unknown numbers are simply absent from the result. The codes service passes
   * the stored `references` of the same CIPs (same order) for providers that address payments by id.
   */
  searchCips(cips: readonly string[], references?: readonly CipReference[]): Promise<CipStatus[]>;
  updateCipExpiry(cip: string, dateExpiry: Date, reference?: CipReference): Promise<void>;
  /** Delete (cancel) a pending CIP; `reference` as for {@link searchCips}. */
  deleteCip(cip: string, reference?: CipReference): Promise<void>;
  /**
   * Optional: a view of this provider whose calls report each of their HTTP exchanges to `sink`, so the
   * codes service can log the HTTP status, provider code and request id of every call it makes for a
   * code. The PagoEfectivo client has it; without it the service logs what the call's outcome shows
   * (duration, and an error's status and code).
   */
  withExchangeLog?(sink: (exchange: ProviderExchange) => void): CashCodeProvider;
}

type ExchangeLog = NonNullable<CashCodeProvider['withExchangeLog']>;

const exchangeLogOwners = new WeakMap<ExchangeLog, object>();

/**
 * Mark `log` as the `withExchangeLog` of `owner`. A wrapper made by spreading or proxying `owner` (to
 * override some calls: metrics, a circuit breaker, a test double) inherits the function, but the view
 * it returns would be `owner`'s own calls and skip the wrapper, so {@link exchangeLogOf} ignores it there.
 */
export function ownExchangeLog<T extends ExchangeLog>(owner: object, log: T): T {
  exchangeLogOwners.set(log, owner);
  return log;
}

/** The provider's own `withExchangeLog`, bound; `undefined` when it has none or only inherited one. */
export function exchangeLogOf(provider: CashCodeProvider): ExchangeLog | undefined {
  const log = provider.withExchangeLog;
  if (typeof log !== 'function') return undefined;
  const owner = exchangeLogOwners.get(log);
  if (owner !== undefined && owner !== provider) return undefined;
  return (sink) => log.call(provider, sink);
}

/** Whether `provider` supports `operation` (undeclared means supported). */
export function providerSupports(provider: Pick<CashCodeProvider, 'supports'>, operation: ProviderOperation): boolean {
  return provider.supports?.[operation] !== false;
}
