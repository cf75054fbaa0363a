import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { decodeBase64url, encodeBase64url } from '../../src/voucher/_internal/base64url.js';
import {
  createVoucherToken,
  decodeVoucherTokenUnverified,
  generateVoucherKeys,
  verifyVoucherToken,
  voucherPublicKey,
} from '../../src/voucher/token.js';

// Golden vector: seed 00 01 02 … 1f, fixed claims. Changing the encoding or signing context breaks it.
const SEED = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const PUBLIC = 'A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg';
const CODE = {
  cip: '2748391',
  orderId: 'ORDER-123',
  amountMinor: 14990,
  currency: 'PEN' as const,
  expiresAt: new Date('2026-12-01T04:59:00Z'),
};
const ISSUED = new Date('2026-11-29T15:00:00Z');
const GOLDEN =
  'AQhrMjAyNi0xMQcyNzQ4MzkxCU9SREVSLTEyM451AWsOVBRrDD3wK0qQL9h9WNyyDIUE2havsUPtmaEaSlE8Uk4J1U0_AZC14fG-aecVYx36mwI7iE1hjbsPOhd4uhwTmv6vNyx-Dg';
const GOLDEN_PAYLOAD_HEX = '01086b323032362d31310732373438333931094f524445522d3132338e75016b0e54146b0c3df0';

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isPagoEfectivoKitError(error)) return error.code;
    throw error;
  }
  return 'resolved';
}

describe('voucher token format', () => {
  it('matches the golden vector byte for byte', async () => {
    expect(voucherPublicKey(SEED)).toBe(PUBLIC);
    const token = await createVoucherToken(CODE, SEED, { kid: 'k2026-11', issuedAt: ISSUED });
    expect(token).toBe(GOLDEN);
    const bytes = decodeBase64url(token) as Uint8Array;
    expect(Buffer.from(bytes.subarray(0, bytes.length - 64)).toString('hex')).toBe(GOLDEN_PAYLOAD_HEX);
    expect(token.length).toBeLessThanOrEqual(150);
  });

  it('verifies the golden token and reports its claims', async () => {
    const result = await verifyVoucherToken(GOLDEN, { 'k2026-11': PUBLIC }, { now: ISSUED });
    expect(result).toEqual({
      valid: true,
      expired: false,
      claims: { v: 1, kid: 'k2026-11', ...CODE, issuedAt: ISSUED },
    });
  });

  it('still verifies an expired voucher, flagged expired', async () => {
    const after = new Date(CODE.expiresAt.getTime() + 1000);
    const result = await verifyVoucherToken(GOLDEN, [{ kid: 'k2026-11', publicKey: PUBLIC }], { now: after });
    expect(result.expired).toBe(true);
    expect(result.claims.cip).toBe('2748391');
  });

  it('rejects every single-byte change', async () => {
    const bytes = decodeBase64url(GOLDEN) as Uint8Array;
    const codes = new Set<string>();
    for (let index = 0; index < bytes.length; index++) {
      const copy = bytes.slice();
      copy[index] = (copy[index] as number) ^ 0x01;
      const code = await rejection(
        verifyVoucherToken(encodeBase64url(copy), { 'k2026-11': PUBLIC, 'j2026-11': PUBLIC }),
      );
      expect([
        'token_signature_invalid',
        'token_malformed',
        'token_unknown_key',
        'token_unsupported_version',
      ]).toContain(code);
      codes.add(code);
    }
    expect(codes).toContain('token_signature_invalid');
    expect(codes).toContain('token_unsupported_version');
  });

  it('rejects every single-character change of the text form', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let index = 0; index < GOLDEN.length; index++) {
      const current = GOLDEN[index] as string;
      const replacement = alphabet[(alphabet.indexOf(current) + 1) % 64] as string;
      const changed = GOLDEN.slice(0, index) + replacement + GOLDEN.slice(index + 1);
      expect(await rejection(verifyVoucherToken(changed, PUBLIC))).not.toBe('resolved');
    }
  });

  it('rejects malformed tokens and truncations', async () => {
    for (const bad of ['', 'not a token', `${GOLDEN}=`, GOLDEN.slice(0, -1), GOLDEN.slice(0, 80), 'A'.repeat(600)]) {
      expect(await rejection(verifyVoucherToken(bad, PUBLIC))).toBe('token_malformed');
    }
    // Extra bytes shift the signature into the payload, whose layout then has trailing bytes.
    expect(await rejection(verifyVoucherToken(`${GOLDEN}AAAA`, PUBLIC))).toBe('token_malformed');
  });
});

describe('keys and rotation', () => {
  it('generates base64url keys of 32 bytes and a kid', () => {
    const keys = generateVoucherKeys();
    expect(keys.kid).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(decodeBase64url(keys.publicKey)?.length).toBe(32);
    expect(decodeBase64url(keys.secretKey)?.length).toBe(32);
    expect(voucherPublicKey(keys.secretKey)).toBe(keys.publicKey);
    expect(generateVoucherKeys({ kid: '2026-11' }).kid).toBe('2026-11');
    expect(() => generateVoucherKeys({ kid: 'has space' })).toThrow(expect.objectContaining({ code: 'key_invalid' }));
  });

  it('picks the key by kid among several, and refuses unknown kids', async () => {
    const [old, current, next] = [generateVoucherKeys(), generateVoucherKeys(), generateVoucherKeys()];
    const trusted = { [old.kid]: old.publicKey, [current.kid]: current.publicKey };
    const fromOld = await createVoucherToken(CODE, old.secretKey, { kid: old.kid });
    const fromCurrent = await createVoucherToken(CODE, current.secretKey, { kid: current.kid });
    expect((await verifyVoucherToken(fromOld, trusted)).claims.kid).toBe(old.kid);
    expect((await verifyVoucherToken(fromCurrent, trusted)).claims.kid).toBe(current.kid);
    const fromNext = await createVoucherToken(CODE, next.secretKey, { kid: next.kid });
    expect(await rejection(verifyVoucherToken(fromNext, trusted))).toBe('token_unknown_key');
    // A token that claims a trusted kid but was signed by another key.
    const forged = await createVoucherToken(CODE, next.secretKey, { kid: current.kid });
    expect(await rejection(verifyVoucherToken(forged, trusted))).toBe('token_signature_invalid');
    expect(await rejection(verifyVoucherToken(fromOld, { toString: old.publicKey }))).toBe('token_unknown_key');
  });

  it('refuses malformed keys with key_invalid and never echoes them', async () => {
    const error = await createVoucherToken(CODE, 'short-secret', { kid: 'k1' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'key_invalid' });
    expect(JSON.stringify(error)).not.toContain('short-secret');
    expect(await rejection(verifyVoucherToken(GOLDEN, { 'k2026-11': 'nope' }))).toBe('key_invalid');
    expect(await rejection(createVoucherToken(CODE, SEED, { kid: 'bad kid' }))).toBe('key_invalid');
  });

  it('refuses codes the format cannot carry', async () => {
    expect(await rejection(createVoucherToken({ ...CODE, cip: null }, SEED, { kid: 'k' }))).toBe('voucher_not_payable');
    expect(await rejection(createVoucherToken({ ...CODE, cip: '27-48' }, SEED, { kid: 'k' }))).toBe(
      'validation_failed',
    );
    expect(await rejection(createVoucherToken({ ...CODE, orderId: 'x'.repeat(65) }, SEED, { kid: 'k' }))).toBe(
      'validation_failed',
    );
    expect(await rejection(createVoucherToken({ ...CODE, orderId: 'a\uD800' }, SEED, { kid: 'k' }))).toBe(
      'validation_failed',
    );
    expect(await rejection(createVoucherToken({ ...CODE, amountMinor: 1.5 }, SEED, { kid: 'k' }))).toBe(
      'amount_invalid',
    );
    expect(await rejection(createVoucherToken({ ...CODE, currency: 'EUR' as 'PEN' }, SEED, { kid: 'k' }))).toBe(
      'currency_unsupported',
    );
    expect(await rejection(createVoucherToken({ ...CODE, expiresAt: new Date(Number.NaN) }, SEED, { kid: 'k' }))).toBe(
      'date_invalid',
    );
  });

  it('reads claims without verifying only through the explicitly named helper', () => {
    expect(decodeVoucherTokenUnverified(GOLDEN).orderId).toBe('ORDER-123');
  });
});

describe('round trip', () => {
  it('verifies any valid claims back to themselves (fast-check)', async () => {
    const keys = generateVoucherKeys({ kid: 'prop' });
    const seconds = fc.integer({ min: 0, max: 0xffffffff }).map((value) => new Date(value * 1000));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          cip: fc.stringMatching(/^\d{1,20}$/),
          // Sixteen graphemes can exceed the 64-byte limit (one grapheme may be several code points):
          // the property covers every order id the format accepts, the limit has its own test.
          orderId: fc
            .string({ unit: 'grapheme', minLength: 1, maxLength: 16 })
            .filter((value) => new TextEncoder().encode(value).length <= 64),
          amountMinor: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          currency: fc.constantFrom('PEN' as const, 'USD' as const),
          expiresAt: seconds,
        }),
        seconds,
        async (code, issuedAt) => {
          const token = await createVoucherToken(code, keys.secretKey, { kid: keys.kid, issuedAt });
          const { claims } = await verifyVoucherToken(token, keys.publicKey);
          expect(claims).toEqual({ v: 1, kid: 'prop', ...code, issuedAt });
        },
      ),
      { numRuns: 60 },
    );
  });
});
