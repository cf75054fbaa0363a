/**
 * pagoefectivo-kit: take PagoEfectivo cash payments safely.
 *
 * The root entry holds the codes service and the core types and errors. It never loads pdf-lib,
 * bwip-js or a database driver.
 *
 * @module pagoefectivo-kit
 */

// errors
export {
  ERROR_CODES,
  type ErrorCode,
  type KitErrorOptions,
  PagoEfectivoKitError,
  ConfigurationError,
  ValidationError,
  type ValidationIssue,
  ApiError,
  type ApiErrorOptions,
  type ApiFieldError,
  AuthError,
  TimeoutError,
  NetworkError,
  GuardError,
  StorageError,
  WebhookVerificationError,
  VoucherError,
  isPagoEfectivoKitError,
  toStorageError,
} from './errors.js';

// money
export {
  type Currency,
  CURRENCIES,
  isCurrency,
  parseCurrency,
  parseAmount,
  assertMinorUnits,
  formatAmount,
  formatMoney,
  type FxLock,
  type ConvertPriceInput,
  convertPrice,
} from './money/index.js';

// time
export {
  LIMA_TIME_ZONE,
  NO_DATE_SENTINEL,
  formatLimaTimestamp,
  parseApiTimestamp,
  limaCalendarDate,
  limaWallClockToInstant,
  peruHolidays,
  peruHolidayName,
  type PeruHoliday,
  PERU_HOLIDAY_YEARS,
  easterSunday,
  type ExpiryPolicy,
  type ResolvedExpiryPolicy,
  resolveExpiryPolicy,
  computeExpiry,
  extendToBusinessDay,
  isBusinessDay,
} from './time/index.js';

// codes: types
export type {
  CashCode,
  CodeStatus,
  Payer,
  PaymentRecord,
  PaymentSource,
  Actor,
  LifecycleEventType,
  LifecycleEntry,
  PaymentNotice,
  PaymentRejectReason,
  PaymentOutcome,
  PaymentReview,
} from './model/code.js';
export { CODE_STATUSES, BLOCKING_STATUSES } from './model/code.js';
export type {
  CashCodeProvider,
  CipReference,
  CreateCipInput,
  CreatedCip,
  CipStatus,
  ProviderOperation,
  ProviderExchange,
  ProviderSupports,
} from './model/provider.js';
export type { CodeEvent, CodeEventType, EventSource, EventDeliveryState, OutboxEvent } from './model/events.js';
export { CODE_EVENT_TYPES } from './model/events.js';

// observability: client hooks, tracer and metrics types (no @opentelemetry import anywhere)
export type * from './observability/index.js';

// codes: the service
export {
  createCashCodes,
  type CashCodes,
  type CashCodesOptions,
  type CashCodesLogger,
  type IssueInput,
  IssueInputSchema,
  type IssueRequest,
  parseIssueInput,
  type IssueResult,
  type SweepOptions,
  type SweepSummary,
  type SweptCode,
  type CashCodeEvents,
  type DrainResult,
  type EventDeliveryOptions,
  type EventHandler,
  type ResolveInput,
  type UnknownNotification,
  judgePayment,
  type PaymentObservation,
  type PaymentVerdict,
  type OrderFacts,
  createCodeId,
  type IdGenerator,
  isValidCodeId,
  TRANSITIONS,
  type LifecycleEvent,
  type VoucherSigningKey,
} from './codes/index.js';

// loggers: pino-style `(fields, message)` adapted to the SDK's `(message, fields)` (also at /webhooks)
export {
  fromPino,
  isPinoStyleLogger,
  toKitLogger,
  type FieldsFirstLogger,
  type KitLogger,
  type LogFields,
} from './logging/index.js';

// guards (also at pagoefectivo-kit/guards)
export {
  createIpAllowList,
  type IpAllowList,
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
  decideOrder,
  type OrderDecision,
  type OrderRequest,
} from './guards/index.js';

// storage contract
export type {
  CashCodeStore,
  ClaimResult,
  ClaimOptions,
  HitResult,
  ClaimExpiredOptions,
  ListCodesFilter,
  CodePage,
  CodeCommit,
  RecordBatch,
  ClaimEventsOptions,
  EventSettlement,
  SettleEventOptions,
  ListEventsFilter,
  EventPage,
  StaleReservationsOptions,
  PurgeOptions,
  LogPageOptions,
  LogPage,
} from './storage/contract.js';
export {
  cloneCode,
  serializeCode,
  deserializeCode,
  serializeEntry,
  deserializeEntry,
  serializeEvent,
  deserializeEvent,
} from './storage/contract.js';
