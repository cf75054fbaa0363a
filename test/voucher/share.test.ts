import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';
import { shareKeys } from '../../src/voucher/_internal/share-record.js';
import { createVoucherShareLink, openVoucherShareLink, SHARE_PASSCODE_ITERATIONS } from '../../src/voucher/share.js';

const T0 = new Date('2026-11-29T15:00:00Z');
const HOUR = 60 * 60 * 1000;
const CODE = {
  id: 'code_1',
  cip: '2748391',
  orderId: 'ORDER-123',
  amountMinor: 14990,
  currency: 'PEN' as const,
  expiresAt: new Date('2026-12-01T04:59:00Z'),
  status: 'pending' as const,
};
// Fewer iterations than the default keep the suite fast; the default itself is covered below.
const FAST = 100_000;

function setup(): { store: CashCodeStore; clock: { now: number } } {
  const clock = { now: T0.getTime() };
  return { store: memoryStore({ now: () => clock.now }), clock };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (isPagoEfectivoKitError(error))
      return { code: error.code, ...(error.details ? { details: error.details } : {}) };
    throw error;
  }
  return { code: 'resolved' };
}

function wrong(passcode: string): string {
  return passcode.replace(/^./, (digit) => String((Number(digit) + 1) % 10));
}

describe('voucher share links', () => {
  it('opens with the right passcode and stores neither the passcode nor the token', async () => {
    const { store } = setup();
    const keys: string[] = [];
    const values: string[] = [];
    const spy: CashCodeStore = {
      ...store,
      putValue: async (key, value, ttl) => {
        keys.push(key);
        values.push(value);
        return store.putValue(key, value, ttl);
      },
    };
    const link = await createVoucherShareLink(CODE, { store: spy, ttlMs: 48 * HOUR, now: T0, iterations: FAST });
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(link.passcode).toMatch(/^\d{8}$/);
    expect(link.expiresAt).toEqual(new Date(T0.getTime() + 48 * HOUR));
    expect(keys.join()).not.toContain(link.token);
    expect(values.join()).not.toContain(link.passcode);
    expect(JSON.parse(values[0] as string)).toMatchObject({ iterations: FAST, codeId: 'code_1' });
    const opened = await openVoucherShareLink(link.token, link.passcode, { store, now: T0 });
    expect(opened).toEqual({
      codeId: 'code_1',
      cip: '2748391',
      orderId: 'ORDER-123',
      amountMinor: 14990,
      currency: 'PEN',
      codeExpiresAt: CODE.expiresAt,
      linkExpiresAt: link.expiresAt,
    });
  });

  it('uses 600 000 PBKDF2 iterations by default and honours passcodeDigits', async () => {
    const { store } = setup();
    const link = await createVoucherShareLink(CODE, { store, ttlMs: HOUR, now: T0, passcodeDigits: 6 });
    expect(link.passcode).toMatch(/^\d{6}$/);
    expect(SHARE_PASSCODE_ITERATIONS).toBe(600_000);
    await expect(openVoucherShareLink(link.token, link.passcode, { store, now: T0 })).resolves.toMatchObject({
      cip: '2748391',
    });
  });

  it('counts wrong passcodes, then locks, even for the right passcode', async () => {
    const { store } = setup();
    const link = await createVoucherShareLink(CODE, { store, ttlMs: HOUR, now: T0, iterations: FAST });
    const left: unknown[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = await failure(openVoucherShareLink(link.token, wrong(link.passcode), { store, now: T0 }));
      expect(result.code).toBe('passcode_wrong');
      left.push(result.details?.attemptsLeft);
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
    expect((await failure(openVoucherShareLink(link.token, wrong(link.passcode), { store, now: T0 }))).code).toBe(
      'share_link_locked',
    );
    expect((await failure(openVoucherShareLink(link.token, link.passcode, { store, now: T0 }))).code).toBe(
      'share_link_locked',
    );
  });

  it('never counts more than maxAttempts among 20 concurrent wrong guesses', async () => {
    const { store } = setup();
    const link = await createVoucherShareLink(CODE, { store, ttlMs: HOUR, now: T0, iterations: FAST });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        failure(openVoucherShareLink(link.token, wrong(link.passcode), { store, now: T0 })),
      ),
    );
    const codes = results.map((result) => result.code);
    expect(codes.filter((code) => code === 'passcode_wrong')).toHaveLength(5);
    expect(codes.filter((code) => code === 'share_link_locked')).toHaveLength(15);
    expect((await failure(openVoucherShareLink(link.token, link.passcode, { store, now: T0 }))).code).toBe(
      'share_link_locked',
    );
  });

  it('resets the counter after a successful open', async () => {
    const { store } = setup();
    const link = await createVoucherShareLink(CODE, { store, ttlMs: HOUR, now: T0, iterations: FAST });
    await failure(openVoucherShareLink(link.token, wrong(link.passcode), { store, now: T0 }));
    await openVoucherShareLink(link.token, link.passcode, { store, now: T0 });
    const next = await failure(openVoucherShareLink(link.token, wrong(link.passcode), { store, now: T0 }));
    expect(next).toEqual({ code: 'passcode_wrong', details: { attemptsLeft: 4 } });
  });

  it('says expired after the TTL, and invalid once the record is gone', async () => {
    const { store, clock } = setup();
    const link = await createVoucherShareLink(CODE, { store, ttlMs: HOUR, now: T0, iterations: FAST });
    const later = new Date(T0.getTime() + HOUR);
    expect((await failure(openVoucherShareLink(link.token, link.passcode, { store, now: later }))).code).toBe(
      'share_link_expired',
    );
    clock.now = T0.getTime() + HOUR + 25 * HOUR;
    const muchLater = new Date(clock.now);
    expect((await failure(openVoucherShareLink(link.token, link.passcode, { store, now: muchLater }))).code).toBe(
      'share_link_invalid',
    );
  });

  it('refuses unknown and malformed tokens, and unpayable codes', async () => {
    const { store } = setup();
    for (const token of ['AAAAAAAAAAAAAAAAAAAAAA', 'short', '../../etc/passwd', 42 as unknown as string]) {
      expect((await failure(openVoucherShareLink(token, '12345678', { store }))).code).toBe('share_link_invalid');
    }
    // A corrupted or foreign value under a link's key reads as an invalid link, not a crash.
    const corrupted = 'BBBBBBBBBBBBBBBBBBBBBB';
    await store.putValue((await shareKeys(corrupted)).record, '{"v":1,"codeId":3}', HOUR);
    expect((await failure(openVoucherShareLink(corrupted, '12345678', { store }))).code).toBe('share_link_invalid');
    expect((await failure(createVoucherShareLink({ ...CODE, cip: null }, { store, ttlMs: HOUR }))).code).toBe(
      'voucher_not_payable',
    );
    expect((await failure(createVoucherShareLink({ ...CODE, status: 'paid' }, { store, ttlMs: HOUR }))).code).toBe(
      'voucher_not_payable',
    );
    expect((await failure(createVoucherShareLink(CODE, { store, ttlMs: 5 }))).code).toBe('config_invalid');
    expect((await failure(createVoucherShareLink(CODE, { store, ttlMs: HOUR, passcodeDigits: 4 }))).code).toBe(
      'config_invalid',
    );
  });
});
