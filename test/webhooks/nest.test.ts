/**
 * NestJS: the example app boots on 127.0.0.1 with `rawBody: true` (Nest's documented way to verify
 * webhooks) and accepts a notification signed by `signWebhook`; without `rawBody` Nest has already
 * parsed the JSON, and the listener refuses it with a 400 `body_not_raw` naming the fix (never a 500).
 */
import { describe, expect, it } from 'vitest';
import { startServer } from '../../examples/webhook-nest.js';
import { signWebhook } from '../../src/testing/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { createTestCodes, paidBody, SECRET } from './_helpers.js';

describe('examples/webhook-nest', () => {
  it('applies a notification signed by signWebhook when the app is created with rawBody: true', async () => {
    const codes = createTestCodes();
    const server = await startServer(createWebhookHandler({ secretKey: SECRET, codes }));
    try {
      // A body whose bytes a JSON round-trip would change (150.50 → 150.5, spaces dropped).
      const { body, headers } = signWebhook(paidBody({ amount: '150.50' }).replace(':{', ': {'), SECRET);
      const response = await fetch(`${server.url}/webhooks/pagoefectivo`, { method: 'POST', headers, body });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'processed' });
      expect(codes.transitions).toBe(1);
      expect(codes.status('2401557')).toBe('paid');
    } finally {
      await server.close();
    }
  });

  it('refuses the parsed JSON body of an app without rawBody with a 400 body_not_raw naming the fix', async () => {
    const codes = createTestCodes();
    const server = await startServer(createWebhookHandler({ secretKey: SECRET, codes }), { rawBody: false });
    try {
      const { body, headers } = signWebhook(paidBody(), SECRET);
      const response = await fetch(`${server.url}/webhooks/pagoefectivo`, { method: 'POST', headers, body });
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { code: string; message: string };
      expect(answer.code).toBe('body_not_raw');
      expect(answer.message).toContain('rawBody: true');
      expect(codes.calls).toBe(0);
    } finally {
      await server.close();
    }
  });
});
