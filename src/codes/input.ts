import * as v from 'valibot';
import { ValidationError } from '../errors.js';
import type { Payer } from '../model/code.js';
import { type Currency, convertPrice, type FxLock, parseAmount } from '../money/index.js';

const AMOUNT_HINT = 'must be a decimal string such as "150.50" (never a float)';

const text = (name: string, max: number) =>
  v.pipe(
    v.string(`${name} must be a string`),
    v.trim(),
    v.minLength(1, `${name} must not be empty`),
    v.maxLength(max, `${name} must be at most ${max} characters`),
  );

const PayerSchema = v.strictObject(
  {
    email: v.pipe(
      v.string('payer.email is required'),
      v.trim(),
      v.maxLength(100, 'payer.email must be at most 100 characters'),
      v.email('payer.email must be an email address such as buyer@example.pe'),
    ),
    firstName: v.optional(text('payer.firstName', 30)),
    lastName: v.optional(text('payer.lastName', 30)),
    documentType: v.optional(
      v.picklist(['DNI', 'PAS', 'LMI', 'PAR', 'NAN'], 'payer.documentType must be DNI, PAS, LMI, PAR or NAN'),
    ),
    documentNumber: v.optional(v.pipe(v.string(), v.regex(/^\d{1,14}$/, 'payer.documentNumber must be 1–14 digits'))),
    phone: v.optional(
      v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'payer.phone must be 1–15 digits without the country code')),
    ),
    phoneCountryCode: v.optional(
      v.pipe(v.string(), v.regex(/^\+\d{1,4}$/, 'payer.phoneCountryCode must look like "+51"')),
    ),
  },
  'payer has an unknown field: allowed are email, firstName, lastName, documentType, documentNumber, phone, phoneCountryCode',
);

/**
 * Input of `CashCodes.issue`. Give `amount` + `currency`, or `price` + `fx` (and optionally `currency`,
 * the code's currency, default `PEN`) to convert a price quoted in another currency.
 * {@link IssueInputSchema} is checked against this type by the compiler.
 */
export interface IssueInput {
  /** The merchant's order id: 1–100 printable ASCII characters, no spaces. */
  orderId: string;
  /** Decimal string such as `"150.50"`; with `currency`. */
  amount?: string;
  /** `PEN` or `USD`: the code's currency (default `PEN` when converting with `price` + `fx`). */
  currency?: Currency;
  /** A price in another currency, converted with `fx`. */
  price?: { amount: string; currency: string };
  /** The conversion rate (units of `currency` per unit of `price.currency`), its source and time. */
  fx?: { rate: string; source: string; quotedAt: Date };
  payer: Payer;
  /** Hours until expiry, within the policy bounds (default: the policy's `defaultHours`). */
  expiresInHours?: number;
  /** The buyer's IP, for the allow-list and the rate limit. */
  clientIp?: string;
  /** Shown on PagoEfectivo's voucher page (up to 50 characters). */
  paymentConcept?: string;
  /** Free-form merchant data kept with the code. */
  metadata?: Record<string, string>;
}

/** The valibot schema of {@link IssueInput}. */
export const IssueInputSchema: v.GenericSchema<IssueInput> = v.strictObject(
  {
    orderId: v.pipe(
      v.string('orderId is required'),
      v.regex(/^[\x21-\x7e]{1,100}$/, 'orderId must be 1–100 printable ASCII characters without spaces'),
    ),
    amount: v.optional(v.string(`amount ${AMOUNT_HINT}`)),
    currency: v.optional(v.picklist(['PEN', 'USD'], 'currency must be "PEN" or "USD"')),
    price: v.optional(
      v.strictObject({
        amount: v.string(`price.amount ${AMOUNT_HINT}`),
        currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'price.currency must be an ISO 4217 code such as "EUR"')),
      }),
    ),
    fx: v.optional(
      v.strictObject({
        rate: v.string('fx.rate must be a decimal string such as "3.7512"'),
        source: text('fx.source', 50),
        quotedAt: v.date('fx.quotedAt must be a valid Date'),
      }),
    ),
    payer: PayerSchema,
    expiresInHours: v.optional(
      v.pipe(v.number('expiresInHours must be a number'), v.finite('expiresInHours must be finite')),
    ),
    clientIp: v.optional(v.pipe(v.string('clientIp must be a string'), v.maxLength(64, 'clientIp is too long'))),
    paymentConcept: v.optional(text('paymentConcept', 50)),
    metadata: v.optional(v.record(v.string(), v.string('metadata values must be strings'))),
  },
  'issue input has an unknown field: check the spelling (orderId, amount, currency, price, fx, payer, expiresInHours, clientIp, paymentConcept, metadata)',
);

/** An issue request after validation, with its amount locked in minor units. */
export interface IssueRequest {
  orderId: string;
  amountMinor: number;
  currency: Currency;
  fx: FxLock | null;
  payer: Payer;
  expiresInHours: number | undefined;
  clientIp: string | undefined;
  paymentConcept: string | undefined;
  metadata: Record<string, string>;
}

function fail(path: string, message: string): never {
  throw new ValidationError(`Invalid issue input: ${path} ${message}.`, [{ path, message }]);
}

/**
 * Validate `issue` input and lock its amount: `amount` is parsed to minor units; `price` + `fx` go
 * through `convertPrice` (half-up to the minor unit, rate/source/time recorded).
 * @throws {ValidationError} listing every offending field (`validation_failed`, or the money codes).
 */
export function parseIssueInput(input: unknown): IssueRequest {
  const result = v.safeParse(IssueInputSchema, input);
  if (!result.success) {
    const issues = result.issues.map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }));
    const first = issues[0];
    throw new ValidationError(
      `Invalid issue input: ${first ? `${first.path || 'input'}: ${first.message}` : 'see issues'}.`,
      issues,
    );
  }
  const data = result.output;
  let amountMinor: number;
  let fx: FxLock | null = null;
  const currency: Currency = data.currency ?? 'PEN';
  if (data.price !== undefined || data.fx !== undefined) {
    if (data.amount !== undefined) fail('amount', 'must be omitted when price and fx are given');
    if (data.price === undefined) fail('price', 'is required with fx');
    if (data.fx === undefined) fail('fx', 'is required with price');
    const converted = convertPrice({ amount: data.price.amount, from: data.price.currency, to: currency, ...data.fx });
    amountMinor = converted.amountMinor;
    fx = converted.fx;
  } else {
    if (data.amount === undefined) fail('amount', 'is required (or give price and fx)');
    if (data.currency === undefined) fail('currency', 'is required with amount: "PEN" or "USD"');
    amountMinor = parseAmount(data.amount, 'amount');
  }
  const { email, ...rest } = data.payer;
  return {
    orderId: data.orderId,
    amountMinor,
    currency,
    fx,
    payer: { email, ...rest },
    expiresInHours: data.expiresInHours,
    clientIp: data.clientIp,
    paymentConcept: data.paymentConcept,
    metadata: { ...(data.metadata ?? {}) },
  };
}
