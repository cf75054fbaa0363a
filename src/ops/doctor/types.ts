import type { FetchLike } from '../../client/options.js';
import type { VoucherSigningKey } from '../../codes/voucher-signer.js';
import type { CashCodeStore } from '../../storage/contract.js';
import type { ExpiryPolicy } from '../../time/expiry.js';

/** The verdict of one check: `skip` when a check could not run (its input is missing). */
export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** The checks `runDoctor` makes, in the order it prints them. */
export type DoctorCheckId =
  | 'credentials'
  | 'environment'
  | 'clock'
  | 'webhook_url'
  | 'webhook_answer'
  | 'store_durable'
  | 'store_reachable'
  | 'store_writable'
  | 'sweeper'
  | 'reconciliation'
  | 'expiry_policy'
  | 'voucher_key'
  | 'allow_list'
  | 'rate_limit';

/** Every {@link DoctorCheckId}, in print order. */
export const DOCTOR_CHECKS: readonly DoctorCheckId[] = [
  'credentials',
  'environment',
  'clock',
  'webhook_url',
  'webhook_answer',
  'store_durable',
  'store_reachable',
  'store_writable',
  'sweeper',
  'reconciliation',
  'expiry_policy',
  'voucher_key',
  'allow_list',
  'rate_limit',
];

/** Checks a merchant may waive on purpose; a waived check reports `ok` and says it was waived. */
export type DoctorWaiver = 'allow_list' | 'rate_limit' | 'voucher_key' | 'expiry_policy';

/** One line of the doctor's answer. */
export interface DoctorCheck {
  id: DoctorCheckId;
  status: DoctorStatus;
  /** What was found; never a secret. */
  message: string;
  /** How to fix it (for `warn` and `fail`). */
  fix?: string;
}

/** What {@link runDoctor} found. */
export interface DoctorReport {
  /** `true` when no check failed (warnings allowed): the CLI's exit code 0. */
  ok: boolean;
  environment: 'sandbox' | 'production';
  checkedAt: Date;
  checks: DoctorCheck[];
}

/** The PagoEfectivo credentials of the deployment (from the environment or files, never literals). */
export interface DoctorCredentials {
  serviceId: string | number;
  accessKey: string;
  secretKey: string;
  /** A custom API base URL (a fake); the environment cross-check is then skipped. */
  baseUrl?: string;
}

/** Thresholds of the time-based checks, in ms. */
export interface DoctorThresholds {
  /** Clock skew that warns. Default 30 000. */
  clockWarnMs?: number;
  /**
   * Clock skew that fails. Default 300 000: PagoEfectivo's tolerance for `dateRequest` is UNKNOWN
   * (protocol notes §1); five minutes is an assumption, the fake's default.
   */
  clockFailMs?: number;
  /** A sweeper whose last run is older than this fails. Default 2 h. */
  sweepMaxAgeMs?: number;
  /** A reconciliation whose last run is older than this fails. Default 24 h. */
  reconcileMaxAgeMs?: number;
}

/** The deployment {@link runDoctor} checks: the same settings the app passes to the SDK. */
export interface DoctorConfig {
  /** The environment the deployment is meant for. */
  environment: 'sandbox' | 'production';
  credentials?: DoctorCredentials;
  /** The app's store (the memory store fails in production). */
  store?: CashCodeStore;
  /** The public URL PagoEfectivo posts notifications to. */
  webhookUrl?: string;
  /** The secret the webhook handler verifies with. Default: `credentials.secretKey`. */
  webhookSecretKey?: string;
  /** The expiry policy passed to `createCashCodes` (its defaults when omitted: 24 h, 1–72 h). */
  policy?: ExpiryPolicy;
  /** The voucher signing key passed to `createCashCodes({ voucherKey })`. */
  voucherKey?: VoucherSigningKey;
  /** Where verifiers fetch the voucher public keys (a `kid=key` list or JSON); must list the key. */
  voucherPublicKeysUrl?: string;
  /** The IP allow-list passed to `createCashCodes` / `createWebhookHandler`. */
  allowIps?: readonly string[];
  /** The rate limit passed to `createCashCodes`. */
  rateLimit?: { limit: number; windowMs: number };
  /** Checks waived on purpose (e.g. `['allow_list']` when PagoEfectivo's sender IPs are not known). */
  waive?: readonly DoctorWaiver[];
  thresholds?: DoctorThresholds;
  /** Used for every HTTP request (API, webhook, public keys). Default: global `fetch`. */
  fetch?: FetchLike;
  /** Resolve a host name to addresses. Default: `node:dns` lookup. */
  resolveHost?: (hostname: string) => Promise<string[]>;
  /** Clock. Default `() => new Date()`. */
  now?: () => Date;
  /** Timeout of each HTTP request in ms. Default 10 000. */
  timeoutMs?: number;
}
