import { ValidationError } from '../errors.js';

/** A Peruvian national public holiday ("feriado nacional"). */
export interface PeruHoliday {
  /** Lima calendar date, `yyyy-MM-dd`. */
  date: string;
  /** Official Spanish name. */
  name: string;
}

/**
 * The years whose holiday lists were checked against the law. Outside this range
 * {@link peruHolidays} still answers by applying today's law (see below), which is a projection.
 */
export const PERU_HOLIDAY_YEARS: { readonly from: number; readonly to: number } = { from: 2020, to: 2040 };

/**
 * Fixed-date holidays of Decreto Legislativo 713, art. 6, with the first year each applies.
 *
 * Checked 2026-12 against the texts of the amending laws and the press reports of their publication
 * in El Peruano (no official gazette PDF was available to us, so "confirmed" below means the law's
 * text as reproduced by legal sites plus at least one news report of its publication):
 * - 9 Dec, Batalla de Ayacucho: Ley 31381 (approved by Congress 9 Dec 2021; its text rewrites DL 713
 *   art. 6 with 9 Dec). First observed 9 Dec 2022 (Latina, Dec 2022: "tal como ya se había adelantado el
 *   año pasado"). Confirmed.
 * - 6 Aug, Batalla de Junín: Ley 31530 (approved 12 Jul 2022, published 26 Jul 2022 per
 *   magazinjurisprudencial.com; its text lists both 6 Aug and 9 Dec). 6 Aug 2022 was reported as "el
 *   primer feriado nacional por la Batalla de Junín" (connuestroperu.com). Confirmed.
 * - 7 Jun, Batalla de Arica y Día de la Bandera: Ley 31788, approved "por insistencia" after the
 *   executive's observation and published in El Peruano on 15 Jun 2023 (limay.pe, turiweb.pe), i.e.
 *   after 7 Jun 2023 → first observed 2024 (Trome, archyde: "that holiday will apply from 2024").
 *   Confirmed.
 * - 23 Jul, Día de la Fuerza Aérea del Perú: Ley 31822 (amends Ley 16126, art. 4: "feriado nacional el
 *   23 de julio de cada año"; libero.pe, hbanoticias.pe: "publicada en julio de 2023"). UNCERTAIN for
 *   2023 only: its exact publication date was not found; Andina on 23 Jul 2023 still reports the law as
 *   "aprobada" by Congress, while one Infobae article (2024) calls 2024 the second time it was
 *   observed. 23 Jul 2023 was a Sunday; we apply it from 2024, which only matters for past dates.
 * - Every other date (1 Jan, Jueves/Viernes Santo, 1 May, 29 Jun, 28–29 Jul, 30 Aug, 8 Oct, 1 Nov,
 *   8 Dec, 25 Dec) was in DL 713 art. 6 before 2020, as the lists quoted in Leyes 31381 and 31530 show.
 * Not law as of this check: a 2025 bill of the Congress labour committee to move 7 Jun, 23 Jul, 6 Aug and
 * 1 Nov to the following Monday (Infobae, Diario Correo, Sep–Oct 2025). If it passes, this table must
 * change; until then the dates above are projected to 2040.
 * "Días no laborables" decreed each year by the executive (e.g. bridge days) are NOT holidays:
 * banks and PagoEfectivo agents may open, and they are announced too late for a static table; merchants
 * add them (and regional holidays) with the expiry policy's `extraClosedDates`.
 */
const FIXED: readonly { month: number; day: number; name: string; since: number }[] = [
  { month: 1, day: 1, name: 'Año Nuevo', since: 0 }, // DL 713 art. 6 (1991)
  { month: 5, day: 1, name: 'Día del Trabajo', since: 0 }, // DL 713 art. 6
  { month: 6, day: 7, name: 'Batalla de Arica y Día de la Bandera', since: 2024 }, // Ley 31788 (15 Jun 2023)
  { month: 6, day: 29, name: 'San Pedro y San Pablo', since: 0 }, // DL 713 art. 6
  { month: 7, day: 23, name: 'Día de la Fuerza Aérea del Perú', since: 2024 }, // Ley 31822 (Jul 2023; 2023 uncertain)
  { month: 7, day: 28, name: 'Fiestas Patrias', since: 0 }, // DL 713 art. 6
  { month: 7, day: 29, name: 'Fiestas Patrias', since: 0 }, // DL 713 art. 6
  { month: 8, day: 6, name: 'Batalla de Junín', since: 2022 }, // Ley 31530 (26 Jul 2022)
  { month: 8, day: 30, name: 'Santa Rosa de Lima', since: 0 }, // DL 713 art. 6
  { month: 10, day: 8, name: 'Combate de Angamos', since: 0 }, // DL 713 art. 6
  { month: 11, day: 1, name: 'Todos los Santos', since: 0 }, // DL 713 art. 6
  { month: 12, day: 8, name: 'Inmaculada Concepción', since: 0 }, // DL 713 art. 6
  { month: 12, day: 9, name: 'Batalla de Ayacucho', since: 2022 }, // Ley 31381 (Dec 2021)
  { month: 12, day: 25, name: 'Navidad del Señor', since: 0 }, // DL 713 art. 6
];

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new ValidationError(
      `Year ${year} is not a Gregorian year between 1583 and 9999.`,
      [{ path: 'year', message: 'must be an integer between 1583 and 9999' }],
      { code: 'date_invalid' },
    );
  }
}

/**
 * Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, a.k.a. Meeus/Jones/Butcher).
 * @returns `{ month, day }` with `month` 3 or 4.
 */
export function easterSunday(year: number): { month: number; day: number } {
  assertYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

/** The date `offset` days from a calendar date (pure calendar arithmetic in UTC). */
function shift(year: number, month: number, day: number, offset: number): string {
  const date = new Date(Date.UTC(year, month - 1, day + offset));
  return isoDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/**
 * Peru's national public holidays of a year, sorted by date: the fixed dates of DL 713 (with the year
 * each newer one started) plus Jueves Santo and Viernes Santo computed from Easter.
 *
 * Checked for {@link PERU_HOLIDAY_YEARS} (2020–2040). For other years the same rules are applied:
 * earlier years get only the holidays in force since 2020 minus the ones added later (correct back to
 * 2020, an approximation before), later years get today's law projected forward.
 *
 * @throws {ValidationError} `date_invalid` if `year` is not an integer between 1583 and 9999.
 */
export function peruHolidays(year: number): PeruHoliday[] {
  assertYear(year);
  const easter = easterSunday(year);
  const list: PeruHoliday[] = [
    // Movable feasts of DL 713 art. 6 ("Jueves Santo y Viernes Santo (movibles)").
    { date: shift(year, easter.month, easter.day, -3), name: 'Jueves Santo' },
    { date: shift(year, easter.month, easter.day, -2), name: 'Viernes Santo' },
  ];
  for (const fixed of FIXED) {
    if (year >= fixed.since) list.push({ date: isoDate(year, fixed.month, fixed.day), name: fixed.name });
  }
  return list.sort((left, right) => left.date.localeCompare(right.date));
}

const cache: Map<number, Map<string, string>> = /* @__PURE__ */ new Map();

/**
 * The holiday name of a Lima calendar date, or `null` on an ordinary day.
 * `month` is 1–12. Results per year are memoised (the lists are tiny and never change).
 */
export function peruHolidayName(year: number, month: number, day: number): string | null {
  let byDate = cache.get(year);
  if (byDate === undefined) {
    byDate = new Map(peruHolidays(year).map((holiday) => [holiday.date, holiday.name]));
    cache.set(year, byDate);
  }
  return byDate.get(isoDate(year, month, day)) ?? null;
}
