import { parseAmount } from '../../money/index.js';
import { parseApiTimestamp } from '../../time/index.js';
import { type FakeFieldError, invalidValue, lowerKeys, required, textOf } from './envelope.js';

/** A create-CIP request the fake accepted. */
export interface FakeCreateRequest {
  currency: 'PEN' | 'USD';
  amountMinor: number;
  transactionCode: string;
  userEmail: string;
  dateExpiry: Date | null;
  /** Every other field received, by lower-cased key. */
  fields: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// Optional fields and their rules (protocol §2 table). Keys are lower-case: binding is case-insensitive.
const OPTIONAL: ReadonlyArray<[key: string, field: string, ok: (text: string) => boolean]> = [
  ['paymentconcept', 'paymentConcept', (text) => text.length <= 50],
  ['additionaldata', 'additionalData', (text) => text.length <= 200],
  ['adminemail', 'adminEmail', (text) => text.length <= 100 && EMAIL.test(text)],
  ['userid', 'userId', (text) => text.length <= 100],
  ['username', 'userName', (text) => text.length <= 30],
  ['userlastname', 'userLastName', (text) => text.length <= 30],
  ['userubigeo', 'userUbigeo', (text) => /^\d{6}$/.test(text)],
  ['usercountry', 'userCountry', (text) => text.length <= 20],
  ['userdocumenttype', 'userDocumentType', (text) => ['DNI', 'PAS', 'LMI', 'PAR', 'NAN'].includes(text)],
  ['userdocumentnumber', 'userDocumentNumber', (text) => /^\d{1,14}$/.test(text)],
  ['userphone', 'userPhone', (text) => /^\d{1,15}$/.test(text)],
  ['usercodecountry', 'userCodeCountry', (text) => /^\+?\d{1,4}$/.test(text)],
];

/**
 * The server reads `amount` as a decimal, digit for digit; `JSON.parse` would round 16-digit amounts
 * to a double. Use the raw token from the body when it is the number that was parsed.
 */
function exactToken(body: string, parsed: number): string | number {
  const token = /"amount"\s*:\s*(\d+(?:\.\d+)?)/i.exec(body)?.[1];
  return token !== undefined && Number(token) === parsed ? token : parsed;
}

/**
 * Validate a create-CIP body the way the real server is described: case-insensitive keys, numbers
 * and numeric strings both accepted, the three `dateExpiry` spellings, unknown fields ignored.
 * Returns the accepted request or the code-112/113 details.
 */
export function validateCreate(body: string, json: unknown, now: Date): FakeCreateRequest | FakeFieldError[] {
  const input = lowerKeys(json);
  const errors: FakeFieldError[] = [];
  const currency = textOf(input.get('currency'));
  if (currency === undefined || currency === '') errors.push(required('currency'));
  else if (currency !== 'PEN' && currency !== 'USD') errors.push(invalidValue('currency'));

  let amountMinor = 0;
  const amount = input.get('amount');
  if (amount === undefined || amount === '') errors.push(required('amount'));
  else {
    try {
      amountMinor = parseAmount(typeof amount === 'number' ? exactToken(body, amount) : (textOf(amount) ?? 'invalid'));
    } catch {
      errors.push(invalidValue('amount'));
    }
  }

  const transactionCode = textOf(input.get('transactioncode'));
  if (transactionCode === undefined || transactionCode === '') errors.push(required('transactionCode'));
  else if (!/^[A-Za-z0-9_-]{1,36}$/.test(transactionCode)) errors.push(invalidValue('transactionCode'));

  const userEmail = textOf(input.get('useremail'));
  if (userEmail === undefined || userEmail === '') errors.push(required('userEmail'));
  else if (userEmail.length > 100 || !EMAIL.test(userEmail)) errors.push(invalidValue('userEmail'));

  let dateExpiry: Date | null = null;
  const expiryText = textOf(input.get('dateexpiry'));
  if (expiryText !== undefined && expiryText !== '') {
    try {
      dateExpiry = parseApiTimestamp(expiryText, 'dateExpiry');
    } catch {
      dateExpiry = null;
    }
    if (dateExpiry === null || dateExpiry.getTime() <= now.getTime()) errors.push(invalidValue('dateExpiry'));
  }

  const fields: Record<string, unknown> = {};
  for (const [key, field, ok] of OPTIONAL) {
    const value = input.get(key);
    if (value === undefined || value === '') continue;
    const text = textOf(value);
    if (text === undefined || !ok(text)) errors.push(invalidValue(field));
    else fields[field] = text;
  }
  if (errors.length > 0) return errors;
  return {
    currency: currency as 'PEN' | 'USD',
    amountMinor,
    transactionCode: transactionCode as string,
    userEmail: userEmail as string,
    dateExpiry,
    fields,
  };
}
