/**
 * Redaction for what leaves the merchant's systems (support bundles for PagoEfectivo's technical
 * support): secrets and tokens are removed, personal data is masked so staff can still recognise it
 * (`j***@example.com`, `*******89`, `A***`). Masking an already masked value changes nothing.
 */

/** Keys whose values are never shown at all. */
const SECRET_KEY =
  /(secret|password|passcode|token|authorization|signature|hash|accesskey|apikey|privatekey|cookie|session|credential)/i;
/** Keys holding a buyer's e-mail, phone, document or name. */
const EMAIL_KEY = /(^|_)?(e-?mail)$/i;
const PHONE_KEY = /(phone|mobile|celular|telefono)/i;
const DOCUMENT_KEY = /^(user)?(documentnumber|document_number|dni|ruc|passport(number)?)$/i;
const NAME_KEY = /^(user)?(first|last)?name$|^(username|userlastname|fullname|payername|customername)$/i;
const ADDRESS_KEY = /(address|ubigeo|direccion)/i;

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const JWT_IN_TEXT = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
/** Long unbroken base64/base64url/hex runs: keys, voucher tokens, signatures (request ids are shorter). */
const LONG_TOKEN_IN_TEXT = /[A-Za-z0-9+/_=-]{64,}/g;
/** `Bearer …` and `key=value` style credentials inside messages. */
const BEARER_IN_TEXT = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/** `jane.doe@example.com` → `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Keep the last two digits: `987654321` → `*******21`. */
export function maskDigits(value: string): string {
  if (/^\*+\d{0,2}$/.test(value)) return value;
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 2) return '*'.repeat(Math.max(1, value.length));
  return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}

/** `Quispe` → `Q***`. */
export function maskName(name: string): string {
  const first = [...name.trim()][0];
  return first === undefined ? '' : `${first}***`;
}

/** Free text with e-mails masked and tokens, bearer credentials and long key-like runs removed. */
export function redactText(text: string): string {
  return text
    .replace(BEARER_IN_TEXT, '$1 [redacted]')
    .replace(JWT_IN_TEXT, '[redacted]')
    .replace(LONG_TOKEN_IN_TEXT, '[redacted]')
    .replace(EMAIL_IN_TEXT, (email) => maskEmail(email));
}

function redactByKey(key: string, value: string): string | null {
  if (SECRET_KEY.test(key)) return value === '' ? '' : '[redacted]';
  if (EMAIL_KEY.test(key)) return value.includes('@') ? maskEmail(value) : value === '' ? '' : '***';
  if (PHONE_KEY.test(key) || DOCUMENT_KEY.test(key)) return maskDigits(value);
  if (NAME_KEY.test(key)) return maskName(value);
  if (ADDRESS_KEY.test(key)) return value === '' ? '' : '[redacted]';
  return null;
}

/** A string that holds a JSON object or array (a recorded raw body) is redacted as that JSON. */
function redactString(key: string | null, value: string): string {
  const byKey = key === null ? null : redactByKey(key, value);
  if (byKey !== null) return byKey;
  const trimmed = value.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(redactValue(JSON.parse(value)));
    } catch {
      // Not JSON after all: treated as text below.
    }
  }
  return redactText(value);
}

/**
 * A deep copy of `value` (JSON-like: objects, arrays, strings, numbers, booleans, null, Dates) with
 * secrets removed and personal data masked, by key name and, in every string, by shape (e-mails,
 * JWTs, bearer credentials, long key-like runs). Dates become ISO strings.
 */
export function redactValue(value: unknown, key: string | null = null): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'string') return redactString(key, value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([name, item]) => {
        // A secret is removed whatever its type (a numeric PIN, a nested credentials object).
        if (SECRET_KEY.test(name) && item !== null && item !== undefined && typeof item !== 'string') {
          return [name, '[redacted]'];
        }
        return [name, redactValue(item, name)];
      }),
    );
  }
  if (typeof value === 'number' && key !== null && (PHONE_KEY.test(key) || DOCUMENT_KEY.test(key))) {
    return maskDigits(String(value));
  }
  return value;
}
