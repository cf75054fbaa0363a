/**
 * Validation of `createWebhookHandler` options, done once at startup so that a misconfiguration fails
 * the deploy instead of the first real payment.
 */
import { ConfigurationError } from '../../errors.js';
// The IP allow-list module alone, not the guards barrel: the barrel also brings the expiry policy and
// Peru's holiday tables, which this light entry never needs (measured: a cheaper cold import).
import { createIpAllowList, type IpAllowList } from '../../guards/ip.js';
import { toKitLogger } from '../../logging/index.js';
import type { WebhookHandlerOptions } from '../handler-types.js';
import { normalizeSecrets } from './inputs.js';

/** Default body limit: PagoEfectivo notifications are a few hundred bytes. */
export const DEFAULT_MAX_BODY_BYTES: number = 64 * 1024;

/** Default dedupe TTL: far beyond PagoEfectivo's single retry. */
export const DEFAULT_DEDUPE_TTL_MS: number = 7 * 24 * 60 * 60 * 1000;

/** The options with defaults applied and the allow-list compiled. */
export interface ResolvedHandlerOptions extends WebhookHandlerOptions {
  secrets: string[];
  maxBodyBytes: number;
  dedupeTtlMs: number;
  /** `null` when every IP is allowed. */
  allowList: IpAllowList | null;
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive integer, got ${String(value)}.`, {
      details: { option: name },
    });
  }
  return value;
}

function optionalFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(`${name} must be a function when given.`, { details: { option: name } });
  }
}

/**
 * Check and complete the options.
 * @throws {ConfigurationError} `config_invalid`; `WebhookVerificationError` `secret_missing`.
 */
export function resolveHandlerOptions(options: WebhookHandlerOptions): ResolvedHandlerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('createWebhookHandler needs options: { secretKey, codes, ... }.');
  }
  const secrets = normalizeSecrets(options.secretKey);
  if (typeof options.codes?.applyPayment !== 'function') {
    throw new ConfigurationError('codes must have an applyPayment(notice) method: pass createCashCodes(...).', {
      details: { option: 'codes' },
    });
  }
  const store = options.store;
  if (store !== undefined && (typeof store.getValue !== 'function' || typeof store.putValue !== 'function')) {
    throw new ConfigurationError('store must be a CashCodeStore (getValue and putValue are used).', {
      details: { option: 'store' },
    });
  }
  for (const name of ['onPaid', 'onRejected', 'onUnknownEvent', 'onError'] as const)
    optionalFunction(options[name], name);
  return {
    ...options,
    // pino takes (fields, message): adapted here once, so the handler always calls (message, fields).
    logger: options.logger === undefined ? undefined : toKitLogger(options.logger),
    secrets,
    maxBodyBytes: positiveInteger(options.maxBodyBytes, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES),
    dedupeTtlMs: positiveInteger(options.dedupeTtlMs, 'dedupeTtlMs', DEFAULT_DEDUPE_TTL_MS),
    allowList: options.allowIps === undefined ? null : createIpAllowList(options.allowIps),
  };
}
