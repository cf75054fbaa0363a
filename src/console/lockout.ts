/**
 * Login lockout. Every login attempt first counts one hit on the account's and on the client IP's
 * counter (the store's atomic fixed-window `hit`, shared by every instance) and only an attempt both
 * counters allow gets its password checked. Counting before checking is what makes the limit hold
 * under parallel guesses: N concurrent requests cannot all pass a "not locked yet" read. Once a
 * counter is full, logins are refused until its window ends, the right password included.
 */
import type { CashCodeStore } from '../storage/contract.js';

/** Lockout limits. */
export interface LockoutPolicy {
  /** Login attempts of one account allowed per window (default 5); a successful login resets it. */
  perAccount: number;
  /** Login attempts from one IP allowed per window (default 20), successful ones included. */
  perIp: number;
  /** The window and lock length in ms (default 15 minutes). */
  windowMs: number;
}

/** The default {@link LockoutPolicy}. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { perAccount: 5, perIp: 20, windowMs: 15 * 60_000 };

/** The answer of {@link countLoginAttempt}. */
export interface LoginAttempt {
  /** Whether the password may be checked (both counters had room). */
  allowed: boolean;
  /** Whether this attempt used the last room of a counter: a failure now means "locked". */
  exhausted: boolean;
}

const PREFIX = 'kit:console:login:';

const counterKey = (kind: 'account' | 'ip', value: string): string => `${PREFIX}attempts:${kind}:${value}`;

/**
 * Count a login attempt on the account's and the IP's counters, before the password is checked.
 * Without a known IP (`null`) only the account counts: one shared "unknown" counter would let junk
 * logins lock everybody out. Configure `clientIp` behind a proxy so the per-IP limit applies.
 */
export async function countLoginAttempt(
  store: CashCodeStore,
  staffId: string,
  ip: string | null,
  policy: LockoutPolicy,
): Promise<LoginAttempt> {
  const [account, address] = await Promise.all([
    store.hit(counterKey('account', staffId), policy.perAccount, policy.windowMs),
    ip === null ? null : store.hit(counterKey('ip', ip), policy.perIp, policy.windowMs),
  ]);
  const allowed = account.allowed && (address?.allowed ?? true);
  const exhausted = account.count >= policy.perAccount || (address !== null && address.count >= policy.perIp);
  return { allowed, exhausted: allowed && exhausted };
}

/** Forget an account's attempts after a successful login (the IP's count stays: it may be guessing others). */
export async function clearLoginFailures(store: CashCodeStore, staffId: string): Promise<void> {
  await store.deleteKey(counterKey('account', staffId));
}
