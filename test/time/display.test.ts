import { enUS } from 'date-fns/locale/en-US';
import { es } from 'date-fns/locale/es';
import { formatInTimeZone } from 'date-fns-tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DisplayLocale,
  formatLimaDateTime,
  formatLimaShort,
  type LimaDisplayOptions,
} from '../../src/time/display.js';
import { formatLimaTimestamp } from '../../src/time/index.js';

const END_OF_NOVEMBER = new Date('2026-12-01T04:59:00Z'); // 30 Nov 2026 23:59 in Lima

describe('formatLimaDateTime', () => {
  it('writes Spanish (Peru) by default, with weekday and zone label', () => {
    expect(formatLimaDateTime(END_OF_NOVEMBER)).toBe('lunes 30 de noviembre de 2026, 23:59 (hora de Lima)');
  });

  it('writes US English on request', () => {
    expect(formatLimaDateTime(END_OF_NOVEMBER, { locale: 'en-US' })).toBe(
      'Monday, November 30, 2026, 11:59 PM (Lima time)',
    );
  });

  it('can drop the weekday and the zone label, and capitalise', () => {
    expect(formatLimaDateTime(END_OF_NOVEMBER, { weekday: false, zoneLabel: false })).toBe(
      '30 de noviembre de 2026, 23:59',
    );
    expect(formatLimaDateTime(END_OF_NOVEMBER, { capitalize: true })).toMatch(/^Lunes 30 de noviembre/);
  });

  it('never leaves a stray quote after the time (date-fns-tz literal quirk)', () => {
    expect(formatLimaDateTime(END_OF_NOVEMBER)).not.toContain("'");
  });

  it('refuses invalid dates and unknown locales with typed errors', () => {
    expect(() => formatLimaDateTime(new Date(Number.NaN))).toThrow(expect.objectContaining({ code: 'date_invalid' }));
    expect(() => formatLimaDateTime(END_OF_NOVEMBER, { locale: 'fr-FR' as 'es-PE' })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });
});

describe('formatLimaShort', () => {
  it('writes a dense numeric date in each locale', () => {
    expect(formatLimaShort(END_OF_NOVEMBER)).toBe('30/11/2026 23:59');
    expect(formatLimaShort(END_OF_NOVEMBER, 'en-US')).toBe('11/30/2026 23:59');
  });

  it('agrees with the fixed-offset wire format on every instant (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1995-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
        (date) => {
          const wire = formatLimaTimestamp(date); // yyyy-MM-ddTHH:mm:ss-05:00
          const [day, time] = formatLimaShort(date).split(' ');
          const [dd, mm, yyyy] = (day as string).split('/');
          expect(`${yyyy}-${mm}-${dd}T${time}`).toBe(wire.slice(0, 16));
        },
      ),
    );
  });
});

/**
 * The formatter the SDK used before it wrote Lima dates by hand (date-fns-tz over the IANA zone, with
 * date-fns' locales): the reference the hand-written one must match, character for character.
 */
function dateFnsTzReference(date: Date, options: LimaDisplayOptions = {}): string {
  const locale = options.locale ?? 'es-PE';
  const patterns = {
    'es-PE': { weekday: "EEEE d 'de' MMMM 'de' yyyy, HH:mm", plain: "d 'de' MMMM 'de' yyyy, HH:mm" },
    'en-US': { weekday: 'EEEE, MMMM d, yyyy, h:mm a', plain: 'MMMM d, yyyy, h:mm a' },
  } as const;
  const pattern = patterns[locale][options.weekday === false ? 'plain' : 'weekday'];
  let text = formatInTimeZone(date, 'America/Lima', pattern, { locale: locale === 'es-PE' ? es : enUS });
  if (options.zoneLabel !== false) text += locale === 'es-PE' ? ' (hora de Lima)' : ' (Lima time)';
  return options.capitalize ? text.charAt(0).toLocaleUpperCase(locale) + text.slice(1) : text;
}

function shortReference(date: Date, locale: DisplayLocale): string {
  return formatInTimeZone(date, 'America/Lima', locale === 'es-PE' ? 'dd/MM/yyyy HH:mm' : 'MM/dd/yyyy HH:mm');
}

describe('hand-written Lima formatting matches the date-fns-tz formatter it replaced', () => {
  // Peru has kept UTC−5 without daylight saving since April 1994; tzdata and the fixed offset agree since then.
  const instants = fc.date({
    min: new Date('1994-04-02T00:00:00Z'),
    max: new Date('2200-01-01T00:00:00Z'),
    noInvalidDate: true,
  });
  const options = fc.record(
    {
      locale: fc.constantFrom<DisplayLocale>('es-PE', 'en-US'),
      weekday: fc.boolean(),
      zoneLabel: fc.boolean(),
      capitalize: fc.boolean(),
    },
    { requiredKeys: [] },
  );

  it('formatLimaDateTime: every option, both locales, random instants (fast-check)', () => {
    fc.assert(
      fc.property(instants, options, (date, chosen) => {
        expect(formatLimaDateTime(date, chosen)).toBe(dateFnsTzReference(date, chosen));
      }),
      { numRuns: 3000 },
    );
  });

  it('formatLimaShort: both locales, random instants (fast-check)', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom<DisplayLocale>('es-PE', 'en-US'), (date, locale) => {
        expect(formatLimaShort(date, locale)).toBe(shortReference(date, locale));
      }),
      { numRuns: 3000 },
    );
  });

  it('every month and weekday name, and the hours around midnight and noon, in es and en', () => {
    // The 15th of each month of 2027 at every hour: covers all 12 month names and all 7 weekday names.
    for (let month = 0; month < 12; month++) {
      for (let hour = 0; hour < 24; hour++) {
        const date = new Date(Date.UTC(2027, month, 15 + (hour % 7), hour, hour * 2));
        for (const locale of ['es-PE', 'en-US'] as const) {
          expect(formatLimaDateTime(date, { locale })).toBe(dateFnsTzReference(date, { locale }));
          expect(formatLimaShort(date, locale)).toBe(shortReference(date, locale));
        }
      }
    }
  });

  it('writes the Lima day, not the UTC day, across midnight UTC (no daylight saving)', () => {
    const late = new Date('2026-07-01T04:30:00Z'); // 30 Jun 2026 23:30 in Lima, July in UTC
    expect(formatLimaDateTime(late)).toBe('martes 30 de junio de 2026, 23:30 (hora de Lima)');
    expect(formatLimaDateTime(late, { locale: 'en-US' })).toBe('Tuesday, June 30, 2026, 11:30 PM (Lima time)');
    expect(formatLimaDateTime(new Date('2026-01-03T05:00:00Z'), { locale: 'en-US', weekday: false })).toBe(
      'January 3, 2026, 12:00 AM (Lima time)',
    );
    expect(formatLimaDateTime(new Date('2026-01-03T17:05:00Z'), { locale: 'en-US', zoneLabel: false })).toBe(
      'Saturday, January 3, 2026, 12:05 PM',
    );
    expect(formatLimaDateTime(new Date('2026-04-01T15:00:00Z'), { capitalize: true })).toBe(
      'Miércoles 1 de abril de 2026, 10:00 (hora de Lima)',
    );
    expect(formatLimaShort(new Date('2027-01-01T04:59:00Z'))).toBe('31/12/2026 23:59');
  });
});
