import type { FetchLike } from '../../client/options.js';
import type { CashCodeStore } from '../../storage/contract.js';
import type { DoctorCredentials } from '../doctor/types.js';

/** The language of the certification report. */
export type CertifyLanguage = 'es' | 'en';

/** The scenarios `runCertify` runs, in order. */
export type CertifyStepId =
  | 'store'
  | 'authenticate'
  | 'create_cip'
  | 'search_cip'
  | 'extend_expiry'
  | 'delete_cip'
  | 'payment_notification'
  | 'forged_notification'
  | 'duplicate_notification'
  | 'wrong_amount_notification'
  | 'sweep_expired';

/** One HTTP exchange of a step, redacted (no secrets, tokens or personal data). */
export interface CertifyExchange {
  /** `api` for calls to PagoEfectivo, `webhook` for notifications. */
  kind: 'api' | 'webhook';
  method: string;
  /** Path and query, without host. */
  path: string;
  requestBody: string;
  /** `null` when no answer came. */
  status: number | null;
  responseBody: string;
  durationMs: number;
}

/** The outcome of one scenario. */
export interface CertifyStep {
  id: CertifyStepId;
  status: 'passed' | 'failed' | 'skipped';
  /** What happened, in the report's language; for a failure, why. */
  message: string;
  durationMs: number;
  exchanges: CertifyExchange[];
}

/** What {@link runCertify} produced. */
export interface CertifyReport {
  /** `true` only when every step passed. */
  passed: boolean;
  environment: 'fake' | 'sandbox';
  lang: CertifyLanguage;
  sdkVersion: string;
  /** The service id, the one credential that is not secret. */
  serviceId: string;
  startedAt: Date;
  finishedAt: Date;
  steps: CertifyStep[];
}

/** Options of {@link runCertify}. */
export interface CertifyOptions {
  /** `fake` runs offline against the in-process fake served on 127.0.0.1; `sandbox` needs credentials. */
  environment: 'fake' | 'sandbox';
  /**
   * Sandbox credentials (from the environment or files). With `fake`, values given here replace the
   * fake's generated ones on the client side only (how a wrong secret is tested).
   */
  credentials?: Partial<DoctorCredentials>;
  /** Where the certification's codes live. Default: a fresh memory store. */
  store?: CashCodeStore;
  /**
   * Your own webhook endpoint, writing to `store`: notifications then go there and certify watches the
   * store. Default: certify serves a webhook handler itself on `host:port`.
   */
  webhookUrl?: string;
  /** Port of the local webhook (default 0: any free port). */
  port?: number;
  /** Host of the local webhook. Default `127.0.0.1`. */
  host?: string;
  /** How long to wait for the payment notification. Default 10 min (sandbox), 10 s (fake). */
  paymentTimeoutMs?: number;
  /** Report language. Default `es`. */
  lang?: CertifyLanguage;
  /** Progress lines (the CLI prints them on stderr). */
  onProgress?: (line: string) => void;
  /** Used for every HTTP request. Default: global `fetch`. */
  fetch?: FetchLike;
}
