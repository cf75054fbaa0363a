/**
 * Human-facing America/Lima date formatting for vouchers and messages (date-fns-tz).
 *
 * Kept out of `time/index.ts` on purpose: date-fns-tz loads the whole date-fns root (~150 ms cold),
 * so only the voucher entry imports this file. Locales are imported one by one
 * (`date-fns/locale/es`), never through the `date-fns/locale` barrel that loads every locale.
 */

import { enUS } from 'date-fns/locale/en-US';
import { es } from 'date-fns/locale/es';
import { formatInTimeZone } from 'date-fns-tz';
import { ValidationError } from '../errors.js';
import { LIMA_TIME_ZONE } from './lima.js';

/** The locales the SDK writes human text in. */
export type DisplayLocale = 'es-PE' | 'en-US';

/** Options of {@link formatLimaDateTime}. */
export interface LimaDisplayOptions {
  /** `es-PE` (default) or `en-US`. */
  locale?: DisplayLocale;
  /** Start with the weekday (default `true`). */
  weekday?: boolean;
  /** Append "(hora de Lima)" / "(Lima time)" (default `true`). */
  zoneLabel?: boolean;
  /** Upper-case the first letter, for the start of a sentence (default `false`). */
  capitalize?: boolean;
}

// Literals are kept away from timezone tokens: date-fns-tz 3.2 leaves a stray quote when a quoted
// literal directly follows one (`xxx')'`), so the zone label is appended outside the pattern.
const PATTERNS = {
  'es-PE': { weekday: "EEEE d 'de' MMMM 'de' yyyy, HH:mm", plain: "d 'de' MMMM 'de' yyyy, HH:mm" },
  'en-US': { weekday: 'EEEE, MMMM d, yyyy, h:mm a', plain: 'MMMM d, yyyy, h:mm a' },
} as const;
const ZONE_LABELS: Record<DisplayLocale, string> = { 'es-PE': 'hora de Lima', 'en-US': 'Lima time' };

function checkDate(date: unknown): asserts date is Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new ValidationError('The date to format must be a valid Date.', [{ path: 'date', message: 'invalid Date' }], {
      code: 'date_invalid',
    });
  }
}

function checkLocale(locale: unknown): DisplayLocale {
  if (locale === 'es-PE' || locale === 'en-US') return locale;
  throw new ValidationError(`Locale ${JSON.stringify(locale)} is not supported: use "es-PE" or "en-US".`, [
    { path: 'locale', message: 'must be "es-PE" or "en-US"' },
  ]);
}

/**
 * Format an instant as a Lima wall-clock date and time for people:
 * `lunes 30 de noviembre de 2026, 23:59 (hora de Lima)` or
 * `Monday, November 30, 2026, 11:59 PM (Lima time)`.
 * @throws {ValidationError} `date_invalid` for an invalid Date; `validation_failed` for an unknown locale.
 */
export function formatLimaDateTime(date: Date, options: LimaDisplayOptions = {}): string {
  checkDate(date);
  const locale = checkLocale(options.locale ?? 'es-PE');
  const pattern = PATTERNS[locale][options.weekday === false ? 'plain' : 'weekday'];
  let text = formatInTimeZone(date, LIMA_TIME_ZONE, pattern, { locale: locale === 'es-PE' ? es : enUS });
  if (options.zoneLabel !== false) text += ` (${ZONE_LABELS[locale]})`;
  return options.capitalize ? text.charAt(0).toLocaleUpperCase(locale) + text.slice(1) : text;
}

/**
 * Format an instant as a short numeric Lima date and time: `30/11/2026 23:59` (es-PE) or
 * `11/30/2026 23:59` (en-US); 24-hour clock in both, for dense places such as watermarks.
 * @throws {ValidationError} `date_invalid` for an invalid Date; `validation_failed` for an unknown locale.
 */
export function formatLimaShort(date: Date, locale: DisplayLocale = 'es-PE'): string {
  checkDate(date);
  const pattern = checkLocale(locale) === 'es-PE' ? 'dd/MM/yyyy HH:mm' : 'MM/dd/yyyy HH:mm';
  return formatInTimeZone(date, LIMA_TIME_ZONE, pattern);
}
