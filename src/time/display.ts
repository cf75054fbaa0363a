/**
 * Human-facing America/Lima date formatting for vouchers and messages.
 *
 * Written out by hand over the fixed UTC−5 wall clock of `lima.ts` rather than with date-fns-tz:
 * date-fns-tz loads the whole date-fns root (about 150 ms of CPU at a cold start, a third of the
 * voucher entry's import), and the four patterns below need only twelve month and seven day names per
 * locale. The text is the one date-fns-tz wrote before (`"EEEE d 'de' MMMM 'de' yyyy, HH:mm"` with its
 * `es` locale, `'EEEE, MMMM d, yyyy, h:mm a'` with `en-US`); `test/time/display.test.ts` keeps the two
 * equal over random instants since Peru's last change of offset (April 1994).
 */

import { ValidationError } from '../errors.js';
import { limaWallClock } from './lima.js';

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

interface LocaleNames {
  /** Sunday first, as `Date#getUTCDay` counts. */
  days: readonly string[];
  /** January first. */
  months: readonly string[];
  zoneLabel: string;
}

// The wide names of date-fns 4's `es` and `en-US` locales, lower case in Spanish as the RAE writes them.
const NAMES: Record<DisplayLocale, LocaleNames> = {
  'es-PE': {
    days: ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'],
    months: [
      'enero',
      'febrero',
      'marzo',
      'abril',
      'mayo',
      'junio',
      'julio',
      'agosto',
      'septiembre',
      'octubre',
      'noviembre',
      'diciembre',
    ],
    zoneLabel: 'hora de Lima',
  },
  'en-US': {
    days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
    months: [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ],
    zoneLabel: 'Lima time',
  },
};

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

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
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
  const names = NAMES[locale];
  const { year, month, day, weekday, hours, minutes } = limaWallClock(date);
  const monthName = names.months[month - 1] as string;
  const dayName = names.days[weekday] as string;
  let text: string;
  if (locale === 'es-PE') {
    const body = `${day} de ${monthName} de ${pad(year, 4)}, ${pad(hours)}:${pad(minutes)}`;
    text = options.weekday === false ? body : `${dayName} ${body}`;
  } else {
    // 12-hour clock: midnight is 12 AM, noon 12 PM.
    const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${pad(minutes)} ${hours < 12 ? 'AM' : 'PM'}`;
    const body = `${monthName} ${day}, ${pad(year, 4)}, ${clock}`;
    text = options.weekday === false ? body : `${dayName}, ${body}`;
  }
  if (options.zoneLabel !== false) text += ` (${names.zoneLabel})`;
  return options.capitalize ? text.charAt(0).toLocaleUpperCase(locale) + text.slice(1) : text;
}

/**
 * Format an instant as a short numeric Lima date and time: `30/11/2026 23:59` (es-PE) or
 * `11/30/2026 23:59` (en-US); 24-hour clock in both, for dense places such as watermarks.
 * @throws {ValidationError} `date_invalid` for an invalid Date; `validation_failed` for an unknown locale.
 */
export function formatLimaShort(date: Date, locale: DisplayLocale = 'es-PE'): string {
  checkDate(date);
  const { year, month, day, hours, minutes } = limaWallClock(date);
  const time = `${pad(year, 4)} ${pad(hours)}:${pad(minutes)}`;
  return checkLocale(locale) === 'es-PE' ? `${pad(day)}/${pad(month)}/${time}` : `${pad(month)}/${pad(day)}/${time}`;
}
