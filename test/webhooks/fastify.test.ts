/**
 * The Fastify example's second route shape: the body kept as a string by a scoped content-type
 * parser and checked with `verifyWebhook`, on a real server on 127.0.0.1. (The first shape, the
 * hijacked reply handed to `toNodeListener`, runs in examples.test.ts with the other servers.)
 */
import { describe, expect, it } from 'vitest';
import { startVerifyingServer } from '../../examples/webhook-fastify.js';
import { signWebhook } from '../../src/testing/index.js';
import { createTestCodes, paidBody, SECRET } from './_helpers.js';

describe('examples/webhook-fastify startVerifyingServer', () => {
  it('verifies the raw string body, applies the payment once and refuses forgeries and bad JSON', async () => {
    const codes = createTestCodes();
    const server = await startVerifyingServer(SECRET, codes);
    try {
      const url = `${server.url}/webhooks/pagoefectivo`;
      // 150.50 and the spacing survive only if the route really sees the raw text.
      const signed = signWebhook(paidBody({ amount: '150.50' }).replace(':{', ': {'), SECRET);
      const first = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ status: 'paid' });
      const again = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
      expect(await again.json()).toEqual({ status: 'duplicate' });
      expect(codes.transitions).toBe(1);

      const forged = signWebhook(signed.body, 'not-the-secret');
      const refused = await fetch(url, { method: 'POST', headers: forged.headers, body: signed.body });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ status: 'error', code: 'signature_mismatch' });

      const bad = signWebhook('{"eventType":"cip.paid"', SECRET);
      const malformed = await fetch(url, { method: 'POST', headers: bad.headers, body: bad.body });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toEqual({ status: 'error', code: 'malformed_payload' });

      // The rest of the app keeps Fastify's JSON parser.
      const echo = await fetch(`${server.url}/api/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      expect(await echo.json()).toEqual({ a: 1 });
    } finally {
      await server.close();
    }
  });
});
