/**
 * Staff sessions. The cookie holds `<id>.<secret>` (16 + 32 random bytes); the store keeps, under
 * the id, only the SHA-256 of the secret, the staff id, the CSRF token, the opening instant, the
 * account's revocation count at opening and the absolute expiry. A
 * forged or altered cookie fails the constant-time hash compare, a stolen store dump holds no usable
 * cookie, and logging out or disabling the account revokes the session on the server at once.
 */
import { constantTimeEqual } from '../_crypto/pbkdf2.js';
import type { CashCodeStore } from '../storage/contract.js';
import { decodeBase64url, encodeBase64url } from '../voucher/_internal/base64url.js';

/** A live session as read from the store. */
export interface StaffSession {
  id: string;
  staffId: string;
  /** The CSRF token every form of this session must send back. */
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
  /**
   * The account's revocation count when the session was opened (`StaffRecord.revocations`), or `null`
   * for a session recorded before sessions carried it (it then survives only a never-revoked account).
   */
  generation: number | null;
}

/** A new session and the cookie value to hand out. */
export interface OpenedSession {
  session: StaffSession;
  cookieValue: string;
}

const KEY_PREFIX = 'kit:console:session:';
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const random = (bytes: number): string => encodeBase64url(crypto.getRandomValues(new Uint8Array(bytes)));

async function sha256(text: string): Promise<string> {
  return encodeBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/** Open a session for `staffId` lasting `ttlMs` from `now`. */
export async function openSession(
  store: CashCodeStore,
  staffId: string,
  options: { ttlMs: number; now: Date; generation: number },
): Promise<OpenedSession> {
  const id = random(16);
  const secret = random(32);
  const session: StaffSession = {
    id,
    staffId,
    csrf: random(32),
    createdAt: options.now,
    expiresAt: new Date(options.now.getTime() + options.ttlMs),
    generation: options.generation,
  };
  const record = {
    staffId,
    secretHash: await sha256(secret),
    csrf: session.csrf,
    createdAt: session.createdAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    generation: session.generation,
  };
  await store.putValue(KEY_PREFIX + id, JSON.stringify(record), options.ttlMs);
  return { session, cookieValue: `${id}.${secret}` };
}

/**
 * The session a cookie value stands for, or `null` when it is malformed, unknown, revoked, expired
 * or its secret does not match.
 */
export async function readSession(store: CashCodeStore, cookieValue: string, now: Date): Promise<StaffSession | null> {
  const [id = '', secret = '', ...rest] = cookieValue.split('.');
  if (rest.length > 0 || !ID_PATTERN.test(id) || !SECRET_PATTERN.test(secret)) return null;
  const text = await store.getValue(KEY_PREFIX + id);
  if (text === null) return null;
  let record: {
    staffId?: unknown;
    secretHash?: unknown;
    csrf?: unknown;
    createdAt?: unknown;
    expiresAt?: unknown;
    generation?: unknown;
  };
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof record.secretHash !== 'string' || typeof record.staffId !== 'string' || typeof record.csrf !== 'string') {
    return null;
  }
  const expected = decodeBase64url(record.secretHash);
  const given = decodeBase64url(await sha256(secret));
  if (expected === null || given === null || !constantTimeEqual(given, expected)) return null;
  const expiresAt = new Date(String(record.expiresAt));
  // The store's TTL ends the record too; checking the absolute expiry here keeps a slow purge harmless.
  if (!(expiresAt.getTime() > now.getTime())) return null;
  const generation = record.generation;
  if (generation !== undefined && !(Number.isSafeInteger(generation) && (generation as number) >= 0)) return null;
  return {
    id,
    staffId: record.staffId,
    csrf: record.csrf,
    createdAt: new Date(String(record.createdAt)),
    expiresAt,
    generation: generation === undefined ? null : (generation as number),
  };
}

/** Revoke a session (logout, disabled account). No error if it is already gone. */
export async function revokeSession(store: CashCodeStore, id: string): Promise<void> {
  if (ID_PATTERN.test(id)) await store.deleteKey(KEY_PREFIX + id);
}
