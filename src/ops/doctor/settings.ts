import type { FetchLike } from '../../client/options.js';
import { createIpAllowList } from '../../guards/ip.js';
import { resolveExpiryPolicy } from '../../time/expiry.js';
import { voucherPublicKey } from '../../voucher/token.js';
import type { DoctorCheck, DoctorConfig, DoctorWaiver } from './types.js';

const waived = (config: DoctorConfig, id: DoctorWaiver): boolean => config.waive?.includes(id) === true;
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `expiry_policy`: the default expiry within 24–72 h and no request allowed past 72 h. */
export function checkExpiryPolicy(config: DoctorConfig): DoctorCheck {
  if (waived(config, 'expiry_policy')) return { id: 'expiry_policy', status: 'ok', message: 'waived' };
  let policy: ReturnType<typeof resolveExpiryPolicy>;
  try {
    policy = resolveExpiryPolicy(config.policy);
  } catch (error) {
    return {
      id: 'expiry_policy',
      status: 'fail',
      message: reason(error),
      fix: 'fix the policy passed to createCashCodes',
    };
  }
  const text = `default ${policy.defaultHours} h, requests ${policy.minHours}–${policy.maxHours} h`;
  if (policy.defaultHours < 24 || policy.defaultHours > 72) {
    return {
      id: 'expiry_policy',
      status: 'fail',
      message: `${text}: the default is outside 24–72 h`,
      fix: 'buyers need time to reach an agent, and long-lived codes hold stock: use 24–72 h (or waive expiry_policy)',
    };
  }
  if (policy.maxHours > 72) {
    return {
      id: 'expiry_policy',
      status: 'warn',
      message: `${text}: requests above 72 h allowed`,
      fix: 'set maxHours to 72 or less',
    };
  }
  return { id: 'expiry_policy', status: 'ok', message: text };
}

/** `voucher_key`: the signing key parses, and the published key list holds its public key. */
export async function checkVoucherKey(config: DoctorConfig): Promise<DoctorCheck> {
  if (config.voucherKey === undefined) {
    if (waived(config, 'voucher_key'))
      return { id: 'voucher_key', status: 'ok', message: 'waived (no vouchers signed)' };
    return {
      id: 'voucher_key',
      status: 'fail',
      message: 'no voucher signing key: vouchers cannot be told from forgeries',
      fix: 'run `pagoefectivo-kit keys generate` and pass the key to createCashCodes({ voucherKey }) (or waive voucher_key)',
    };
  }
  let publicKey: string;
  try {
    publicKey = voucherPublicKey(config.voucherKey.secretKey);
  } catch (error) {
    return { id: 'voucher_key', status: 'fail', message: reason(error), fix: 'use the file `keys generate` wrote' };
  }
  const kid = config.voucherKey.kid;
  if (config.voucherPublicKeysUrl === undefined) {
    return {
      id: 'voucher_key',
      status: config.environment === 'production' ? 'fail' : 'warn',
      message: `signing key "${kid}" present, but no published public key list was given`,
      fix: `publish "${kid}=${publicKey}" where support staff and verifiers fetch it, and give that URL`,
    };
  }
  const fetch = config.fetch ?? (globalThis.fetch as FetchLike);
  try {
    const response = await fetch(config.voucherPublicKeysUrl, {
      signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`answered ${response.status}`);
    if (!text.includes(publicKey) || !text.includes(kid)) {
      return {
        id: 'voucher_key',
        status: 'fail',
        message: `the published key list does not hold "${kid}" with this key's public key`,
        fix: `add "${kid}=${publicKey}" to the published list before signing with the key`,
      };
    }
  } catch (error) {
    return {
      id: 'voucher_key',
      status: 'fail',
      message: `the published key list cannot be fetched: ${reason(error)}`,
      fix: 'check the public key URL',
    };
  }
  return { id: 'voucher_key', status: 'ok', message: `signing key "${kid}" present and its public key published` };
}

/**
 * A guard setting: judged when configured, `ok` when deliberately waived, and a failure with `missing`
 * when neither (an unguarded production webhook or issue path is the default we refuse).
 */
function guardSetting<T>(
  config: DoctorConfig,
  id: 'allow_list' | 'rate_limit',
  value: T | undefined,
  judge: (value: T) => Omit<DoctorCheck, 'id'>,
  missing: Pick<DoctorCheck, 'message' | 'fix'>,
): DoctorCheck {
  if (value !== undefined) return { id, ...judge(value) };
  if (waived(config, id)) return { id, status: 'ok', message: 'waived' };
  return { id, status: 'fail', ...missing };
}

/** `allow_list` and `rate_limit`: configured and valid, or waived on purpose. */
export function checkGuards(config: DoctorConfig): DoctorCheck[] {
  const allowList = guardSetting(
    config,
    'allow_list',
    config.allowIps,
    (ips) => {
      try {
        createIpAllowList(ips);
        return { status: 'ok', message: `${ips.length} address(es) or range(s)` };
      } catch (error) {
        return { status: 'fail', message: reason(error), fix: 'list IPs or CIDR ranges' };
      }
    },
    {
      message: 'no IP allow-list configured',
      fix: 'pass allowIps, or waive allow_list on purpose (PagoEfectivo does not publish its sender IPs)',
    },
  );
  const rateLimit = guardSetting(
    config,
    'rate_limit',
    config.rateLimit,
    (limit) => {
      const positive = (n: number) => Number.isSafeInteger(n) && n > 0;
      return positive(limit.limit) && positive(limit.windowMs)
        ? { status: 'ok', message: `${limit.limit} per ${Math.round(limit.windowMs / 1000)} s per IP` }
        : { status: 'fail', message: 'limit and windowMs must be positive integers', fix: 'fix rateLimit' };
    },
    {
      message: 'no rate limit on issuing codes: a script can create CIPs without end',
      fix: 'pass rateLimit: { limit, windowMs } to createCashCodes, or waive rate_limit',
    },
  );
  return [allowList, rateLimit];
}
