/**
 * Login lockout. Every failed login counts one hit on the account's and on the client IP's counter
 * (the store's atomic fixed-window `hit`, shared by every instance); at the limit a lock marker is
 * written until the window ends. Locked logins are refused before the password is even checked, so
 * the right password does not help a guesser during the lock either.
 */
import type { CashCodeStore } from '../storage/contract.js';

/** Lockout limits. */
export interface LockoutPolicy {
  /** Failed logins of one account allowed per window (default 5). */
  perAccount: number;
  /** Failed logins from one IP allowed per window (default 20). */
  perIp: number;
  /** The window and lock length in ms (default 15 minutes). */
  windowMs: number;
}

/** The default {@link LockoutPolicy}. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { perAccount: 5, perIp: 20, windowMs: 15 * 60_000 };

const PREFIX = 'kit:console:login:';

function keys(kind: 'account' | 'ip', value: string): { counter: string; lock: string } {
  return { counter: `${PREFIX}failures:${kind}:${value}`, lock: `${PREFIX}locked:${kind}:${value}` };
}

/** Whether logins for this account or from this IP are locked right now. */
export async function isLockedOut(store: CashCodeStore, staffId: string, ip: string): Promise<boolean> {
  const [account, address] = await Promise.all([
    store.getValue(keys('account', staffId).lock),
    store.getValue(keys('ip', ip).lock),
  ]);
  return account !== null || address !== null;
}

async function count(
  store: CashCodeStore,
  kind: 'account' | 'ip',
  value: string,
  limit: number,
  policy: LockoutPolicy,
  now: Date,
): Promise<boolean> {
  const { counter, lock } = keys(kind, value);
  const hit = await store.hit(counter, limit, policy.windowMs);
  if (hit.allowed && hit.count < limit) return false;
  await store.putValue(lock, '1', Math.max(1, hit.resetAt.getTime() - now.getTime()));
  return true;
}

/** Count a failed login; resolves `true` when this failure locked the account or the IP. */
export async function recordLoginFailure(
  store: CashCodeStore,
  staffId: string,
  ip: string,
  policy: LockoutPolicy,
  now: Date,
): Promise<boolean> {
  const [account, address] = await Promise.all([
    count(store, 'account', staffId, policy.perAccount, policy, now),
    count(store, 'ip', ip, policy.perIp, policy, now),
  ]);
  return account || address;
}

/** Forget an account's failures after a successful login (the IP's count stays: it may be guessing others). */
export async function clearLoginFailures(store: CashCodeStore, staffId: string): Promise<void> {
  await store.deleteKey(keys('account', staffId).counter);
}
