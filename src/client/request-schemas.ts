import * as v from 'valibot';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { CreateCipInput } from '../model/provider.js';
import { parseAmount } from '../money/index.js';

function isAmount(text: string): boolean {
  try {
    parseAmount(text);
    return true;
  } catch {
    return false;
  }
}

const text = (field: string, max: number) =>
  v.optional(
    v.pipe(
      v.string(`${field} must be a string`),
      v.minLength(1, `${field} must not be empty: omit it instead`),
      v.maxLength(max, `${field} must be at most ${max} characters`),
    ),
  );

const email = (field: string) =>
  v.pipe(
    v.string(`${field} is required and must be an email address`),
    v.maxLength(100, `${field} must be at most 100 characters`),
    v.email(`${field} must be a valid email address such as buyer@example.pe`),
  );

const digits = (field: string, pattern: RegExp, hint: string) =>
  v.optional(v.pipe(v.string(`${field} must be a string of digits`), v.regex(pattern, `${field} must be ${hint}`)));

/** An expiry argument: a valid `Date` (the "after now" rule needs the clock: see the validators). */
export const DateExpirySchema: v.GenericSchema<Date> = v.date('dateExpiry must be a valid Date');

/**
 * The create-CIP input rules of PagoEfectivo's field table (protocol §2), checked locally so that bad
 * input never reaches the network. The `CreateCipInput` type is the shared provider contract
 * (`src/codes/provider.ts`); the annotation makes the compiler prove that this schema produces it.
 * The "expiry in the future" rule needs the clock and is checked when the client validates the input (`createCip`).
 */
export const CreateCipInputSchema: v.GenericSchema<CreateCipInput> = v.object(
  {
    currency: v.picklist(['PEN', 'USD'], 'currency must be "PEN" or "USD"'),
    amount: v.pipe(
      v.string('amount must be a decimal string such as "150.50"'),
      v.check(
        isAmount,
        'amount must be a positive decimal with at most 2 decimals and 16 integer digits, e.g. "150.50"',
      ),
    ),
    transactionCode: v.pipe(
      v.string('transactionCode is required and must be a string'),
      v.regex(/^[A-Za-z0-9_-]{1,36}$/, 'transactionCode must be 1–36 letters, digits, "-" or "_"'),
    ),
    userEmail: email('userEmail'),
    dateExpiry: v.optional(DateExpirySchema),
    paymentConcept: text('paymentConcept', 50),
    additionalData: text('additionalData', 200),
    adminEmail: v.optional(email('adminEmail')),
    userId: text('userId', 100),
    userName: text('userName', 30),
    userLastName: text('userLastName', 30),
    userUbigeo: digits('userUbigeo', /^\d{6}$/, 'a 6-digit INEI ubigeo such as "150101"'),
    userCountry: text('userCountry', 20),
    userDocumentType: v.optional(
      v.picklist(['DNI', 'PAS', 'LMI', 'PAR', 'NAN'], 'userDocumentType must be one of DNI, PAS, LMI, PAR, NAN'),
    ),
    userDocumentNumber: digits('userDocumentNumber', /^\d{1,14}$/, '1–14 digits'),
    userPhone: digits('userPhone', /^\d{1,15}$/, '1–15 digits without the country code'),
    userCodeCountry: v.optional(
      v.pipe(
        v.string('userCodeCountry must be a string such as "+51"'),
        v.regex(/^\+\d{1,4}$/, 'userCodeCountry must be "+" and 1–4 digits, such as "+51"'),
      ),
    ),
  },
  'createCip input must be an object with currency, amount, transactionCode and userEmail',
);

/** A CIP number as the SDK passes it around: a string of 1–14 digits. */
export const CipNumberSchema: v.GenericSchema<string> = v.pipe(
  v.string('a CIP number must be a string of digits such as "2401557"'),
  v.regex(/^\d{1,14}$/, 'a CIP number must be 1–14 digits, such as "2401557"'),
);

function issuesOf(issues: readonly v.BaseIssue<unknown>[], fallback: string): ValidationIssue[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? fallback, message: issue.message }));
}

/**
 * Check a create-CIP input, including that `dateExpiry` lies after `now`.
 * @throws {ValidationError} `validation_failed` with one issue per offending field.
 */
export function validateCreateCipInput(input: CreateCipInput, now: Date): CreateCipInput {
  const result = v.safeParse(CreateCipInputSchema, input);
  const issues = result.success ? [] : issuesOf(result.issues, 'input');
  const expiry = result.success ? result.output.dateExpiry : undefined;
  if (expiry !== undefined && expiry.getTime() <= now.getTime()) {
    issues.push({ path: 'dateExpiry', message: 'dateExpiry must be in the future' });
  }
  if (issues.length > 0 || !result.success) {
    const fields = issues.map((issue) => issue.path).join(', ');
    throw new ValidationError(`createCip input is invalid (${fields}); fix these fields and call again.`, issues);
  }
  return result.output;
}

/**
 * Check a CIP number argument.
 * @throws {ValidationError} `validation_failed` naming the argument.
 */
export function validateCipNumber(cip: unknown, path = 'cip'): string {
  const result = v.safeParse(CipNumberSchema, cip);
  if (result.success) return result.output;
  const issues = issuesOf(result.issues, path).map((issue) => ({ ...issue, path }));
  throw new ValidationError(`${path} is not a CIP number: pass 1–14 digits as a string, e.g. "2401557".`, issues);
}

/**
 * Check an expiry argument: a valid `Date` after `now`.
 * @throws {ValidationError} `validation_failed` naming `dateExpiry`.
 */
export function validateDateExpiry(dateExpiry: unknown, now: Date): Date {
  const result = v.safeParse(DateExpirySchema, dateExpiry);
  if (!result.success) {
    throw new ValidationError(
      'dateExpiry is not a valid Date; pass a Date object.',
      issuesOf(result.issues, 'dateExpiry'),
    );
  }
  if (result.output.getTime() <= now.getTime()) {
    throw new ValidationError('dateExpiry must be in the future; pass a later Date.', [
      { path: 'dateExpiry', message: 'dateExpiry must be in the future' },
    ]);
  }
  return result.output;
}
