import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, GuardError } from '../../src/errors.js';
import {
  computeExpiry,
  type ExpiryPolicy,
  extendToBusinessDay,
  formatLimaTimestamp,
  isBusinessDay,
  limaCalendarDate,
  parseApiTimestamp,
  peruHolidayName,
  resolveExpiryPolicy,
} from '../../src/time/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Lima wall clock of an instant as Intl (ICU's tz database) renders it: an independent check. */
function intlLima(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Lima',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: string): string => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}-05:00`;
}

const instants = fc.date({
  min: new Date('2020-01-01T05:00:00Z'),
  max: new Date('2040-12-20T00:00:00Z'),
  noInvalidDate: true,
});
const policies = fc
  .tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }))
  .map(([min, a, b]) => ({
    minHours: min,
    defaultHours: min + Math.min(a, b),
    maxHours: min + Math.max(a, b),
    extendOverHolidays: false,
  }));

describe('resolveExpiryPolicy', () => {
  it('defaults to 24 h within 1–72 h, extended over holidays but not Sundays', () => {
    expect(resolveExpiryPolicy()).toEqual({
      defaultHours: 24,
      minHours: 1,
      maxHours: 72,
      extendOverHolidays: true,
      extendOverSundays: false,
      extraClosedDates: [],
    });
    expect(resolveExpiryPolicy({ maxHours: 12 }).defaultHours).toBe(12);
  });

  it.each([
    [{ minHours: 0 }],
    [{ maxHours: -1 }],
    [{ defaultHours: Number.NaN }],
    [{ minHours: 5, defaultHours: 4 }],
    [{ defaultHours: 80 }],
    [{ extraClosedDates: ['27/07/2026'] }],
    [{ extraClosedDates: ['2026-02-30'] }],
    [{ extraClosedDates: ['2026-13-01'] }],
    [{ extraClosedDates: '2026-07-27' }],
    [{ extraClosedDates: [20260727] }],
    [{ extendOverHolidays: 'yes' }],
  ])('refuses %j with a ConfigurationError', (policy) => {
    expect(() => resolveExpiryPolicy(policy as ExpiryPolicy)).toThrow(ConfigurationError);
  });

  it('names the offending field of a bad closed date and keeps good ones sorted and unique', () => {
    try {
      resolveExpiryPolicy({ extraClosedDates: ['2026-07-27', '2026-02-29'] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).details).toEqual({ option: 'policy.extraClosedDates[1]' });
      expect((error as ConfigurationError).message).toContain('extraClosedDates[1]');
    }
    expect(
      resolveExpiryPolicy({ extraClosedDates: ['2026-12-24', '2024-02-29', '2026-12-24'] }).extraClosedDates,
    ).toEqual(['2024-02-29', '2026-12-24']);
  });

  it('extends over holidays by default, so a 24 h code issued the day before 28 July lands on 30 July', () => {
    // README's usage snippet: `issue` with no policy. 27 Jul 2026 10:00 + 24 h = 28 Jul (Fiestas Patrias).
    const now = parseApiTimestamp('2026-07-27T10:00:00-05:00')!;
    expect(formatLimaTimestamp(computeExpiry(resolveExpiryPolicy(), now))).toBe('2026-07-30T23:59:59-05:00');
    const off = resolveExpiryPolicy({ extendOverHolidays: false });
    expect(formatLimaTimestamp(computeExpiry(off, now))).toBe('2026-07-28T10:00:00-05:00');
  });

  it('treats merchant-supplied regional holidays as closed on top of the national calendar', () => {
    // 2026-06-24 (Inti Raymi, a Cusco regional holiday) is a Wednesday and not a national holiday.
    const now = parseApiTimestamp('2026-06-23T12:00:00-05:00')!;
    const policy = resolveExpiryPolicy({ extraClosedDates: ['2026-06-24'] });
    expect(formatLimaTimestamp(computeExpiry(policy, now))).toBe('2026-06-25T23:59:59-05:00');
  });
});

describe('computeExpiry', () => {
  it('is now + hours, to the second, for any instant and valid policy; out of bounds is refused', () => {
    fc.assert(
      fc.property(instants, policies, fc.double({ min: 0, max: 1, noNaN: true }), (now, raw, share) => {
        const policy = resolveExpiryPolicy(raw);
        const hours = policy.minHours + share * (policy.maxHours - policy.minHours);
        const expiry = computeExpiry(policy, now, hours);
        expect(expiry.getTime()).toBe(Math.floor((now.getTime() + Math.round(hours * HOUR)) / 1000) * 1000);
        expect(computeExpiry(policy, now).getTime() - now.getTime()).toBeLessThanOrEqual(policy.defaultHours * HOUR);
        // The wire format is exactly Lima wall-clock time, and parses back to the same instant.
        const wire = formatLimaTimestamp(expiry);
        expect(wire).toBe(intlLima(expiry));
        expect(parseApiTimestamp(wire)?.getTime()).toBe(expiry.getTime());
        expect(() => computeExpiry(policy, now, policy.maxHours + 0.01)).toThrow(GuardError);
        expect(() => computeExpiry(policy, now, policy.minHours - 0.01)).toThrow(GuardError);
      }),
    );
  });

  it('with extension, always lands on a business day at or after the plain expiry', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 72 }), fc.boolean(), (now, hours, sundays) => {
        const policy = resolveExpiryPolicy({ extendOverHolidays: true, extendOverSundays: sundays });
        const plain = computeExpiry(resolveExpiryPolicy({ extendOverHolidays: false }), now, hours);
        const extended = computeExpiry(policy, now, hours);
        expect(isBusinessDay(extended, policy)).toBe(true);
        const day = limaCalendarDate(extended);
        expect(peruHolidayName(day.year, day.month, day.day)).toBeNull();
        if (sundays) expect(day.weekday).not.toBe(0);
        if (extended.getTime() === plain.getTime()) return;
        // Moved: to 23:59:59 Lima of the first business day; every day skipped was not one.
        expect(formatLimaTimestamp(extended).slice(11, 19)).toBe('23:59:59');
        expect(isBusinessDay(plain, policy)).toBe(false);
        for (let probe = plain.getTime() + DAY; probe < extended.getTime() - DAY + 1000; probe += DAY) {
          const skipped = limaCalendarDate(new Date(probe));
          const end = new Date(Date.UTC(skipped.year, skipped.month - 1, skipped.day, 23 + 5, 59, 59));
          expect(isBusinessDay(end, policy)).toBe(false);
        }
      }),
    );
  });

  it('skips runs of holidays and Sundays: Fiestas Patrias 2029 (Sat 28, Sun 29 July)', () => {
    const policy = resolveExpiryPolicy({ extendOverHolidays: true, extendOverSundays: true });
    const onHoliday = parseApiTimestamp('2029-07-28T15:00:00-05:00')!;
    expect(formatLimaTimestamp(extendToBusinessDay(onHoliday, policy))).toBe('2029-07-30T23:59:59-05:00');
    const holidaysOnly = resolveExpiryPolicy({ extendOverHolidays: true });
    expect(formatLimaTimestamp(extendToBusinessDay(onHoliday, holidaysOnly))).toBe('2029-07-30T23:59:59-05:00');
    const christmasEve = parseApiTimestamp('2026-12-24T18:00:00-05:00')!;
    expect(extendToBusinessDay(christmasEve, policy)).toBe(christmasEve);
  });

  it('treats extraClosedDates as non-business and leaves Saturdays alone', () => {
    const policy = resolveExpiryPolicy({
      extendOverHolidays: false,
      extendOverSundays: true,
      extraClosedDates: ['2026-07-27'],
    });
    const saturday = parseApiTimestamp('2026-07-25T12:00:00-05:00')!;
    expect(extendToBusinessDay(saturday, policy)).toBe(saturday);
    const sunday = parseApiTimestamp('2026-07-26T12:00:00-05:00')!;
    // Sunday 26 → Monday 27 is a closed date → Tuesday 28 (not a holiday under this policy).
    expect(formatLimaTimestamp(extendToBusinessDay(sunday, policy))).toBe('2026-07-28T23:59:59-05:00');
  });
});
