/**
 * The crypto seam: node:crypto (`hmac.node.ts`, the Node build) and WebCrypto (`hmac.ts`, every other
 * runtime) pinned by the same golden vectors and negative cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS, SECRET, sign, VECTOR_BODY, VECTOR_SIGNATURE } from './_helpers.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe.each(IMPLEMENTATIONS)('HMAC seam ($name)', ({ hmac }) => {
  it('hashes the SHA-256 golden vectors', async () => {
    expect(await hmac.sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await hmac.sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await hmac.sha256Hex(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('computes HMAC-SHA256 per RFC 4231 (case 2) and the protocol §5 vector', async () => {
    expect(await hmac.hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(await hmac.hmacSha256Hex(SECRET, VECTOR_BODY)).toBe(VECTOR_SIGNATURE);
    expect(await hmac.hmacSha256Hex(SECRET, utf8(VECTOR_BODY))).toBe(VECTOR_SIGNATURE);
  });

  it('keys with the UTF-8 bytes of the secret and signs non-ASCII text as UTF-8', async () => {
    const body = '{"payer":"José Ñúñez — 支払い"}';
    expect(await hmac.hmacSha256Hex('clave-ñ', body)).toBe(sign(body, 'clave-ñ'));
    expect(await hmac.hmacSha256Hex('clave-ñ', utf8(body))).toBe(sign(body, 'clave-ñ'));
  });

  it('verifies in any hex case and reports which secret matched', async () => {
    expect(await hmac.hmacSha256Verify([SECRET], VECTOR_BODY, VECTOR_SIGNATURE)).toBe(0);
    expect(await hmac.hmacSha256Verify([SECRET], VECTOR_BODY, VECTOR_SIGNATURE.toUpperCase())).toBe(0);
    expect(await hmac.hmacSha256Verify(['old-secret', SECRET], VECTOR_BODY, VECTOR_SIGNATURE)).toBe(1);
    expect(await hmac.hmacSha256Verify([SECRET, SECRET], utf8(VECTOR_BODY), VECTOR_SIGNATURE)).toBe(0);
  });

  it('returns -1 for a wrong secret, a changed body, no secrets or a malformed signature', async () => {
    expect(await hmac.hmacSha256Verify(['other'], VECTOR_BODY, VECTOR_SIGNATURE)).toBe(-1);
    expect(await hmac.hmacSha256Verify([SECRET], `${VECTOR_BODY} `, VECTOR_SIGNATURE)).toBe(-1);
    expect(await hmac.hmacSha256Verify([], VECTOR_BODY, VECTOR_SIGNATURE)).toBe(-1);
    for (const bad of ['', VECTOR_SIGNATURE.slice(1), `${VECTOR_SIGNATURE}0`, `g${VECTOR_SIGNATURE.slice(1)}`]) {
      expect(await hmac.hmacSha256Verify([SECRET], VECTOR_BODY, bad)).toBe(-1);
    }
  });

  it('gives the same answers synchronously where the seam has a sync verify (node:crypto only)', () => {
    const verifySync = hmac.hmacSha256VerifySync;
    if (verifySync === null) return; // WebCrypto: async only, by design
    expect(verifySync([SECRET], VECTOR_BODY, VECTOR_SIGNATURE)).toBe(0);
    expect(verifySync([SECRET], utf8(VECTOR_BODY), VECTOR_SIGNATURE.toUpperCase())).toBe(0);
    expect(verifySync(['old-secret', SECRET], VECTOR_BODY, VECTOR_SIGNATURE)).toBe(1);
    expect(verifySync(['other'], VECTOR_BODY, VECTOR_SIGNATURE)).toBe(-1);
    expect(verifySync([], VECTOR_BODY, VECTOR_SIGNATURE)).toBe(-1);
    // A malformed signature after a valid one: the reused decode buffer must not leak the earlier bytes.
    for (const bad of ['', `${VECTOR_SIGNATURE.slice(0, 62)}g0`, `g${VECTOR_SIGNATURE.slice(1)}`, 42 as never]) {
      expect(verifySync([SECRET], VECTOR_BODY, VECTOR_SIGNATURE)).toBe(0);
      expect(verifySync([SECRET], VECTOR_BODY, bad)).toBe(-1);
    }
  });

  it('decodes exactly 64 hex characters and refuses anything else', () => {
    const bytes = hmac.hexToBytes(`00ff${'Ab'.repeat(30)}`);
    expect(bytes && Array.from(bytes.slice(0, 3))).toEqual([0x00, 0xff, 0xab]);
    expect(bytes?.length).toBe(32);
    for (const bad of ['', 'ab', `0x${'0'.repeat(62)}`, `${'0'.repeat(63)}g`, ` ${'0'.repeat(63)}`, '0'.repeat(66)]) {
      expect(hmac.hexToBytes(bad)).toBeNull();
    }
  });

  it('agrees with an independent HMAC on random inputs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.uint8Array({ maxLength: 512 }), async (secret, body) => {
        const expected = sign(body, secret);
        expect(await hmac.hmacSha256Hex(secret, body)).toBe(expected);
        expect(await hmac.hmacSha256Verify([secret], body, expected)).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('verifies exactly like createHmac for any text, secret and size, in any order of calls', async () => {
    // The node:crypto seam hashes from reused buffers over precomputed pads and falls back to
    // createHmac for large bodies: mixing sizes, secrets (short, blank-free, longer than the 64-byte
    // block) and lone surrogates must never change an answer or let a previous body leak into the next.
    const secrets = fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ minLength: 65, maxLength: 200 }));
    const bodies = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom('\uD800', 'x\uDFFF{"a":1}', '\uDBFF\uDFFF\uD800'), // lone surrogates: U+FFFD
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 20_000, max: 40_000 }).map((size) => 'é—'.repeat(size)), // > 64 KiB worst case
      fc.integer({ min: 65_000, max: 70_000 }).map((size) => new Uint8Array(size).fill(7)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(secrets, bodies), { minLength: 1, maxLength: 6 }), async (calls) => {
        for (const [secret, body] of calls) {
          const expected = sign(body, secret);
          expect(await hmac.hmacSha256Verify(['wrong-secret', secret], body, expected)).toBe(1);
          expect(await hmac.hmacSha256Verify([secret], body, expected.toUpperCase())).toBe(0);
          const flipped = `${expected.slice(0, 63)}${expected[63] === '0' ? '1' : '0'}`;
          expect(await hmac.hmacSha256Verify([secret], body, flipped)).toBe(-1);
          if (hmac.hmacSha256VerifySync !== null) expect(hmac.hmacSha256VerifySync([secret], body, expected)).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });
});
