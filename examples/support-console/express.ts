/**
 * The support console inside an Express app, under /support.
 *
 *   npx tsx examples/support-console/express.ts
 *
 * Mount it before any body parser (`express.json()`, `express.urlencoded()`): the console reads its
 * own bodies with its limits (a 5 MB voucher upload). It is matched by path without `app.use('/support', …)`
 * because that strips the prefix from `req.url`, while the console needs the full path.
 * With `app.set('trust proxy', …)` configured, pass `getIp: (req) => req.ip` to `toNodeListener`.
 */
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { createSupportConsole } from '../../src/console/index.js';
import { toNodeListener } from '../../src/webhooks/node.js';
import { type ConsoleDemo, printDemo, seedConsoleDemo } from './_demo.js';
import type { RunningConsole } from './node-http.js';

/** Serve the console of `demo` under /support in an Express app on 127.0.0.1. */
export async function startExpressConsole(demo: ConsoleDemo, port = 0): Promise<RunningConsole> {
  const support = toNodeListener(createSupportConsole({ ...demo.options, basePath: '/support' }));
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) =>
    req.path === '/support' || req.path.startsWith('/support/') ? support(req, res) : next(),
  );
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const demo = await seedConsoleDemo();
  const running = await startExpressConsole(demo, Number(process.env.PORT ?? 4400));
  printDemo(running.url, demo);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await running.close();
}
