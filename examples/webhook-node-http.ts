/**
 * Receiving PagoEfectivo payment notifications with plain node:http.
 *
 *   npx tsx examples/webhook-node-http.ts
 *
 * Run directly, it starts the server on 127.0.0.1 (ephemeral port), issues a code through the
 * in-process fake PagoEfectivo, has the fake "buyer" pay it — the fake POSTs the signed cip.paid
 * notification to this server, as PagoEfectivo would — then sends a forged one, and exits 0.
 * In production: your real client and store, and your public HTTPS URL registered with PagoEfectivo.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { WebhookHandler } from '../src/webhooks/index.js';
import { toNodeListener } from '../src/webhooks/node.js';
import { type DemoServer, runWebhookDemo } from './_webhook-demo.js';

/** Serve `handler` on 127.0.0.1; resolves to the server's URL and a close function. */
export async function startServer(handler: WebhookHandler): Promise<DemoServer> {
  const webhook = toNodeListener(handler);
  const server = createServer((req, res) => {
    if (req.url === '/webhooks/pagoefectivo') return webhook(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
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
