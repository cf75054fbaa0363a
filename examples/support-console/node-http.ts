/**
 * The support console in a plain node:http server, mounted under /support next to your other routes.
 *
 *   npx tsx examples/support-console/node-http.ts
 *
 * `toNodeListener` (pagoefectivo-kit/webhooks/node) turns the console's web handler into a
 * `(req, res)` listener and passes the socket's IP (for the login lockout and the audit log).
 * Behind a TLS proxy, pass `getIp` with the client IP your proxy reports, and keep `Secure` cookies on.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createSupportConsole } from '../../src/console/index.js';
import { toNodeListener } from '../../src/webhooks/node.js';
import { type ConsoleDemo, printDemo, seedConsoleDemo } from './_demo.js';

/** A running example server. */
export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

/** Serve the console of `demo` under /support on 127.0.0.1 (port 0: any free port). */
export async function startNodeHttpConsole(demo: ConsoleDemo, port = 0): Promise<RunningConsole> {
  const support = toNodeListener(createSupportConsole({ ...demo.options, basePath: '/support' }));
  const server = createServer((req, res) => {
    if (req.url === '/support' || req.url?.startsWith('/support/') || req.url?.startsWith('/support?')) {
      support(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const demo = await seedConsoleDemo();
  const running = await startNodeHttpConsole(demo, Number(process.env.PORT ?? 4400));
  printDemo(running.url, demo);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await running.close();
}
