import { ValidationError } from '../errors.js';

/** The IANA zone whose wall clock PagoEfectivo and its buyers use. */
export const LIMA_TIME_ZONE = 'America/Lima';

/**
 * Lima's UTC offset. Peru has kept UTC−5 without daylight saving since April 1994, and the API
 * writes every timestamp with `-05:00`, so the wire format is computed with fixed arithmetic: it is
 * exact for every instant after 1994 and costs nothing to import. (date-fns-tz, which is used for
 * human-facing display, agrees on every instant; a property test checks it.)
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

// yyyy-MM-dd, then "T" or a space, then HH:mm:ss, optional fraction, then Z, ±hh:mm or ±hhmm.
const API_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parse a timestamp in any spelling PagoEfectivo uses: `2024-03-05T10:15:30-05:00`,
 * `2024-03-05 10:15:30-05:00` and `2024-03-05T10:15:30-0500` (plus `Z` and fractional seconds).
 *
 * @returns the instant, or `null` for the `1900-01-01T00:00:00-05:00` "no date" sentinel.
 * @throws {ValidationError} `date_invalid` for anything else.
 */
export function parseApiTimestamp(text: string, path = 'date'): Date | null {
  const match = typeof text === 'string' ? API_TIMESTAMP.exec(text.trim()) : null;
  if (!match) {
    throw new ValidationError(
      `${path} ${JSON.stringify(text)} is not a timestamp like "2024-03-05T10:15:30-05:00".`,
      [{ path, message: 'expected yyyy-MM-ddTHH:mm:ss±hh:mm' }],
      { code: 'date_invalid' },
    );
  }
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  if (year === 1900 && mo === '01' && d === '01') return null;
  const offsetMinutes =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  const probe = new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== Number(mo) - 1 ||
    probe.getUTCDate() !== Number(d) ||
    probe.getUTCHours() !== Number(h) ||
    probe.getUTCMinutes() !== Number(mi) ||
    probe.getUTCSeconds() !== Number(s)
  ) {
    throw new ValidationError(
      `${path} ${JSON.stringify(text)} is not a real calendar date.`,
      [{ path, message: 'not a real calendar date' }],
      { code: 'date_invalid' },
    );
  }
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
