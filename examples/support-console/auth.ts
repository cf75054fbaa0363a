import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CashCodeStore } from '../../src/storage/contract.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'support_session';

/** Options of {@link createStaffAuth}. */
export interface StaffAuthOptions {
  /** The shared staff key (from an environment variable or a secret file, never from code). */
  staffKey: string;
  /** Counts failed logins per client IP (`store.hit`), so the key cannot be brute-forced. */
  store: CashCodeStore;
  /** Session lifetime in ms. Default 8 h. */
  sessionMs?: number;
  /** Failed logins allowed per IP per 15 minutes. Default 10. */
  maxFailures?: number;
  /** Add `Secure` to the cookie (set it when served over HTTPS). Default false. */
  secureCookie?: boolean;
  /** The clock, in epoch ms. */
  now?: () => number;
}

/** Staff authentication: a staff key (header or login form) and HttpOnly session cookies. */
export interface StaffAuth {
  /** Whether the request carries a valid session cookie or `X-Staff-Key` header. */
  isAuthorized(req: IncomingMessage): boolean;
  /** Check a key typed into the login form; counts failures per IP. */
  login(key: string, ip: string): Promise<'ok' | 'wrong' | 'locked'>;
  /** A new session's `Set-Cookie` value. */
  openSession(): string;
  /** End the request's session; the `Set-Cookie` value that clears the cookie. */
  closeSession(req: IncomingMessage): string;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Compare two secrets in constant time (hashing first, so lengths leak nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

/** Create the staff authentication of the support console. */
export function createStaffAuth(options: StaffAuthOptions): StaffAuth {
  if (typeof options.staffKey !== 'string' || options.staffKey.length < 16) {
    throw new Error('The staff key must be at least 16 characters (load it from an environment variable).');
  }
  const now = options.now ?? Date.now;
  const sessionMs = options.sessionMs ?? 8 * 3600_000;
  // Only a hash of each session id is kept, so a memory dump does not hand out live sessions.
  const sessions = new Map<string, number>();
  const attributes = `Path=/; HttpOnly; SameSite=Strict${options.secureCookie ? '; Secure' : ''}`;

  const sessionValid = (req: IncomingMessage): boolean => {
    const id = cookieOf(req, SESSION_COOKIE);
    if (id === null) return false;
    const key = digest(id).toString('hex');
    const until = sessions.get(key);
    if (until === undefined) return false;
    if (until <= now()) {
      sessions.delete(key);
      return false;
    }
    return true;
  };

  return {
    isAuthorized(req) {
      const header = req.headers['x-staff-key'];
      if (typeof header === 'string') return sameSecret(header, options.staffKey);
      return sessionValid(req);
    },
    async login(key, ip) {
      const limit = options.maxFailures ?? 10;
      if ((await options.store.getValue(`support:login-locked:${ip}`)) !== null) return 'locked';
      if (sameSecret(key, options.staffKey)) return 'ok';
      // Count the failure; at the limit the IP is locked out until the window ends.
      const counted = await options.store.hit(`support:login-failures:${ip}`, limit, 15 * 60_000);
      if (!counted.allowed || counted.count >= limit) {
        const ttl = Math.max(1, counted.resetAt.getTime() - now());
        await options.store.putValue(`support:login-locked:${ip}`, '1', ttl);
      }
      return 'wrong';
    },
    openSession() {
      const id = randomBytes(32).toString('base64url');
      sessions.set(digest(id).toString('hex'), now() + sessionMs);
      return `${SESSION_COOKIE}=${id}; ${attributes}; Max-Age=${Math.floor(sessionMs / 1000)}`;
    },
    closeSession(req) {
      const id = cookieOf(req, SESSION_COOKIE);
      if (id !== null) sessions.delete(digest(id).toString('hex'));
      return `${SESSION_COOKIE}=; ${attributes}; Max-Age=0`;
    },
  };
}
