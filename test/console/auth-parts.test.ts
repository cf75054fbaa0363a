/**
 * The console's auth building blocks, each on its own: password hashing, staff accounts (concurrent
 * changes never lose an account), sessions (forged, expired, revoked), lockout, CSRF and roles.
 */
import { describe, expect, it } from 'vitest';
import { csrfTokenValid, originAllowed } from '../../src/console/csrf.js';
import { clearLoginFailures, countLoginAttempt } from '../../src/console/lockout.js';
import { hashStaffPassword, verifyStaffPassword } from '../../src/console/passwords.js';
import { CONSOLE_PERMISSIONS, canPerform } from '../../src/console/roles.js';
import { openSession, readSession, revokeSession } from '../../src/console/sessions.js';
import {
  addStaffAccount,
  disableStaffAccount,
  enableStaffAccount,
  findStaffRecord,
  listStaffAccounts,
} from '../../src/console/staff.js';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { memoryStore } from '../../src/storage/memory.js';

const FAST = 100_000;
const PASSWORD = 'correct horse battery';

describe('staff passwords', () => {
  it('hashes with a random salt and verifies only the right password', async () => {
    const one = await hashStaffPassword(PASSWORD, FAST);
    const two = await hashStaffPassword(PASSWORD, FAST);
    expect(one).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(one).not.toBe(two);
    expect(await verifyStaffPassword(PASSWORD, one)).toBe(true);
    expect(await verifyStaffPassword(`${PASSWORD} `, one)).toBe(false);
    expect(await verifyStaffPassword('', one)).toBe(false);
  });

  it('normalises with NFKC, so composed and decomposed accents are the same password', async () => {
    const hash = await hashStaffPassword('contraseña-segura', FAST);
    expect(await verifyStaffPassword('contrasen\u0303a-segura', hash)).toBe(true);
  });

  it('never matches a damaged hash and refuses weak iteration counts', async () => {
    const hash = await hashStaffPassword(PASSWORD, FAST);
    expect(await verifyStaffPassword(PASSWORD, hash.replace('100000', '1000'))).toBe(false);
    expect(await verifyStaffPassword(PASSWORD, `${hash}$x`)).toBe(false);
    expect(await verifyStaffPassword(PASSWORD, 'plain')).toBe(false);
    await expect(hashStaffPassword(PASSWORD, 1000)).rejects.toThrow(RangeError);
  });
});

describe('staff accounts in the store', () => {
  it('adds, lists, disables and enables accounts without exposing hashes', async () => {
    const store = memoryStore();
    const added = await addStaffAccount(store, {
      id: 'Ana@Shop.pe',
      role: 'operator',
      password: PASSWORD,
      iterations: FAST,
    });
    expect(added).toMatchObject({ id: 'ana@shop.pe', role: 'operator', disabled: false });
    expect(added).not.toHaveProperty('passwordHash');
    await addStaffAccount(store, { id: 'beto', role: 'viewer', password: PASSWORD, iterations: FAST });
    expect((await listStaffAccounts(store)).map((account) => account.id)).toEqual(['ana@shop.pe', 'beto']);
    expect((await disableStaffAccount(store, 'BETO')).disabled).toBe(true);
    expect((await findStaffRecord(store, 'beto'))?.disabled).toBe(true);
    expect((await enableStaffAccount(store, 'beto')).disabled).toBe(false);
    expect(JSON.stringify(await listStaffAccounts(store))).not.toContain('pbkdf2');
  });

  it('refuses a second account with the same id, even when both adds race', async () => {
    const store = memoryStore();
    const attempts = await Promise.allSettled(
      ['one password!!', 'two password!!', 'six password!!'].map((password) =>
        addStaffAccount(store, { id: 'carla', role: 'viewer', password, iterations: FAST }),
      ),
    );
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const attempt of attempts.filter((item) => item.status === 'rejected')) {
      expect(isPagoEfectivoKitError((attempt as PromiseRejectedResult).reason, 'staff_account_exists')).toBe(true);
    }
    // The winner's password is the one stored: the other attempts' entries are ignored by the fold.
    const record = await findStaffRecord(store, 'carla');
    const passwords = await Promise.all(
      ['one password!!', 'two password!!', 'six password!!'].map((password) =>
        verifyStaffPassword(password, record?.passwordHash ?? ''),
      ),
    );
    expect(passwords.filter(Boolean)).toHaveLength(1);
  });

  it('keeps every account when many different accounts are added at once', async () => {
    const store = memoryStore();
    const ids = Array.from({ length: 8 }, (_, index) => `staff-${index}`);
    await Promise.all(
      ids.map((id) => addStaffAccount(store, { id, role: 'viewer', password: PASSWORD, iterations: FAST })),
    );
    expect((await listStaffAccounts(store)).map((account) => account.id)).toEqual(ids);
  });

  it('answers typed errors for bad input and unknown ids', async () => {
    const store = memoryStore();
    const bad = await addStaffAccount(store, { id: 'no spaces', role: 'admin' as 'viewer', password: 'short' }).catch(
      (error: unknown) => error,
    );
    expect(isPagoEfectivoKitError(bad, 'staff_account_invalid')).toBe(true);
    expect((bad as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual([
      'id',
      'role',
      'password',
    ]);
    const missing = await disableStaffAccount(store, 'nobody').catch((error: unknown) => error);
    expect(isPagoEfectivoKitError(missing, 'staff_account_not_found')).toBe(true);
  });
});

describe('staff sessions', () => {
  const now = new Date('2026-12-02T15:00:00Z');

  it('reads back an opened session and nothing else', async () => {
    const store = memoryStore();
    const { cookieValue, session } = await openSession(store, 'ana', { ttlMs: 3600_000, now, generation: 0 });
    expect(await readSession(store, cookieValue, now)).toMatchObject({
      id: session.id,
      staffId: 'ana',
      csrf: session.csrf,
    });
    const [id, secret] = cookieValue.split('.') as [string, string];
    const flipped = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(await readSession(store, flipped, now)).toBeNull();
    expect(await readSession(store, `${'x'.repeat(22)}.${secret}`, now)).toBeNull();
    expect(await readSession(store, 'garbage', now)).toBeNull();
    expect(await readSession(store, `${cookieValue}.extra`, now)).toBeNull();
  });

  it('stores only a hash of the secret', async () => {
    const store = memoryStore();
    const { cookieValue, session } = await openSession(store, 'ana', { ttlMs: 3600_000, now, generation: 0 });
    const stored = (await store.getValue(`kit:console:session:${session.id}`)) as string;
    expect(stored).not.toContain(cookieValue.split('.')[1]);
  });

  it('remembers the revocation count it was opened under, and reads a record written before it had one', async () => {
    const store = memoryStore();
    const { cookieValue, session } = await openSession(store, 'ana', { ttlMs: 3600_000, now, generation: 4 });
    expect((await readSession(store, cookieValue, now))?.generation).toBe(4);
    const key = `kit:console:session:${session.id}`;
    const record = JSON.parse((await store.getValue(key)) as string) as Record<string, unknown>;
    const { generation: _generation, ...legacy } = record;
    await store.putValue(key, JSON.stringify(legacy), 3600_000);
    expect((await readSession(store, cookieValue, now))?.generation).toBeNull();
    for (const bad of [-1, 1.5, '4', null]) {
      await store.putValue(key, JSON.stringify({ ...record, generation: bad }), 3600_000);
      expect(await readSession(store, cookieValue, now)).toBeNull();
    }
  });

  it('refuses an expired or revoked session', async () => {
    const store = memoryStore();
    const { cookieValue, session } = await openSession(store, 'ana', { ttlMs: 3600_000, now, generation: 0 });
    expect(await readSession(store, cookieValue, new Date(now.getTime() + 3600_000))).toBeNull();
    await revokeSession(store, session.id);
    expect(await readSession(store, cookieValue, now)).toBeNull();
  });
});

describe('login lockout', () => {
  const policy = { perAccount: 3, perIp: 5, windowMs: 60_000 };

  it('allows an account its limit of attempts, for every IP together, then refuses', async () => {
    const store = memoryStore();
    expect(await countLoginAttempt(store, 'ana', '10.0.0.1', policy)).toEqual({ allowed: true, exhausted: false });
    expect(await countLoginAttempt(store, 'ana', '10.0.0.2', policy)).toEqual({ allowed: true, exhausted: false });
    expect(await countLoginAttempt(store, 'ana', '10.0.0.3', policy)).toEqual({ allowed: true, exhausted: true });
    expect(await countLoginAttempt(store, 'ana', '10.0.0.9', policy)).toEqual({ allowed: false, exhausted: false });
    expect((await countLoginAttempt(store, 'beto', '10.0.0.9', policy)).allowed).toBe(true);
  });

  it('never allows more than the limit when attempts race', async () => {
    const store = memoryStore();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) => countLoginAttempt(store, 'ana', `10.0.1.${index}`, policy)),
    );
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(3);
  });

  it('limits an IP that guesses across accounts, and a success clears only the account count', async () => {
    const store = memoryStore();
    for (const id of ['a', 'b', 'c', 'd']) await countLoginAttempt(store, id, '10.9.9.9', policy);
    await clearLoginFailures(store, 'a');
    expect(await countLoginAttempt(store, 'e', '10.9.9.9', policy)).toEqual({ allowed: true, exhausted: true });
    expect((await countLoginAttempt(store, 'z', '10.9.9.9', policy)).allowed).toBe(false);
    expect((await countLoginAttempt(store, 'z', '10.9.9.8', policy)).allowed).toBe(true);
  });
});

describe('CSRF checks', () => {
  const post = (headers: Record<string, string>): Request =>
    new Request('http://localhost/support/codes/x/cancel', { method: 'POST', headers });

  it('accepts only the console’s own origin (by Host) or a configured one', () => {
    expect(originAllowed(post({ origin: 'http://127.0.0.1:4400', host: '127.0.0.1:4400' }), [])).toBe(true);
    expect(originAllowed(post({ origin: 'http://evil.example', host: '127.0.0.1:4400' }), [])).toBe(false);
    expect(originAllowed(post({ host: '127.0.0.1:4400' }), [])).toBe(false);
    expect(originAllowed(post({ origin: 'null', host: '127.0.0.1:4400' }), [])).toBe(false);
    expect(
      originAllowed(post({ origin: 'https://support.shop.pe', host: 'app:8080' }), ['https://support.shop.pe']),
    ).toBe(true);
  });

  it('compares tokens exactly', () => {
    expect(csrfTokenValid('abc', 'abc')).toBe(true);
    expect(csrfTokenValid('abd', 'abc')).toBe(false);
    expect(csrfTokenValid('', '')).toBe(false);
    expect(csrfTokenValid(null, 'abc')).toBe(false);
  });
});

describe('roles', () => {
  it('lets viewers look up and verify, and keeps changes and the audit log for operators', () => {
    for (const action of ['code.lookup', 'code.live_status', 'code.bundle', 'voucher.verify', 'review.read'] as const) {
      expect(canPerform('viewer', action)).toBe(true);
    }
    for (const action of ['code.cancel', 'review.resolve', 'share.resend', 'audit.read'] as const) {
      expect(canPerform('viewer', action)).toBe(false);
      expect(canPerform('operator', action)).toBe(true);
    }
    for (const action of Object.keys(CONSOLE_PERMISSIONS) as (keyof typeof CONSOLE_PERMISSIONS)[]) {
      expect(canPerform('admin', action)).toBe(false);
    }
  });
});
