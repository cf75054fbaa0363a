import { ValidationError } from '../errors.js';

/** The IANA zone whose wall clock PagoEfectivo and its buyers use. */
export const LIMA_TIME_ZONE = 'America/Lima';

/**
 * Lima's UTC offset. Peru has kept UTC−5 without daylight saving since April 1994, and the API
 * writes every timestamp with `-05:00`, so the wire format is computed with fixed arithmetic: it is
 * exact for every instant after 1994 and costs nothing to import. (date-fns-tz, the reference in the
 * tests, agrees on every instant since then; property tests check the wire and display formats.)
 */
const LIMA_OFFSET_MS = -5 * 60 * 60 * 1000;

/** The "no date" value PagoEfectivo uses for unpaid / not-deleted CIPs. */
export const NO_DATE_SENTINEL = '1900-01-01T00:00:00-05:00';

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function assertValidDate(date: unknown, path: string): asserts date is Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new ValidationError(`${path} must be a valid Date.`, [{ path, message: 'must be a valid Date' }], {
      code: 'date_invalid',
    });
  }
}

/**
 * Format an instant as the API's Lima timestamp `yyyy-MM-ddTHH:mm:ss-05:00` (25 characters,
 * no fractional seconds; milliseconds are truncated).
 * @throws {ValidationError} `date_invalid` for an invalid Date.
 */
export function formatLimaTimestamp(date: Date, path = 'date'): string {
  assertValidDate(date, path);
  const lima = new Date(date.getTime() + LIMA_OFFSET_MS);
  const year = lima.getUTCFullYear();
  if (year < 1000 || year > 9999) {
    throw new ValidationError(`${path} is outside years 1000–9999.`, [{ path, message: 'year out of range' }], {
      code: 'date_invalid',
    });
  }
  return (
    `${pad(year, 4)}-${pad(lima.getUTCMonth() + 1)}-${pad(lima.getUTCDate())}` +
    `T${pad(lima.getUTCHours())}:${pad(lima.getUTCMinutes())}:${pad(lima.getUTCSeconds())}-05:00`
  );
}

/** The value of the `count` ASCII digits at `at` (the caller checked the length), or -1. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether the fields name a real instant, exactly as `Date.UTC` would round-trip them: years 0–99
 * are refused because `Date.UTC` maps them to 1900–1999.
 */
function isRealDate(
  year: number,
  month: number,
  day: number,
  hours: number,
  minutes: number,
  seconds: number,
): boolean {
  if (year < 100 || month < 1 || month > 12 || day < 1 || hours > 23 || minutes > 59 || seconds > 59) return false;
  const days = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  return day <= days;
}

/**
 * Days from 1970-01-01 to a valid proleptic Gregorian date (`month` 1–12), as `Date.UTC` counts them
 * (H. Hinnant's days_from_civil), without `Date.UTC`'s argument conversions.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function notATimestamp(text: unknown, path: string): ValidationError {
  return new ValidationError(
    `${path} ${JSON.stringify(text)} is not a timestamp like "2024-03-05T10:15:30-05:00".`,
    [{ path, message: 'expected yyyy-MM-ddTHH:mm:ss±hh:mm' }],
    { code: 'date_invalid' },
  );
}

/**
 * Parse a timestamp in any spelling PagoEfectivo uses: `2024-03-05T10:15:30-05:00`,
 * `2024-03-05 10:15:30-05:00` and `2024-03-05T10:15:30-0500` (plus `Z` and fractional seconds).
 *
 * The accepted grammar is `yyyy-MM-dd[T ]HH:mm:ss(.f{1,7})?(Z|±hh:?mm)` after trimming. It is read by
 * index rather than by a regular expression and a probe `Date`: this runs on every webhook.
 *
 * @returns the instant, or `null` for the `1900-01-01T00:00:00-05:00` "no date" sentinel.
 * @throws {ValidationError} `date_invalid` for anything else.
 */
export function parseApiTimestamp(text: string, path = 'date'): Date | null {
  if (typeof text !== 'string') throw notATimestamp(text, path);
  const value = text.trim();
  const length = value.length;
  if (length < 20) throw notATimestamp(text, path);
  const separator = value.charCodeAt(10);
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hours = digitsAt(value, 11, 2);
  const minutes = digitsAt(value, 14, 2);
  const seconds = digitsAt(value, 17, 2);
  if (
    year < 0 ||
    month < 0 ||
    day < 0 ||
    hours < 0 ||
    minutes < 0 ||
    seconds < 0 ||
    value.charCodeAt(4) !== 45 || // -
    value.charCodeAt(7) !== 45 ||
    (separator !== 84 && separator !== 32) || // T or space
    value.charCodeAt(13) !== 58 || // :
    value.charCodeAt(16) !== 58
  ) {
    throw notATimestamp(text, path);
  }
  // Optional fraction: 1–7 digits, of which the first three are milliseconds.
  let position = 19;
  let millis = 0;
  if (value.charCodeAt(position) === 46) {
    const start = ++position;
    while (position < length && position - start < 8) {
      const digit = value.charCodeAt(position) - 48;
      if (digit < 0 || digit > 9) break;
      if (position - start < 3) millis += digit * (position === start ? 100 : position === start + 1 ? 10 : 1);
      position++;
    }
    if (position === start || position - start > 7) throw notATimestamp(text, path);
  }
  // Zone: Z, ±hh:mm or ±hhmm, and nothing after it.
  let offsetMinutes = 0;
  const zone = value.charCodeAt(position);
  if (zone === 90) {
    if (length !== position + 1) throw notATimestamp(text, path);
  } else if (zone === 43 || zone === 45) {
    const colon = length === position + 6 && value.charCodeAt(position + 3) === 58;
    if (!colon && length !== position + 5) throw notATimestamp(text, path);
    const zoneHours = digitsAt(value, position + 1, 2);
    const zoneMinutes = digitsAt(value, colon ? position + 4 : position + 3, 2);
    if (zoneHours < 0 || zoneMinutes < 0) throw notATimestamp(text, path);
    offsetMinutes = (zone === 45 ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  } else {
    throw notATimestamp(text, path);
  }
  if (year === 1900 && month === 1 && day === 1) return null;
  if (!isRealDate(year, month, day, hours, minutes, seconds)) {
    throw new ValidationError(
      `${path} ${JSON.stringify(text)} is not a real calendar date.`,
      [{ path, message: 'not a real calendar date' }],
      { code: 'date_invalid' },
    );
  }
  const utc = daysSinceEpoch(year, month, day) * 86_400_000 + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
  return new Date(utc - offsetMinutes * 60_000);
}

/** The Lima calendar date of an instant as `{ year, month (1–12), day, weekday (0 = Sunday) }`. */
export function limaCalendarDate(date: Date): { year: number; month: number; day: number; weekday: number } {
  assertValidDate(date, 'date');
  const lima = new Date(date.getTime() + LIMA_OFFSET_MS);
  return {
    year: lima.getUTCFullYear(),
    month: lima.getUTCMonth() + 1,
    day: lima.getUTCDate(),
    weekday: lima.getUTCDay(),
  };
}

/**
 * The Lima wall clock of a valid instant, to the minute: calendar date, weekday (0 = Sunday) and
 * 24-hour time. Internal (the display formatter reads it); not re-exported from `time/index.ts`.
 */
export function limaWallClock(date: Date): {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hours: number;
  minutes: number;
} {
  const lima = new Date(date.getTime() + LIMA_OFFSET_MS);
  return {
    year: lima.getUTCFullYear(),
    month: lima.getUTCMonth() + 1,
    day: lima.getUTCDate(),
    weekday: lima.getUTCDay(),
    hours: lima.getUTCHours(),
    minutes: lima.getUTCMinutes(),
  };
}

/** The instant of a Lima wall-clock time (`month` 1–12). */
export function limaWallClockToInstant(
  year: number,
  month: number,
  day: number,
  hours = 0,
  minutes = 0,
  seconds = 0,
): Date {
  return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds) - LIMA_OFFSET_MS);
}
