// Keys whose values never reach a report: credentials, tokens, signatures and the buyer's personal data.
const SECRET_KEY =
  /^(accesskey|secretkey|hashstring|token|authorization|pe-signature|signature|useremail|email|username|userlastname|firstname|lastname|userdocumentnumber|documentnumber|userphone|phone|usercodecountry|phonecountrycode|userid)$/i;
const JWT = /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/;
const MAX_TEXT = 1500;

function scrub(value: unknown, key: string | null): unknown {
  if (key !== null && SECRET_KEY.test(key)) return value === null || value === '' ? value : '[redacted]';
  if (typeof value === 'string') return JWT.test(value) ? '[redacted]' : value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, null));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, scrub(item, name)]));
  }
  return value;
}

/**
 * A body as it may appear in the report: JSON with every secret, token and personal field replaced by
 * `[redacted]`; other text only when it holds nothing token-like, cut at 1500 characters.
 */
export function redactBody(text: string): string {
  if (text === '') return '';
  let shown: string;
  try {
    shown = JSON.stringify(scrub(JSON.parse(text), null));
  } catch {
    shown = text.replace(/[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, '[redacted]');
  }
  return shown.length > MAX_TEXT ? `${shown.slice(0, MAX_TEXT)}… (${shown.length} characters)` : shown;
}
