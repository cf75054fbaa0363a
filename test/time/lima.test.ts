import { formatInTimeZone } from 'date-fns-tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import {
  formatLimaTimestamp,
  limaCalendarDate,
  limaWallClockToInstant,
  parseApiTimestamp,
} from '../../src/time/index.js';

function dateCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isPagoEfectivoKitError(error) ? error.code : 'untyped';
  }
  return undefined;
}

// Peru has observed UTC-5 without daylight saving since April 1994.
const since1994 = fc.date({
  min: new Date('1994-04-02T00:00:00Z'),
  max: new Date('2099-12-31T23:59:59Z'),
  noInvalidDate: true,
});

describe('formatLimaTimestamp', () => {
  it('writes the API format with the -05:00 offset', () => {
    expect(formatLimaTimestamp(new Date('2024-03-05T15:15:30Z'))).toBe('2024-03-05T10:15:30-05:00');
    expect(formatLimaTimestamp(new Date('2024-03-06T03:00:00.999Z'))).toBe('2024-03-05T22:00:00-05:00');
  });

  it('agrees with date-fns-tz for every instant since 1994', () => {
    fc.assert(
      fc.property(since1994, (date) => {
        expect(formatLimaTimestamp(date)).toBe(formatInTimeZone(date, 'America/Lima', "yyyy-MM-dd'T'HH:mm:ssxxx"));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects invalid dates with a typed error', () => {
    expect(dateCode(() => formatLimaTimestamp(new Date('nope')))).toBe('date_invalid');
    expect(dateCode(() => formatLimaTimestamp('2024-01-01' as unknown as Date))).toBe('date_invalid');
  });
});

describe('parseApiTimestamp', () => {
  const instant = new Date('2024-03-05T15:15:30Z');

  it.each([
    '2024-03-05T10:15:30-05:00',
    '2024-03-05 10:15:30-05:00',
    '2024-03-05T10:15:30-0500',
    '2024-03-05T15:15:30Z',
  ])('reads %s', (text) => {
    expect(parseApiTimestamp(text)).toEqual(instant);
  });

  it('reads fractional seconds and other offsets', () => {
    expect(parseApiTimestamp('2024-03-05T10:15:30.250-05:00')).toEqual(new Date('2024-03-05T15:15:30.250Z'));
    expect(parseApiTimestamp('2024-03-05T16:15:30+01:00')).toEqual(instant);
  });

  it('treats the 1900-01-01 sentinel as no date', () => {
    expect(parseApiTimestamp('1900-01-01T00:00:00-05:00')).toBeNull();
  });

  it.each([
    '',
    '2024-03-05',
    '2024-02-30T10:00:00-05:00',
    '2024-03-05T25:00:00-05:00',
    'yesterday',
    '2024-03-05T10:15:30',
  ])('rejects %j', (text) => {
    expect(dateCode(() => parseApiTimestamp(text))).toBe('date_invalid');
  });

  it('round-trips what formatLimaTimestamp writes (second precision)', () => {
    fc.assert(
      fc.property(since1994, (date) => {
        const truncated = new Date(Math.floor(date.getTime() / 1000) * 1000);
        expect(parseApiTimestamp(formatLimaTimestamp(date))).toEqual(truncated);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Lima calendar helpers', () => {
  it('gives the Lima date, not the UTC date', () => {
    // 03:00 UTC on 1 Jan is still 31 Dec in Lima.
    expect(limaCalendarDate(new Date('2026-01-01T03:00:00Z'))).toEqual({ year: 2025, month: 12, day: 31, weekday: 3 });
  });

  it('converts Lima wall-clock time to the instant', () => {
    expect(limaWallClockToInstant(2026, 11, 30, 23, 59, 59)).toEqual(new Date('2026-12-01T04:59:59Z'));
  });
});
