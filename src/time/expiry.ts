import { ConfigurationError, GuardError } from '../errors.js';
import { peruHolidayName } from './holidays.js';
import { limaCalendarDate, limaWallClockToInstant } from './lima.js';

/**
 * How long a payment code stays payable. Hours are counted from the moment of issue; the result is
 * stored as a UTC instant and shown in America/Lima time.
 */
export interface ExpiryPolicy {
  /** Hours when the caller asks for none. Default 24. */
  defaultHours?: number;
  /** Smallest accepted request. Default 1. */
  minHours?: number;
  /** Largest accepted request. Default 72. */
  maxHours?: number;
  /**
   * Move an expiry that lands on a Peruvian public holiday to the end of the next business day.
   * Default `true`: banks and many agents close on holidays, and a buyer must get a day to pay.
   */
  extendOverHolidays?: boolean;
  /** Same for Sundays. Default `false` (PagoEfectivo agents and banking apps work on Sundays). */
  extendOverSundays?: boolean;
  /**
   * Extra non-business Lima dates (`yyyy-MM-dd`): a decreed "día no laborable", a regional holiday of
   * the merchant's region, an election day. Real calendar dates only, at most 1000. Default none.
   */
  extraClosedDates?: readonly string[];
}

/** An {@link ExpiryPolicy} with every default filled in and checked. */
export interface ResolvedExpiryPolicy {
  readonly defaultHours: number;
  readonly minHours: number;
  readonly maxHours: number;
  readonly extendOverHolidays: boolean;
  readonly extendOverSundays: boolean;
  readonly extraClosedDates: readonly string[];
}

const HOUR_MS = 3_600_000;
/** Longer than any run of consecutive holidays + Sundays; a guard against a misconfigured date list. */
const MAX_EXTENSION_DAYS = 31;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Years of decreed days stay far below this; more is a misconfiguration (e.g. a generated range). */
const MAX_CLOSED_DATES = 1000;

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`policy.${name} must be a positive number of hours (got ${String(value)}).`, {
      details: { option: `policy.${name}` },
    });
  }
  return value;
}

/** Check merchant-supplied closed dates: an array of real `yyyy-MM-dd` calendar dates, deduplicated. */
function closedDates(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_CLOSED_DATES) {
    throw new ConfigurationError(
      `policy.extraClosedDates must be an array of at most ${MAX_CLOSED_DATES} "yyyy-MM-dd" dates.`,
      { details: { option: 'policy.extraClosedDates' } },
    );
  }
  const seen = new Set<string>();
  value.forEach((date: unknown, index) => {
    const match = typeof date === 'string' ? DATE_PATTERN.exec(date) : null;
    const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
    const real = new Date(Date.UTC(year, month - 1, day));
    if (!match || real.getUTCFullYear() !== year || real.getUTCMonth() !== month - 1 || real.getUTCDate() !== day) {
      throw new ConfigurationError(
        `policy.extraClosedDates[${index}] ${JSON.stringify(date)} must be a real calendar date like "2026-07-27".`,
        { details: { option: `policy.extraClosedDates[${index}]` } },
      );
    }
    seen.add(date as string);
  });
  return [...seen].sort();
}

/**
 * Fill in the defaults of an expiry policy and check it: `0 < minHours <= defaultHours <= maxHours`.
 * Defaults: `defaultHours` 24 (clamped into the bounds), `minHours` 1, `maxHours` 72,
 * `extendOverHolidays` true, `extendOverSundays` false, `extraClosedDates` none.
 * @throws {ConfigurationError} `config_invalid` naming the offending option (`details.option`).
 */
export function resolveExpiryPolicy(policy: ExpiryPolicy = {}): ResolvedExpiryPolicy {
  const minHours = positive(policy.minHours ?? 1, 'minHours');
  const maxHours = positive(policy.maxHours ?? 72, 'maxHours');
  const defaultHours = positive(policy.defaultHours ?? Math.min(Math.max(24, minHours), maxHours), 'defaultHours');
  if (!(minHours <= defaultHours && defaultHours <= maxHours)) {
    throw new ConfigurationError(
      `Expiry policy needs minHours <= defaultHours <= maxHours (got ${minHours} / ${defaultHours} / ${maxHours}).`,
    );
  }
  const extraClosedDates = closedDates(policy.extraClosedDates);
  if (policy.extendOverHolidays !== undefined && typeof policy.extendOverHolidays !== 'boolean') {
    throw new ConfigurationError('policy.extendOverHolidays must be true or false.', {
      details: { option: 'policy.extendOverHolidays' },
    });
  }
  if (policy.extendOverSundays !== undefined && typeof policy.extendOverSundays !== 'boolean') {
    throw new ConfigurationError('policy.extendOverSundays must be true or false.', {
      details: { option: 'policy.extendOverSundays' },
    });
  }
  return {
    defaultHours,
    minHours,
    maxHours,
    extendOverHolidays: policy.extendOverHolidays ?? true,
    extendOverSundays: policy.extendOverSundays === true,
    extraClosedDates,
  };
}

/**
 * Whether a Lima calendar day is a business day under `policy`. A day is NOT a business day when it is
 * a Peruvian public holiday (if `extendOverHolidays`), a Sunday (if `extendOverSundays`) or one of
 * `extraClosedDates`. Saturdays are business days: PagoEfectivo's agents and most bank branches open.
 */
export function isBusinessDay(instant: Date, policy: ResolvedExpiryPolicy): boolean {
  const { year, month, day, weekday } = limaCalendarDate(instant);
  if (policy.extendOverSundays && weekday === 0) return false;
  if (policy.extendOverHolidays && peruHolidayName(year, month, day) !== null) return false;
  const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return !policy.extraClosedDates.includes(iso);
}

/**
 * If `expiresAt` falls on a non-business Lima day, move it to 23:59:59 Lima time of the next business
 * day (skipping runs of holidays and Sundays); otherwise return it unchanged. The extension may go
 * beyond `maxHours`: the bounds apply to what the caller asks for, the extension is a courtesy to buyers.
 */
export function extendToBusinessDay(expiresAt: Date, policy: ResolvedExpiryPolicy): Date {
  if (isBusinessDay(expiresAt, policy)) return expiresAt;
  const { year, month, day } = limaCalendarDate(expiresAt);
  for (let offset = 1; offset <= MAX_EXTENSION_DAYS; offset += 1) {
    const endOfDay = limaWallClockToInstant(year, month, day + offset, 23, 59, 59);
    if (isBusinessDay(endOfDay, policy)) return endOfDay;
  }
  throw new ConfigurationError(
    `No business day within ${MAX_EXTENSION_DAYS} days after ${expiresAt.toISOString()}: check policy.extraClosedDates.`,
  );
}

/**
 * The expiry of a code issued at `now`: `now + hours` (default `policy.defaultHours`), truncated to
 * whole seconds (the API's precision), then extended over holidays/Sundays when the policy says so.
 *
 * @throws {GuardError} `expiry_out_of_bounds` when `hours` is outside `[minHours, maxHours]`.
 */
export function computeExpiry(policy: ResolvedExpiryPolicy, now: Date, hours?: number): Date {
  const requested = hours ?? policy.defaultHours;
  if (
    typeof requested !== 'number' ||
    !Number.isFinite(requested) ||
    requested < policy.minHours ||
    requested > policy.maxHours
  ) {
    throw new GuardError(
      'expiry_out_of_bounds',
      `expiresInHours must be between ${policy.minHours} and ${policy.maxHours} (got ${String(requested)}).`,
      { details: { requested, minHours: policy.minHours, maxHours: policy.maxHours } },
    );
  }
  const raw = now.getTime() + Math.round(requested * HOUR_MS);
  return extendToBusinessDay(new Date(Math.floor(raw / 1000) * 1000), policy);
}
