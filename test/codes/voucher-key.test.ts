import { describe, expect, it } from 'vitest';
import { createCashCodes } from '../../src/codes/index.js';
import { memoryStore } from '../../src/storage/memory.js';
import { generateVoucherKeys, verifyVoucherToken } from '../../src/voucher/token.js';
import { createHarness, order } from './_harness.js';

describe('createCashCodes voucherKey (DESIGN §3)', () => {
  it('signs every issued code into a voucher token that verifies with the public key', async () => {
    const keys = generateVoucherKeys({ kid: 'k2026' });
    const h = createHarness({ voucherKey: keys });
    const first = await h.codes.issue(order('ORD-V1'));
    expect(first.created).toBe(true);
    const verified = await verifyVoucherToken(first.voucherToken!, keys.publicKey, { now: h.now() });
    expect(verified.claims).toMatchObject({
      kid: 'k2026',
      cip: first.code.cip,
      orderId: 'ORD-V1',
      amountMinor: 15050,
      currency: 'PEN',
    });
    expect(verified.claims.expiresAt.getTime()).toBe(Math.floor(first.code.expiresAt.getTime() / 1000) * 1000);
    expect(verified.expired).toBe(false);
    // The returned (reused) code is signed as well.
    const again = await h.codes.issue(order('ORD-V1'));
    expect(again.created).toBe(false);
    await expect(verifyVoucherToken(again.voucherToken!, keys.publicKey)).resolves.toMatchObject({ valid: true });
  });

  it('adds no voucherToken without a voucherKey', async () => {
    const h = createHarness();
    const result = await h.codes.issue(order('ORD-V2'));
    expect(result).not.toHaveProperty('voucherToken');
  });

  it('refuses an order id a token cannot carry before any store write or API call', async () => {
    const h = createHarness({ voucherKey: generateVoucherKeys() });
    await expect(h.codes.issue(order('O'.repeat(65)))).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'orderId' }],
    });
    expect(h.fake.stats().createCip).toBe(0);
    expect(h.store.stats().codes).toBe(0);
  });

  it('rejects a malformed voucherKey at construction without echoing the secret', () => {
    const client = { createCip: async () => ({}), searchCips: async () => [], deleteCip: async () => {} };
    const make = (voucherKey: unknown) =>
      // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed input
      createCashCodes({ client: client as any, store: memoryStore(), voucherKey: voucherKey as any });
    const secret = 'not-a-seed-but-a-secret-value';
    expect(() => make({ kid: 'k1', secretKey: secret })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    try {
      make({ kid: 'k1', secretKey: secret });
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain(secret);
      expect((error as Error).message).not.toContain(secret);
    }
    expect(() => make({ kid: 'bad kid!', secretKey: generateVoucherKeys().secretKey })).toThrow(/voucherKey\.kid/);
    expect(() => make({ ...generateVoucherKeys(), kid: 'ok' })).not.toThrow();
  });
});
