/**
 * The support console: a web-standard handler serving everything support staff need to answer
 * "I paid, where is my order?" — look-ups by CIP, order id, e-mail or transaction code, the lifecycle
 * and events, the live status at PagoEfectivo side by side, voucher verification, the payment review
 * queue, reconciliation findings, support bundles and an audit log — behind staff accounts or your SSO.
 * HTML, CSS and JS ship inside; pdf-lib loads only when a PDF is verified.
 *
 * @module console
 */

// the handler
export { createSupportConsole, type SupportConsoleHandler } from './console.js';
export type {
  AuthorizedStaff,
  ShareLinkDelivery,
  SupportConsoleAuth,
  SupportConsoleOptions,
} from './options.js';

// staff accounts (also `npx pagoefectivo-kit staff add|disable|enable|list`)
export {
  type AddStaffInput,
  addStaffAccount,
  disableStaffAccount,
  enableStaffAccount,
  listStaffAccounts,
  STAFF_ID_PATTERN,
  STAFF_LOG_SUBJECT,
  type StaffAccount,
} from './staff.js';
export { CONSOLE_PERMISSIONS, type ConsoleAction, canPerform, type StaffRole } from './roles.js';
export {
  hashStaffPassword,
  STAFF_PASSWORD_ITERATIONS,
  STAFF_PASSWORD_LENGTH,
  STAFF_PASSWORD_MIN_ITERATIONS,
  verifyStaffPassword,
} from './passwords.js';
export { DEFAULT_LOCKOUT, type LockoutPolicy } from './lockout.js';

// audit log
export { AUDIT_LOG_SUBJECT, type AuditEntry, type AuditPage, readAuditLog } from './audit.js';

// voucher verification and locales
export { checkVoucher, type VoucherCheck, type VoucherReason, type VoucherVerdict } from './verify.js';
export {
  CONSOLE_CATALOGS,
  CONSOLE_LOCALES,
  type ConsoleLocale,
  type ConsoleMessages,
  type MessageKey,
} from './i18n/index.js';
