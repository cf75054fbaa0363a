/**
 * Receiving PagoEfectivo payment notifications in an Express app.
 *
 *   npx tsx examples/webhook-express.ts
 *
 * The webhook route is mounted BEFORE express.json(): the adapter reads the raw body itself, because
 * the signature covers the bytes exactly as sent. (Mounted after a JSON parser it answers 400 with a
 * message naming this fix; `express.raw({ type: 'application/json' })` on the route also works.)
 *
 * Run directly, it starts the server on 127.0.0.1 (ephemeral port), issues a code through the
 * in-process fake PagoEfectivo, has the fake "buyer" pay it — the fake POSTs the signed cip.paid
 * notification to this server, as PagoEfectivo would — then sends a forged one, and exits 0.
 * In production: your real client and store, and your public HTTPS URL registered with PagoEfectivo.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
import type { WebhookHandler } from '../src/webhooks/index.js';
import { toNodeListener } from '../src/webhooks/node.js';
import { type DemoServer, runWebhookDemo } from './_webhook-demo.js';

/** An Express app with the webhook route, served on 127.0.0.1; resolves to its URL and a close function. */
export async function startServer(handler: WebhookHandler): Promise<DemoServer> {
  const app = express();
  // Express's req.ip honours your 'trust proxy' setting; the adapter never reads X-Forwarded-For itself.
  const getIp = (req: IncomingMessage): string | undefined => (req as express.Request).ip;
  app.post('/webhooks/pagoefectivo', toNodeListener(handler, { getIp }));
  // The rest of your API can parse JSON as usual, after the webhook route.
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
  return { url: `http://127.0.0.1:${port}`, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runWebhookDemo(startServer).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
