/**
 * America/Lima time: the API's wire timestamps, parsing of the spellings PagoEfectivo uses, calendar
 * helpers, Peru's public holidays and the expiry policy. Light: nothing here imports date-fns-tz (see
 * `display.ts` for human formatting).
 * @module time
 */
export {
  formatLimaTimestamp,
  LIMA_TIME_ZONE,
  limaCalendarDate,
  limaWallClockToInstant,
  NO_DATE_SENTINEL,
  parseApiTimestamp,
} from './lima.js';
export { easterSunday, PERU_HOLIDAY_YEARS, type PeruHoliday, peruHolidayName, peruHolidays } from './holidays.js';
export {
  computeExpiry,
  type ExpiryPolicy,
  extendToBusinessDay,
  isBusinessDay,
  type ResolvedExpiryPolicy,
  resolveExpiryPolicy,
} from './expiry.js';
