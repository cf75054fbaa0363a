/**
 * The webhook examples keep working: each example's server, given a handler, accepts a signed
 * notification and refuses a forged one. (Run directly, each example also exercises itself against
 * the fake PagoEfectivo and exits 0.)
 */
import { describe, expect, it } from 'vitest';
import { startServer as express } from '../../examples/webhook-express.js';
import { startServer as fastify } from '../../examples/webhook-fastify.js';
import { startServer as hono } from '../../examples/webhook-hono.js';
import { startServer as nest } from '../../examples/webhook-nest.js';
import { startServer as nodeHttp } from '../../examples/webhook-node-http.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { createTestCodes, paidBody, SECRET, sign } from './_helpers.js';

describe.each([
  ['express', express],
  ['fastify', fastify],
  ['hono', hono],
  ['nest', nest],
  ['node:http', nodeHttp],
])('examples/webhook-%s', (_name, startServer) => {
  it('applies a signed notification and refuses a forged one', async () => {
    const codes = createTestCodes();
    const server = await startServer(createWebhookHandler({ secretKey: SECRET, codes }));
    try {
      const url = `${server.url}/webhooks/pagoefectivo`;
      const body = paidBody();
      const forged = await fetch(url, {
        method: 'POST',
        headers: { 'pe-signature': sign(body, 'not-the-secret') },
        body,
      });
      expect(forged.status).toBe(401);
      const response = await fetch(url, { method: 'POST', headers: { 'pe-signature': sign(body) }, body });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'processed' });
      expect(codes.transitions).toBe(1);
    } finally {
      await server.close();
    }
  });
});
