import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLimaDateTime, formatLimaShort } from '../../src/time/display.js';
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
