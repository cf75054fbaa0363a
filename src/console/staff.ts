/**
 * Built-in staff accounts, kept in the store's append-only log under one subject.
 *
 * The store contract has no table for accounts, and `putValue` is last-write-wins: two operators
 * adding accounts at the same moment through a read-modify-write of one value would lose one of
 * them. So every change is an appended entry (`staff.added`, `staff.disabled`, `staff.enabled`,
 * `staff.password`) and an account is the fold of its entries in log order. Appends never overwrite,
 * entries carry unique ids (a re-executed append is not doubled), and two racing adds of the same id
 * are settled by the log's order: the first `staff.added` wins, the later caller re-reads and reports
 * `staff_account_exists`. Nothing expires: the log has no TTL.
 */
import { GuardError, ValidationError } from '../errors.js';
import type { LifecycleEntry } from '../model/code.js';
import type { CashCodeStore } from '../storage/contract.js';
import { encodeBase64url } from '../voucher/_internal/base64url.js';
import { hashStaffPassword, normalizePassword, STAFF_PASSWORD_ITERATIONS, STAFF_PASSWORD_LENGTH } from './passwords.js';
import { isStaffRole, type StaffRole } from './roles.js';

/** The log subject holding every staff account change. */
export const STAFF_LOG_SUBJECT = 'kit:console:staff';

/** Staff ids: 1–64 of lowercase letters, digits and `. _ @ -` (a login name or an e-mail). */
export const STAFF_ID_PATTERN: RegExp = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/** A staff account as the console sees it (never the password hash). */
export interface StaffAccount {
  id: string;
  role: StaffRole;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** An account with its password hash, for the login check only. */
export interface StaffRecord extends StaffAccount {
  passwordHash: string;
  /**
   * How many session revocations (disables and password changes) the account has had. A session
   * remembers the count it was opened under and dies when the count moves, so a later enable does not
   * bring an old (maybe stolen) cookie back to life. A count, not an instant: it cannot confuse a login
   * in the same millisecond as a revocation, or one on a server whose clock is behind.
   */
  revocations: number;
}

/** Input of {@link addStaffAccount}. */
export interface AddStaffInput {
  /** Login id (lower-cased): 1–64 of `a-z 0-9 . _ @ -`. */
  id: string;
  role: StaffRole;
  /** 12–256 characters. Read it from an environment variable or stdin, never from a command line. */
  password: string;
  /** Who added the account, for the log (a staff id or `cli`). */
  by?: string;
  now?: Date;
  /** PBKDF2 iterations (default 600 000; at least 100 000). */
  iterations?: number;
}

type StaffChange = 'staff.added' | 'staff.disabled' | 'staff.enabled' | 'staff.password';

function entryId(): string {
  return `staff_${encodeBase64url(crypto.getRandomValues(new Uint8Array(12)))}`;
}

function changeEntry(change: StaffChange, staffId: string, at: Date, data: Record<string, unknown>): LifecycleEntry {
  return {
    id: entryId(),
    subject: STAFF_LOG_SUBJECT,
    orderId: null,
    cip: null,
    type: 'note',
    actor: 'support',
    at,
    reason: change,
    from: null,
    to: null,
    data: { change, staffId, ...data },
  };
}

/** Fold the staff log into accounts: the first `staff.added` of an id wins, later ones are ignored. */
function foldAccounts(entries: readonly LifecycleEntry[]): Map<string, StaffRecord> {
  const accounts = new Map<string, StaffRecord>();
  for (const entry of entries) {
    const data = entry.data as { change?: unknown; staffId?: unknown; role?: unknown; passwordHash?: unknown };
    if (typeof data.staffId !== 'string') continue;
    const existing = accounts.get(data.staffId);
    if (data.change === 'staff.added') {
      if (existing || !isStaffRole(data.role) || typeof data.passwordHash !== 'string') continue;
      accounts.set(data.staffId, {
        id: data.staffId,
        role: data.role,
        disabled: false,
        createdAt: entry.at,
        updatedAt: entry.at,
        passwordHash: data.passwordHash,
        revocations: 0,
      });
      continue;
    }
    if (!existing) continue;
    if (data.change === 'staff.disabled') {
      existing.disabled = true;
      existing.revocations += 1;
    } else if (data.change === 'staff.enabled') existing.disabled = false;
    else if (data.change === 'staff.password' && typeof data.passwordHash === 'string') {
      existing.passwordHash = data.passwordHash;
      existing.revocations += 1;
    } else continue;
    existing.updatedAt = entry.at;
  }
  return accounts;
}

function publicView(record: StaffRecord): StaffAccount {
  const { passwordHash: _hash, revocations: _revocations, ...account } = record;
  return account;
}

/** Read every account with its hash (internal: the login check). */
export async function readStaffRecords(store: CashCodeStore): Promise<Map<string, StaffRecord>> {
  return foldAccounts(await store.readLog(STAFF_LOG_SUBJECT));
}

/** The account of `id` with its password hash, or `null`. */
export async function findStaffRecord(store: CashCodeStore, id: string): Promise<StaffRecord | null> {
  return (await readStaffRecords(store)).get(id.trim().toLowerCase()) ?? null;
}

/** Every staff account (disabled ones too), sorted by id; never the password hashes. */
export async function listStaffAccounts(store: CashCodeStore): Promise<StaffAccount[]> {
  const records = [...(await readStaffRecords(store)).values()].map(publicView);
  return records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function checkAddInput(input: AddStaffInput): { id: string; password: string } {
  const issues: { path: string; message: string }[] = [];
  const id = typeof input?.id === 'string' ? input.id.trim().toLowerCase() : '';
  if (!STAFF_ID_PATTERN.test(id)) issues.push({ path: 'id', message: 'must be 1–64 of a-z 0-9 . _ @ -' });
  if (!isStaffRole(input?.role)) issues.push({ path: 'role', message: "must be 'viewer' or 'operator'" });
  const password = typeof input?.password === 'string' ? normalizePassword(input.password) : '';
  if ([...password].length < STAFF_PASSWORD_LENGTH.min || [...password].length > STAFF_PASSWORD_LENGTH.max) {
    issues.push({
      path: 'password',
      message: `must be ${STAFF_PASSWORD_LENGTH.min}–${STAFF_PASSWORD_LENGTH.max} characters`,
    });
  }
  if (issues.length > 0) {
    throw new ValidationError(`Invalid staff account: ${issues.map((issue) => issue.path).join(', ')}.`, issues, {
      code: 'staff_account_invalid',
    });
  }
  return { id, password };
}

/**
 * Add a staff account.
 * @throws {ValidationError} `staff_account_invalid`; {@link GuardError} `staff_account_exists`.
 */
export async function addStaffAccount(store: CashCodeStore, input: AddStaffInput): Promise<StaffAccount> {
  const { id, password } = checkAddInput(input);
  const exists = (): GuardError =>
    new GuardError('staff_account_exists', `A staff account "${id}" already exists.`, { details: { staffId: id } });
  if ((await readStaffRecords(store)).has(id)) throw exists();
  const passwordHash = await hashStaffPassword(password, input.iterations ?? STAFF_PASSWORD_ITERATIONS);
  const entry = changeEntry('staff.added', id, input.now ?? new Date(), {
    role: input.role,
    passwordHash,
    by: input.by ?? null,
  });
  await store.appendLog(entry);
  // A concurrent add of the same id may have been appended first: the log's order decides.
  const winner = (await readStaffRecords(store)).get(id);
  if (!winner || winner.passwordHash !== passwordHash) throw exists();
  return publicView(winner);
}

async function change(
  store: CashCodeStore,
  id: string,
  kind: 'staff.disabled' | 'staff.enabled',
  options: { by?: string; now?: Date },
): Promise<StaffAccount> {
  const staffId = typeof id === 'string' ? id.trim().toLowerCase() : '';
  if (!(await readStaffRecords(store)).has(staffId)) {
    throw new GuardError('staff_account_not_found', `No staff account "${staffId}".`, { details: { staffId } });
  }
  await store.appendLog(changeEntry(kind, staffId, options.now ?? new Date(), { by: options.by ?? null }));
  return publicView((await readStaffRecords(store)).get(staffId) as StaffRecord);
}

/**
 * Disable an account: its sessions stop working at their next request (every request re-reads the
 * account) and stay dead after a later enable.
 * @throws {GuardError} `staff_account_not_found`.
 */
export function disableStaffAccount(
  store: CashCodeStore,
  id: string,
  options: { by?: string; now?: Date } = {},
): Promise<StaffAccount> {
  return change(store, id, 'staff.disabled', options);
}

/**
 * Enable a disabled account again (same password).
 * @throws {GuardError} `staff_account_not_found`.
 */
export function enableStaffAccount(
  store: CashCodeStore,
  id: string,
  options: { by?: string; now?: Date } = {},
): Promise<StaffAccount> {
  return change(store, id, 'staff.enabled', options);
}
