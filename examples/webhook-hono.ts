/**
 * Receiving PagoEfectivo payment notifications in a Hono app (here on Node via @hono/node-server; the
 * same route works on Bun, Deno and workers, where the build uses WebCrypto instead of node:crypto).
 *
 *   npx tsx examples/webhook-hono.ts
 *
 * The handler is web-standard, so the route passes `c.req.raw` (the untouched Request) straight in.
 * Do not read the body before it (no `c.req.json()` earlier in the chain): the signature covers the
 * raw bytes. The client IP comes from the runtime (getConnInfo), never from X-Forwarded-For.
 *
 * Run directly, it starts the server on 127.0.0.1 (ephemeral port), issues a code through the
 * in-process fake PagoEfectivo, has the fake "buyer" pay it — the fake POSTs the signed cip.paid
 * notification to this server, as PagoEfectivo would — then sends a forged one, and exits 0.
 * In production: your real client and store, and your public HTTPS URL registered with PagoEfectivo.
 */
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import type { WebhookHandler } from '../src/webhooks/index.js';
import { type DemoServer, runWebhookDemo } from './_webhook-demo.js';

/** A Hono app with the webhook route, served on 127.0.0.1; resolves to its URL and a close function. */
export async function startServer(handler: WebhookHandler): Promise<DemoServer> {
  const app = new Hono();
  app.post('/webhooks/pagoefectivo', (c) => handler(c.req.raw, { ip: getConnInfo(c).remote.address }));
  app.get('/health', (c) => c.json({ ok: true }));
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  const close = (): Promise<void> => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  return { url: `http://127.0.0.1:${port}`, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runWebhookDemo(startServer).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
