/**
 * The voucher as one SMS: merchant, amount, CIP, deadline in Lima time and an optional link, in the
 * GSM-7 basic alphabet so that it costs one segment of 160 characters. Light: no pdf-lib, bwip-js or
 * date-fns (the Lima wall clock is fixed UTC−5 arithmetic, see `time/lima.ts`).
 */
import { ConfigurationError } from '../errors.js';
import { formatMoney } from '../money/index.js';
import { limaCalendarDate } from '../time/lima.js';
import { voucherStandingOf } from './_internal/standing.js';
import { toAscii } from './_internal/winansi.js';
import type { RenderVoucherOptions, VoucherCode } from './types.js';

/** Options of {@link renderVoucherSms}: those of `renderVoucher` plus the link to send. */
export interface VoucherMessageOptions extends RenderVoucherOptions {
  /**
   * An `https://` (or `http://`) address the buyer can open: a short link to the voucher, your
   * share-link page or `code.cipUrl`. At most 100 characters of the GSM-7 basic alphabet.
   */
  link?: string;
}

/** One SMS, or the documented two-part fallback. */
export interface VoucherSms {
  /** The message, GSM-7 basic alphabet only (one septet per character). */
  text: string;
  /** `1` when `text` ≤ 160 characters; `2` (≤ 306 = 2 × 153, concatenated SMS) only with a long link. */
  segments: 1 | 2;
}

const SINGLE = 160;
const DOUBLE = 2 * 153;
const LIMA_OFFSET_MS = -5 * 3_600_000;
// ASCII characters that are not in the GSM-7 basic table (the first eight cost two septets, the
// backtick has no GSM-7 code at all), replaced by look-alikes that are.
const NOT_BASIC: Record<string, string> = {
  '[': '(',
  ']': ')',
  '{': '(',
  '}': ')',
  '\\': '/',
  '^': ' ',
  '~': '-',
  '|': '/',
  '`': "'",
};

/** The GSM 03.38 basic character set (one septet each), as a string for membership tests. */
export const GSM7_BASIC: string =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** `text` reduced to single-septet GSM-7: accents transliterated (`Ñandú` → `Nandu`), others mapped. */
export function toGsm7(text: string): string {
  return toAscii(text)
    .replace(/[[\]{}\\^~|`]/g, (char) => NOT_BASIC[char] ?? ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** `30/11 23:59` (es-PE) or `11/30 23:59` (en-US), Lima wall clock, optionally with the year. */
function deadline(date: Date, english: boolean, withYear: boolean): string {
  const { year, month, day } = limaCalendarDate(date);
  const lima = new Date(date.getTime() + LIMA_OFFSET_MS);
  const time = `${pad(lima.getUTCHours())}:${pad(lima.getUTCMinutes())}`;
  const dayMonth = english ? `${pad(month)}/${pad(day)}` : `${pad(day)}/${pad(month)}`;
  return `${dayMonth}${withYear ? `/${year}` : ''} ${time}`;
}

function checkLink(link: unknown): string | null {
  if (link === undefined) return null;
  const ok =
    typeof link === 'string' &&
    link.length <= 100 &&
    /^https?:\/\/[^\s]+$/.test(link) &&
    // Printable ASCII that is also GSM-7 basic: a URL is ASCII (IRIs must be percent-encoded), and
    // `~ ^ | { } [ ] \` would cost two septets or be mangled.
    [...link].every((char) => char >= '!' && char <= '~' && GSM7_BASIC.includes(char));
  if (!ok) {
    throw new ConfigurationError(
      'renderVoucherSms: link must be an http(s) URL of at most 100 GSM-7 characters, without spaces.',
      { details: { option: 'link' } },
    );
  }
  return link;
}

/**
 * Write the voucher of a payable code as an SMS: `Tienda Nandu: paga S/ 149.90 en PagoEfectivo con el
 * CIP 2748391 hasta el 30/11/2026 23:59 (hora de Lima). Monto exacto. https://…`. Accents are
 * transliterated (phones and gateways mangle them or switch to UCS-2, which halves the length), and
 * the message is shortened (no "Monto exacto", no year, a shorter merchant name, a compact wording,
 * no merchant name) until it fits one segment of 160 characters; CIP, amount, deadline and link always
 * stay. Only a link too long for that yields the two-part fallback (≤ 306 characters, 2 × 153).
 *
 * Takes the options of `renderVoucher` (only `merchant.name`, `locale`, `now` and `link` are used) and
 * refuses the same codes: no CIP, not `pending`, or `expiresAt` at or before `now()`.
 *
 * @throws {VoucherError} `voucher_not_payable` or `voucher_code_expired`.
 * @throws {ConfigurationError} `config_invalid` for a missing merchant name, an unknown locale, a bad
 * `link` or `now`, or `record: true` (record copies are PDFs only).
 */
export function renderVoucherSms(code: VoucherCode, options: VoucherMessageOptions): VoucherSms {
  if (options?.record === true) {
    throw new ConfigurationError('renderVoucherSms: record copies are PDFs only; an SMS always asks to pay.', {
      details: { option: 'record' },
    });
  }
  const { code: payable } = voucherStandingOf(code, options, 'renderVoucherSms');
  const locale = options.locale ?? 'es-PE';
  if (locale !== 'es-PE' && locale !== 'en-US') {
    throw new ConfigurationError('renderVoucherSms: locale must be "es-PE" or "en-US".', {
      details: { option: 'locale' },
    });
  }
  const name = typeof options.merchant?.name === 'string' ? toGsm7(options.merchant.name) : '';
  if (name.length === 0 || name.length > 120) {
    throw new ConfigurationError('renderVoucherSms: merchant.name must have 1–120 printable characters.', {
      details: { option: 'merchant.name' },
    });
  }
  const link = checkLink(options.link);
  const english = locale === 'en-US';
  const amount = formatMoney(payable.amountMinor, payable.currency);
  const compose = (merchant: string, exact: boolean, withYear: boolean, compact = false): string => {
    const when = deadline(payable.expiresAt, english, withYear);
    const lead = merchant ? `${merchant}: ` : '';
    let body: string;
    if (compact) {
      body = english
        ? `${lead}CIP ${payable.cip} PagoEfectivo, pay ${amount} by ${when} Lima time.`
        : `${lead}CIP ${payable.cip} PagoEfectivo, paga ${amount} hasta ${when} hora Lima.`;
    } else {
      body = english
        ? `${lead}pay ${amount} at PagoEfectivo with CIP ${payable.cip} by ${when} (Lima time).${exact ? ' Exact amount.' : ''}`
        : `${lead}paga ${amount} en PagoEfectivo con el CIP ${payable.cip} hasta el ${when} (hora de Lima).${exact ? ' Monto exacto.' : ''}`;
    }
    return toGsm7(link ? `${body} ${link}` : body);
  };
  // From the fullest message to the shortest; the first that fits one segment wins. CIP, amount,
  // deadline and link are never dropped; the merchant name goes last.
  const shortName = name.length > 20 ? `${name.slice(0, 19).trimEnd()}.` : name;
  for (const [merchant, exact, withYear, compact] of [
    [name, true, true, false],
    [name, false, true, false],
    [name, false, false, false],
    [shortName, false, false, false],
    [shortName, false, false, true],
    ['', false, false, true],
  ] as const) {
    const text = compose(merchant, exact, withYear, compact);
    if (text.length <= SINGLE) return { text, segments: 1 };
  }
  const text = compose(name, true, true);
  if (text.length <= DOUBLE) return { text, segments: 2 };
  return { text: compose(shortName, false, false), segments: 2 };
}
