/**
 * Guards: the safety rules the codes service applies before any PagoEfectivo call, usable on their
 * own — IP allow-list, per-IP rate limit, expiry policy (with Peruvian holidays) and the
 * one-code-per-order decision.
 *
 * @module guards
 */

// IP allow-list
export { createIpAllowList, type IpAllowList, parseIp } from './ip.js';

// rate limit
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limit.js';

// order uniqueness and amount lock
export { decideOrder, type OrderDecision, type OrderRequest } from './order.js';

// expiry policy and Peruvian holidays
export {
  computeExpiry,
  type ExpiryPolicy,
  extendToBusinessDay,
  isBusinessDay,
  type ResolvedExpiryPolicy,
  resolveExpiryPolicy,
} from '../time/expiry.js';
export { easterSunday, PERU_HOLIDAY_YEARS, type PeruHoliday, peruHolidayName, peruHolidays } from '../time/holidays.js';
