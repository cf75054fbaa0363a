/**
 * Who is asking: the merchant's own sign-in (`auth.authorize`) first, else the built-in session
 * cookie; and the built-in login with lockout. Every request re-reads the account, so disabling it
 * ends its sessions at once, and for good: sessions opened before the last disable (or password
 * change) stay dead after the account is enabled again.
 */
import type { CashCodeStore } from '../storage/contract.js';
import { encodeBase64url } from '../voucher/_internal/base64url.js';
import { type CookieScope, cookie, readCookie } from './http.js';
import { clearLoginFailures, countLoginAttempt } from './lockout.js';
import { type ConsoleConfig, isAuthorizedStaff } from './options.js';
import { burnPasswordCheck, verifyStaffPassword } from './passwords.js';
import type { StaffRole } from './roles.js';
import { openSession, readSession, revokeSession, type StaffSession } from './sessions.js';
import { findStaffRecord, STAFF_ID_PATTERN, type StaffRecord } from './staff.js';

/** The session cookie. */
export const SESSION_COOKIE = 'pek_console_session';
/** The CSRF cookie of staff signed in through `auth.authorize` (they have no built-in session). */
export const CSRF_COOKIE = 'pek_console_csrf';

/** The staff member behind a request. */
export interface Identity {
  staffId: string;
  role: StaffRole;
  via: 'session' | 'authorize';
  /** The built-in session's id (for logout), `null` for `authorize`. */
  sessionId: string | null;
  /** The CSRF token the request's forms must carry. */
  csrf: string;
}

const CSRF_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Identify the request's staff member, or `null` (anonymous). Cookies to set (a fresh CSRF cookie,
 * the deletion of a dead session cookie) are pushed onto `cookies`.
 */
export async function identify(
  config: ConsoleConfig,
  request: Request,
  now: Date,
  scope: CookieScope,
  cookies: string[],
): Promise<Identity | null> {
  if (config.auth.authorize) {
    const staff = await config.auth.authorize(request);
    if (staff !== null && staff !== undefined) {
      // A malformed answer (unknown role, empty id) is refused, never guessed at.
      if (!isAuthorizedStaff(staff)) return null;
      let csrf = readCookie(request, CSRF_COOKIE);
      if (csrf === null || !CSRF_PATTERN.test(csrf)) {
        csrf = encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
        cookies.push(cookie(CSRF_COOKIE, csrf, scope, Math.floor(config.auth.sessionTtlMs / 1000)));
      }
      return { staffId: staff.staffId.trim(), role: staff.role, via: 'authorize', sessionId: null, csrf };
    }
  }
  if (!config.auth.builtInAccounts) return null;
  const value = readCookie(request, SESSION_COOKIE);
  if (value === null || value === '') return null;
  const session = await readSession(config.store, value, now);
  if (session === null) {
    cookies.push(cookie(SESSION_COOKIE, '', scope, 0));
    return null;
  }
  const account = await findStaffRecord(config.store, session.staffId);
  if (account === null || account.disabled || !sessionSurvives(session, account)) {
    await revokeSession(config.store, session.id);
    cookies.push(cookie(SESSION_COOKIE, '', scope, 0));
    return null;
  }
  return { staffId: account.id, role: account.role, via: 'session', sessionId: session.id, csrf: session.csrf };
}

/**
 * Whether a session outlived every revocation of its account: its revocation count is the account's.
 * A session recorded before sessions carried the count survives only an account never revoked: its
 * opening instant cannot be trusted against another server's clock, so it fails closed (a re-login).
 */
function sessionSurvives(session: StaffSession, account: StaffRecord): boolean {
  return session.generation === null ? account.revocations === 0 : session.generation === account.revocations;
}

/** The outcome of {@link attemptLogin}. */
export type LoginOutcome =
  | { ok: true; staffId: string; cookie: string }
  | { ok: false; reason: 'wrong' | 'locked'; staffId: string };

/**
 * Check a login. The attempt is counted on the account's and the IP's lockout counters before the
 * password is checked, so parallel guesses cannot outrun the limit; refused attempts cost no
 * password check at all. Unknown ids cost the same PBKDF2 time as known ones.
 */
export async function attemptLogin(
  config: ConsoleConfig,
  input: { staffId: string; password: string; ip: string | null },
  now: Date,
  scope: CookieScope,
): Promise<LoginOutcome> {
  const store: CashCodeStore = config.store;
  const staffId = input.staffId.trim().toLowerCase().slice(0, 64);
  const attempt = await countLoginAttempt(store, staffId, input.ip, config.auth.lockout);
  if (!attempt.allowed) return { ok: false, reason: 'locked', staffId };
  const account = STAFF_ID_PATTERN.test(staffId) ? await findStaffRecord(store, staffId) : null;
  let ok = false;
  if (account === null) await burnPasswordCheck(input.password, config.auth.passwordIterations);
  else ok = (await verifyStaffPassword(input.password, account.passwordHash)) && !account.disabled;
  if (!ok || account === null) return { ok: false, reason: attempt.exhausted ? 'locked' : 'wrong', staffId };
  await clearLoginFailures(store, staffId);
  const generation = account.revocations;
  const opened = await openSession(store, staffId, { ttlMs: config.auth.sessionTtlMs, now, generation });
  const maxAge = Math.floor(config.auth.sessionTtlMs / 1000);
  return { ok: true, staffId, cookie: cookie(SESSION_COOKIE, opened.cookieValue, scope, maxAge) };
}

/** End a built-in session on the server and answer the cookie that deletes it. */
export async function endSession(config: ConsoleConfig, identity: Identity, scope: CookieScope): Promise<string> {
  if (identity.sessionId !== null) await revokeSession(config.store, identity.sessionId);
  return cookie(SESSION_COOKIE, '', scope, 0);
}
