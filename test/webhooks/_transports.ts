/**
 * The two ways a webhook reaches the handler, for matrix tests: a web `Request` passed in directly,
 * and a real node:http server on 127.0.0.1 running `toNodeListener`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookHandler } from '../../src/webhooks/index.js';
import { type NodeListenerOptions, toNodeListener } from '../../src/webhooks/node.js';

/** One request of a test. `ip` is the client address the transport reports. */
export interface TestRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
  ip?: string;
}

/** A response, read fully. */
export interface TestResponse {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

/** A way to deliver requests to a handler. */
export interface Transport {
  name: string;
  /** Start serving `handler`; returns the sender and a stop function. */
  serve(
    handler: WebhookHandler,
    options?: NodeListenerOptions,
  ): Promise<{ send: (request: TestRequest) => Promise<TestResponse>; stop: () => Promise<void> }>;
}

const IP_HEADER = 'x-test-client-ip';

async function read(response: Response): Promise<TestResponse> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

function init(request: TestRequest, extraHeaders: Record<string, string> = {}): RequestInit {
  const method = request.method ?? 'POST';
  const hasBody = method !== 'GET' && method !== 'HEAD' && request.body !== undefined;
  return {
    method,
    headers: { ...request.headers, ...extraHeaders },
    body: hasBody ? (request.body as BodyInit) : undefined,
    ...(request.body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit;
}

/** The web path: `handler(new Request(...), { ip })`. */
export const webTransport: Transport = {
  name: 'web Request',
  async serve(handler) {
    return {
      send: async (request) =>
        read(
          await handler(new Request('https://shop.example/webhooks/pagoefectivo', init(request)), { ip: request.ip }),
        ),
      stop: async () => undefined,
    };
  },
};

/**
 * The Node path: a real server on an ephemeral port. The test's `ip` travels in a header that this
 * server's `getIp` reads — a deliberate test configuration, the adapter never reads headers for IPs.
 */
export const nodeTransport: Transport = {
  name: 'node:http adapter',
  async serve(handler, options = {}) {
    const listener = toNodeListener(handler, {
      getIp: (req) => {
        const value = req.headers[IP_HEADER];
        return typeof value === 'string' ? (value === 'none' ? undefined : value) : req.socket.remoteAddress;
      },
      ...options,
    });
    const server: Server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      send: async (request) => {
        const ip: Record<string, string> = request.ip === undefined ? {} : { [IP_HEADER]: request.ip };
        return read(await fetch(`http://127.0.0.1:${port}/webhooks/pagoefectivo`, init(request, ip)));
      },
      stop: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};

/** Both transports. */
export const TRANSPORTS: Transport[] = [webTransport, nodeTransport];
