import { describe, expect, it } from 'vitest';
import * as portable from '../../src/_crypto/hmac.js';
import * as node from '../../src/_crypto/hmac.node.js';

// The protocol's own vectors (pagoefectivo-protocol.md §1 and §5), pinned on both seam implementations.
// Generic SHA-256/HMAC vectors and malformed-signature cases live in test/webhooks/hmac-seam.test.ts.
const SECRET = 'exampleSecretKey/abc+123=';
const AUTH_INPUT = `1234.EXAMPLEACCESSKEY0001.${SECRET}.2024-03-05T10:15:30-05:00`;
const AUTH_HASH = '312060218f16cd3e390f1de8f110585848d0e0e153b44a25565af849f6b3fcbd';
const BODY =
  '{"eventType":"cip.paid","operationNumber":"987654","data":{"cip":"2401557","currency":"PEN","amount":150.5,' +
  '"transactionCode":"ORD-0001","paymentDate":"2024-03-05T12:00:07-05:00"}}';
const SIGNATURE = '6ef202b861c049a326c9f4b6ef63c55f9a906f30448408605ae67876489aa663';

describe.each([
  ['portable (WebCrypto)', portable],
  ['node (node:crypto)', node],
])('protocol vectors on the %s seam', (_name, impl) => {
  it('computes the auth hashString of protocol §1', async () => {
    expect(await impl.sha256Hex(AUTH_INPUT)).toBe(AUTH_HASH);
    expect(await impl.sha256Hex(new TextEncoder().encode(AUTH_INPUT))).toBe(AUTH_HASH);
  });

  it('hashes dateRequest byte for byte: the same instant spelled in UTC gives another hash', async () => {
    expect(await impl.sha256Hex(AUTH_INPUT.replace('2024-03-05T10:15:30-05:00', '2024-03-05T15:15:30Z'))).not.toBe(
      AUTH_HASH,
    );
  });

  it('signs and verifies the PE-Signature of protocol §5', async () => {
    expect(await impl.hmacSha256Hex(SECRET, BODY)).toBe(SIGNATURE);
    expect(await impl.hmacSha256Verify([SECRET], BODY, SIGNATURE)).toBe(0);
    expect(await impl.hmacSha256Verify([SECRET], BODY.replace('150.5', '150.50'), SIGNATURE)).toBe(-1);
  });
});
