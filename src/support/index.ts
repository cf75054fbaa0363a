/**
 * The support core: look codes up by CIP, order id, e-mail or transaction code, compare a code with
 * PagoEfectivo's live status, and build a redacted support bundle for PagoEfectivo's technical support.
 * The support console and the `status` / `support-bundle` commands are built on it. Read-only; never
 * loads pdf-lib, date-fns or a database driver.
 *
 * @module support
 */
export {
  type LookupKind,
  LOOKUP_KINDS,
  type LookupQuery,
  type LookupOptions,
  type LookupResult,
  lookupCodes,
} from './lookup.js';
export { type StatusField, type LiveStatusComparison, compareLiveStatus } from './live-status.js';
export { formatStatusComparison } from './format-status.js';
export {
  type SupportBundle,
  type SupportBundleApiCall,
  type SupportBundleNotification,
  SUPPORT_BUNDLE_VERSION,
  buildSupportBundle,
  redactBundle,
  renderSupportBundle,
} from './bundle.js';
export { maskDigits, maskEmail, maskName, redactText, redactValue } from './redact.js';
