import { describe, expect, it } from 'vitest';
import * as portable from '../../src/_crypto/ed25519.js';
import * as node from '../../src/_crypto/ed25519.node.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// RFC 8032 §7.1, tests 1 and 2.
const VECTORS = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

describe.each([
  ['tweetnacl (portable)', portable],
  ['node:crypto', node],
])('ed25519 seam: %s', (_name, impl) => {
  it.each(VECTORS)('derives, signs and verifies RFC 8032 vector $publicKey', async (vector) => {
    expect(toHex(impl.ed25519PublicKey(hex(vector.seed)))).toBe(vector.publicKey);
    const signature = await impl.ed25519Sign(hex(vector.seed), hex(vector.message));
    expect(toHex(signature)).toBe(vector.signature);
    expect(await impl.ed25519Verify(hex(vector.publicKey), hex(vector.message), signature)).toBe(true);
  });

  it('returns false (never throws) for bad signatures and keys', async () => {
    const [vector] = VECTORS;
    if (!vector) throw new Error('no vector');
    const signature = hex(vector.signature);
    const flipped = signature.slice();
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(await impl.ed25519Verify(hex(vector.publicKey), hex(vector.message), flipped)).toBe(false);
    expect(await impl.ed25519Verify(hex(vector.publicKey), Uint8Array.of(1), signature)).toBe(false);
    expect(await impl.ed25519Verify(new Uint8Array(31), hex(vector.message), signature)).toBe(false);
    expect(await impl.ed25519Verify(new Uint8Array(32).fill(0xff), hex(vector.message), signature)).toBe(false);
    expect(await impl.ed25519Verify(hex(vector.publicKey), hex(vector.message), signature.subarray(1))).toBe(false);
  });

  it('refuses seeds that are not 32 bytes', async () => {
    expect(() => impl.ed25519PublicKey(new Uint8Array(31))).toThrow(RangeError);
    await expect(impl.ed25519Sign(new Uint8Array(33), Uint8Array.of(1))).rejects.toThrow(RangeError);
  });

  it('gives fresh random bytes', () => {
    expect(impl.randomBytes(16)).toHaveLength(16);
    expect(toHex(impl.randomBytes(16))).not.toBe(toHex(impl.randomBytes(16)));
  });
});

describe('ed25519 seam: cross-implementation', () => {
  it('produces identical signatures and verifies each other', async () => {
    for (let round = 0; round < 20; round++) {
      const seed = portable.randomBytes(32);
      const message = portable.randomBytes(round * 7);
      const fromNacl = await portable.ed25519Sign(seed, message);
      const fromNode = await node.ed25519Sign(seed, message);
      expect(toHex(fromNode)).toBe(toHex(fromNacl));
      expect(toHex(node.ed25519PublicKey(seed))).toBe(toHex(portable.ed25519PublicKey(seed)));
      expect(await node.ed25519Verify(portable.ed25519PublicKey(seed), message, fromNacl)).toBe(true);
      expect(await portable.ed25519Verify(node.ed25519PublicKey(seed), message, fromNode)).toBe(true);
    }
  });
});
