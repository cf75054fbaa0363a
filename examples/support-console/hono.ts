/**
 * The support console in a Hono app (here on Node via @hono/node-server; the console is
 * web-standard, so the same routes work on Bun, Deno and workers).
 *
 *   npx tsx examples/support-console/hono.ts
 *
 * The routes hand `c.req.raw` (the untouched Request) to the console; the client IP comes from the
 * runtime (getConnInfo), never from X-Forwarded-For.
 */
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { createSupportConsole } from '../../src/console/index.js';
import { type ConsoleDemo, printDemo, seedConsoleDemo } from './_demo.js';
import type { RunningConsole } from './node-http.js';

/** Serve the console of `demo` under /support in a Hono app on 127.0.0.1. */
export async function startHonoConsole(demo: ConsoleDemo, port = 0): Promise<RunningConsole> {
  const support = createSupportConsole({ ...demo.options, basePath: '/support' });
  const app = new Hono();
  const mount = (c: Context): Promise<Response> => {
    const ip = getConnInfo(c).remote.address;
    return support(c.req.raw, ip === undefined ? {} : { ip });
  };
  app.all('/support', mount);
  app.all('/support/*', mount);
  app.get('/health', (c) => c.json({ ok: true }));
  let server: ReturnType<typeof serve> | undefined;
  const bound = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const demo = await seedConsoleDemo();
  const running = await startHonoConsole(demo, Number(process.env.PORT ?? 4400));
  printDemo(running.url, demo);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await running.close();
}
