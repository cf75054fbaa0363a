import type { CashCodes } from '../codes/index.js';
import { ConfigurationError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import type { CashCodeProvider } from '../model/provider.js';
import type { CashCodeStore } from '../storage/contract.js';
import type { VoucherPublicKeys } from '../voucher/token.js';
import { type ConsoleLocale, isConsoleLocale } from './i18n/index.js';
import { DEFAULT_LOCKOUT, type LockoutPolicy } from './lockout.js';
import { STAFF_PASSWORD_ITERATIONS } from './passwords.js';
import { isStaffRole, type StaffRole } from './roles.js';

/** Who a request belongs to, as the merchant's own sign-in (SSO) says. */
export interface AuthorizedStaff {
  staffId: string;
  role: StaffRole;
}

/** Access control of the console. */
export interface SupportConsoleAuth {
  /**
   * Your own sign-in (SSO, an authenticating proxy): resolve the staff member of a request, or `null`
   * to fall back to the built-in login. Called on every request before the session cookie is read.
   */
  authorize?: (request: Request) => AuthorizedStaff | null | Promise<AuthorizedStaff | null>;
  /** Offer the built-in staff accounts (`staff add`) and the login form. Default `true`. */
  builtInAccounts?: boolean;
  /** Absolute session lifetime in ms (default 8 h). */
  sessionTtlMs?: number;
  /** Login attempts allowed per window (per account, per IP) and the window (defaults 5, 20, 15 minutes). */
  lockout?: Partial<LockoutPolicy>;
  /** Mark cookies `Secure`. Default: on, except when the request's `Origin` (else its URL) is plain http on `localhost`, `127.0.0.1` or `[::1]`. */
  secureCookie?: boolean;
  /** Extra origins whose forms are accepted (a TLS proxy whose public origin differs from the `Host`). */
  allowedOrigins?: readonly string[];
  /** PBKDF2 iterations spent on logins of unknown ids, to match your accounts' cost (default 600 000). */
  passwordIterations?: number;
}

/** What the console hands to your sender when an operator re-sends a share link. */
export interface ShareLinkDelivery {
  code: CashCode;
  /** The link token (put it in your share URL) and the passcode (send it through another channel). */
  token: string;
  passcode: string;
  expiresAt: Date;
  /** The staff id who asked for it. */
  staffId: string;
}

/** Options of `createSupportConsole`. */
export interface SupportConsoleOptions {
  /** The codes service (history, cancel, resolve). */
  codes: CashCodes;
  /** The provider asked for live status: the PagoEfectivo client or any {@link CashCodeProvider}. */
  client?: CashCodeProvider;
  /** Same as `client` (the name `createCashCodes` uses); give one of them. */
  provider?: CashCodeProvider;
  /** The store of the codes service (lookups, events, staff, sessions, audit log). */
  store: CashCodeStore;
  /** Access control: built-in accounts and/or `authorize` for your own SSO. */
  auth: SupportConsoleAuth;
  /** The default language (`es-PE`); staff switch with the language links. */
  locale?: ConsoleLocale;
  /** The path the console is mounted under (`/support`); default `/`. */
  basePath?: string;
  /** Trusted voucher public keys (`{ kid: publicKey }`), for voucher verification. */
  voucherKeys?: VoucherPublicKeys;
  /** Largest voucher PDF accepted, in bytes (default 5 MB); larger uploads get 413. */
  maxUploadBytes?: number;
  /** Re-sending share links: how long a new link lives and how it reaches the buyer (your mailer). */
  shareLinks?: { ttlMs?: number; send(delivery: ShareLinkDelivery): Promise<void> };
  /**
   * The client IP when the adapter does not pass `ctx.ip` (behind a proxy: read your trusted header).
   * Without any IP the login lockout counts per account only: configure it behind a proxy.
   */
  clientIp?: (request: Request) => string | null | undefined;
  /** Called with unexpected errors (the page shows a generic message). */
  onError?: (error: unknown) => void;
  /** The clock. */
  now?: () => Date;
}

/** The resolved options the routes work with. */
export interface ConsoleConfig {
  codes: CashCodes;
  provider: CashCodeProvider;
  store: CashCodeStore;
  auth: SupportConsoleAuth & {
    lockout: LockoutPolicy;
    sessionTtlMs: number;
    passwordIterations: number;
    builtInAccounts: boolean;
  };
  locale: ConsoleLocale;
  base: string;
  voucherKeys: VoucherPublicKeys | null;
  maxUploadBytes: number;
  shareLinks: SupportConsoleOptions['shareLinks'] | null;
  clientIp: SupportConsoleOptions['clientIp'] | null;
  onError: (error: unknown) => void;
  now: () => Date;
}

function fail(message: string, option: string): never {
  throw new ConfigurationError(`createSupportConsole: ${message}`, { details: { option } });
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) fail(`${name} must be a positive integer.`, name);
  return resolved;
}

/** Normalise a mount path: `''` for the root, else `/a/b` without a trailing slash. */
export function normalizeBasePath(path: string | undefined): string {
  const value = (path ?? '/').trim();
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(value) || value.includes('//')) {
    fail('basePath must be a path such as "/support" (letters, digits, . _ ~ - and /).', 'basePath');
  }
  return value.replace(/\/+$/, '');
}

/**
 * Check and resolve the options.
 * @throws {ConfigurationError} `config_invalid`.
 */
export function resolveConsoleOptions(options: SupportConsoleOptions): ConsoleConfig {
  if (typeof options !== 'object' || options === null) fail('options are required.', 'options');
  const { codes, store, auth } = options;
  if (typeof codes?.history !== 'function' || typeof codes?.cancel !== 'function') {
    fail('codes must be the createCashCodes(...) service.', 'codes');
  }
  if (typeof store?.getCode !== 'function' || typeof store?.appendLog !== 'function')
    fail('store is required.', 'store');
  if (options.client !== undefined && options.provider !== undefined && options.client !== options.provider) {
    fail('give `client` or `provider`, not two different ones.', 'client');
  }
  const provider = (options.provider ?? options.client) as CashCodeProvider;
  if (typeof provider?.searchCips !== 'function') {
    fail('client must be createPagoEfectivoClient(...) or another provider with searchCips.', 'client');
  }
  if (typeof auth !== 'object' || auth === null) fail('auth is required ({} for built-in staff accounts).', 'auth');
  if (auth.authorize !== undefined && typeof auth.authorize !== 'function')
    fail('auth.authorize must be a function.', 'auth');
  const builtInAccounts = auth.builtInAccounts ?? true;
  if (!builtInAccounts && auth.authorize === undefined) {
    fail('with auth.builtInAccounts false, auth.authorize is required (nobody could sign in).', 'auth');
  }
  if (options.locale !== undefined && !isConsoleLocale(options.locale))
    fail('locale must be es-PE, en or zh-CN.', 'locale');
  if (options.shareLinks !== undefined && typeof options.shareLinks?.send !== 'function') {
    fail('shareLinks.send must be a function that delivers the link to the buyer.', 'shareLinks');
  }
  const lockout: LockoutPolicy = {
    perAccount: positive(auth.lockout?.perAccount, DEFAULT_LOCKOUT.perAccount, 'auth.lockout.perAccount'),
    perIp: positive(auth.lockout?.perIp, DEFAULT_LOCKOUT.perIp, 'auth.lockout.perIp'),
    windowMs: positive(auth.lockout?.windowMs, DEFAULT_LOCKOUT.windowMs, 'auth.lockout.windowMs'),
  };
  return {
    codes,
    provider,
    store,
    auth: {
      ...auth,
      builtInAccounts,
      lockout,
      sessionTtlMs: positive(auth.sessionTtlMs, 8 * 3600_000, 'auth.sessionTtlMs'),
      passwordIterations: positive(auth.passwordIterations, STAFF_PASSWORD_ITERATIONS, 'auth.passwordIterations'),
    },
    locale: options.locale ?? 'es-PE',
    base: normalizeBasePath(options.basePath),
    voucherKeys: options.voucherKeys ?? null,
    maxUploadBytes: positive(options.maxUploadBytes, 5 * 1024 * 1024, 'maxUploadBytes'),
    shareLinks: options.shareLinks ?? null,
    clientIp: options.clientIp ?? null,
    onError: options.onError ?? (() => {}),
    now: options.now ?? (() => new Date()),
  };
}

/** Whether an `authorize` answer names a staff member with a known role. */
export function isAuthorizedStaff(value: unknown): value is AuthorizedStaff {
  const staff = value as AuthorizedStaff | null;
  return (
    typeof staff?.staffId === 'string' &&
    staff.staffId.trim() !== '' &&
    staff.staffId.length <= 100 &&
    isStaffRole(staff.role)
  );
}
