/**
 * The synchronous HMAC seam behind `signWebhook`: the plain-JS implementation (runtimes without
 * node:crypto) and the node:crypto one agree with node:crypto on the protocol vector, empty and long
 * keys, block-boundary lengths and random inputs.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as portable from '../../src/_crypto/hmac-sync.js';
import * as node from '../../src/_crypto/hmac-sync.node.js';
import { SECRET, VECTOR_BODY, VECTOR_SIGNATURE } from '../webhooks/_helpers.js';

const reference = (secret: string, message: string | Uint8Array): string =>
  createHmac('sha256', secret).update(message).digest('hex');

describe.each([
  ['plain JS', portable.hmacSha256HexSync],
  ['node:crypto', node.hmacSha256HexSync],
])('hmacSha256HexSync (%s)', (_name, hmac) => {
  it('signs the protocol vector', () => {
    expect(hmac(SECRET, VECTOR_BODY)).toBe(VECTOR_SIGNATURE);
  });

  it.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 1000])('matches node:crypto for a %i-byte body', (length) => {
    const body = 'é'.repeat(length).slice(0, length);
    expect(hmac(SECRET, body)).toBe(reference(SECRET, body));
    expect(hmac('k'.repeat(length), 'x')).toBe(reference('k'.repeat(length), 'x'));
  });

  it('matches node:crypto on random keys and bodies (text and bytes)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (key, text, bytes) => {
        expect(hmac(key, text)).toBe(reference(key, text));
        expect(hmac(key, bytes)).toBe(reference(key, bytes));
      }),
      { numRuns: 150 },
    );
  });
});
