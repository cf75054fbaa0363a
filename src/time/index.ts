/**
 * America/Lima time: the API's wire timestamps, parsing of the spellings PagoEfectivo uses, and
 * calendar helpers. Light: nothing here imports date-fns-tz (see `display.ts` for human formatting).
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
