import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Thrown by the fake's core to simulate a dropped connection (an injected network failure). */
export class FakeNetworkFault extends Error {
  constructor() {
    super('connection dropped by the fake PagoEfectivo (injected network failure)');
    this.name = 'FakeNetworkFault';
  }
}

/** A running HTTP server around the fake's `(Request) => Promise<Response>` core. */
export interface FakeHttpServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of req) chunks.push(chunk as Uint8Array);
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

function toRequest(req: IncomingMessage, body: Uint8Array, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && body.length > 0;
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    body: hasBody ? (body as BodyInit) : undefined,
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = new Uint8Array(await response.arrayBuffer());
  res.writeHead(response.status, headers);
  res.end(body);
}

const NODE_HTTP: string = 'node:http';

/**
 * Serve `handle` over real HTTP on 127.0.0.1 (`port` 0 picks a free port). node:http is loaded
 * lazily so that the in-process fake works on runtimes without it.
 */
export async function serveFake(handle: (request: Request) => Promise<Response>, port = 0): Promise<FakeHttpServer> {
  // A computed specifier: bundlers for workers and browsers would otherwise try to resolve node:http
  // for this Node-only path and fail the whole /testing bundle (workerd without nodejs_compat).
  const http = (await import(/* @vite-ignore */ NODE_HTTP)) as typeof import('node:http');
  let origin = '';
  const server: Server = http.createServer((req, res) => {
    readBody(req)
      .then((body) => handle(toRequest(req, body, origin)))
      .then((response) => send(res, response))
      .catch((error: unknown) => {
        if (error instanceof FakeNetworkFault) {
          req.socket.destroy();
          return;
        }
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake PagoEfectivo crashed: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  origin = `http://127.0.0.1:${actualPort}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The `listen()` / `close()` pair of a fake: one server at most, started on first `listen()`. */
export interface FakeListener {
  /** Start serving (once; later calls answer the same address) and answer `origin + basePath`. */
  listen(port?: number): Promise<string>;
  /** Stop the HTTP server, if any. */
  close(): Promise<void>;
}

/** A {@link FakeListener} serving `handle`, answering its base URL as the origin plus `basePath`. */
export function fakeListener(handle: (request: Request) => Promise<Response>, basePath: string): FakeListener {
  let server: FakeHttpServer | null = null;
  return {
    async listen(port = 0): Promise<string> {
      server ??= await serveFake(handle, port);
      return `${server.origin}${basePath}`;
    },
    async close(): Promise<void> {
      const running = server;
      server = null;
      await running?.close();
    },
  };
}
