import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { easterSunday, PERU_HOLIDAY_YEARS, peruHolidayName, peruHolidays } from '../../src/time/index.js';

// Easter Sunday, hand-checked against published tables.
const EASTER: Record<number, string> = {
  2020: '04-12',
  2021: '04-04',
  2022: '04-17',
  2023: '04-09',
  2024: '03-31',
  2025: '04-20',
  2026: '04-05',
  2027: '03-28',
  2028: '04-16',
  2029: '04-01',
  2030: '04-21',
  2031: '04-13',
  2032: '03-28',
  2033: '04-17',
  2034: '04-09',
  2035: '03-25',
  2036: '04-13',
  2037: '04-05',
  2038: '04-25',
  2039: '04-10',
  2040: '04-01',
};

const BASE_2024_ON = [
  '01-01',
  '05-01',
  '06-07',
  '06-29',
  '07-23',
  '07-28',
  '07-29',
  '08-06',
  '08-30',
  '10-08',
  '11-01',
  '12-08',
  '12-09',
  '12-25',
];

// Official lists (El Peruano / DL 713 as amended), written out by hand.
const OFFICIAL: Record<number, string[]> = {
  2021: ['01-01', '04-01', '04-02', '05-01', '06-29', '07-28', '07-29', '08-30', '10-08', '11-01', '12-08', '12-25'],
  2022: [
    '01-01',
    '04-14',
    '04-15',
    '05-01',
    '06-29',
    '07-28',
    '07-29',
    '08-06',
    '08-30',
    '10-08',
    '11-01',
    '12-08',
    '12-09',
    '12-25',
  ],
  2023: [
    '01-01',
    '04-06',
    '04-07',
    '05-01',
    '06-29',
    '07-28',
    '07-29',
    '08-06',
    '08-30',
    '10-08',
    '11-01',
    '12-08',
    '12-09',
    '12-25',
  ],
  2024: [...BASE_2024_ON, '03-28', '03-29'].sort(),
  2025: [...BASE_2024_ON, '04-17', '04-18'].sort(),
  2026: [...BASE_2024_ON, '04-02', '04-03'].sort(),
};

describe('easterSunday', () => {
  it.each(Object.entries(EASTER))('gives the known date for %s', (year, date) => {
    const { month, day } = easterSunday(Number(year));
    expect(`${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`).toBe(date);
  });

  it('matches the extremes of the Gregorian cycle (22 March 2285, 25 April 1943)', () => {
    expect(easterSunday(2285)).toEqual({ month: 3, day: 22 });
    expect(easterSunday(1943)).toEqual({ month: 4, day: 25 });
  });

  it('refuses a year that is not a Gregorian integer year', () => {
    for (const year of [1582, 2024.5, Number.NaN]) expect(() => easterSunday(year)).toThrow(ValidationError);
  });
});

describe('peruHolidays', () => {
  it.each(Object.entries(OFFICIAL))('lists exactly the official holidays of %s', (year, dates) => {
    expect(peruHolidays(Number(year)).map((holiday) => holiday.date)).toEqual(dates.map((date) => `${year}-${date}`));
  });

  it('puts Jueves Santo and Viernes Santo right before Easter in every supported year', () => {
    for (let year = PERU_HOLIDAY_YEARS.from; year <= PERU_HOLIDAY_YEARS.to; year += 1) {
      const easter = easterSunday(year);
      const sunday = Date.UTC(year, easter.month - 1, easter.day);
      const names = new Map(peruHolidays(year).map((holiday) => [holiday.date, holiday.name]));
      expect(names.get(new Date(sunday - 3 * 86_400_000).toISOString().slice(0, 10))).toBe('Jueves Santo');
      expect(names.get(new Date(sunday - 2 * 86_400_000).toISOString().slice(0, 10))).toBe('Viernes Santo');
      expect(names.size).toBe(year >= 2024 ? 16 : year >= 2022 ? 14 : 12);
    }
  });

  it('names a holiday by calendar date and answers null on an ordinary day', () => {
    expect(peruHolidayName(2026, 7, 28)).toBe('Fiestas Patrias');
    expect(peruHolidayName(2026, 6, 7)).toBe('Batalla de Arica y Día de la Bandera');
    expect(peruHolidayName(2023, 6, 7)).toBeNull();
    expect(peruHolidayName(2026, 7, 27)).toBeNull();
  });

  it('projects today’s law outside the checked range instead of failing', () => {
    expect(peruHolidays(2041)).toHaveLength(16);
    expect(peruHolidays(2019)).toHaveLength(12);
  });
});
