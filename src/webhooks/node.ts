/**
 * Node adapter of the webhook handler: a `(req, res)` listener for `node:http`, Express, NestJS and
 * Fastify (`reply.hijack()` then `listener(request.raw, reply.raw)`). It reads the raw body itself, with
 * the handler's size limit, so no JSON body parser may run before it — unless the framework kept the
 * raw bytes on `req.rawBody` (NestJS `rawBody: true`) or left them as `req.body` (`express.raw()`).
 *
 * @module webhooks/node
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebhookVerificationError } from '../errors.js';
import { DEFAULT_MAX_BODY_BYTES } from './_internal/handler-options.js';
import { readNodeBody } from './_internal/node-body.node.js';
import { bodyTooLarge } from './_internal/read-body.js';
import type { WebhookRequestContext } from './handler-types.js';

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * The client IP for `allowIps`. Defaults to the socket's address, which behind a proxy or load
   * balancer is the proxy's: then supply the real client IP yourself (e.g. Express's `req.ip` with
   * `trust proxy` configured). `X-Forwarded-For` is never read by default because anyone can send it.
   * When given, its result is used as is: `undefined` means "unknown" and fails an allow-list.
   */
  getIp?: (req: IncomingMessage) => string | undefined;
  /** Body limit in bytes; defaults to the handler's `maxBodyBytes` (65 536). */
  maxBodyBytes?: number;
  /**
   * Called when the listener answers by itself: body over the limit, body already consumed by another
   * middleware, handler threw, client went away. (The handler reports everything else to its own `onError`.)
   */
  onError?: (error: unknown) => void;
}

/** A listener for `http.createServer`, an Express route or a hijacked Fastify reply. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A web handler such as `createWebhookHandler(...)`. */
export type WebRequestHandler = ((request: Request, ctx?: WebhookRequestContext) => Promise<Response>) & {
  readonly maxBodyBytes?: number;
};

// Hop-by-hop and framing headers describe the Node message, not the rebuilt Request.
const SKIPPED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);

function toRequest(req: IncomingMessage, body: Uint8Array | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || SKIPPED_HEADERS.has(name)) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  // The handler never looks at the host, so an untrusted Host header is not used to build the URL.
  const url = new URL(req.url ?? '/', 'http://localhost');
  return new Request(url, { method: req.method ?? 'GET', headers, body: body as BodyInit | undefined });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.setHeader('content-length', body.byteLength);
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: Record<string, string>, close: boolean): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  if (close) res.setHeader('connection', 'close');
  res.end(JSON.stringify(body));
}

/**
 * Adapt a web handler (from `createWebhookHandler`) to Node's `(req, res)`.
 *
 * @example
 * http.createServer(toNodeListener(createWebhookHandler({ secretKey, codes }))).listen(3000);
 * app.post('/webhooks/pagoefectivo', toNodeListener(handler)); // Express: before express.json()
 */
export function toNodeListener(handler: WebRequestHandler, options: NodeListenerOptions = {}): NodeListener {
  const limit = options.maxBodyBytes ?? handler.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const fail = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // The response is what matters; a throwing onError must not crash the process.
    }
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    let body: Uint8Array | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      const read = await readNodeBody(req, limit);
      if (read.kind === 'too_large') {
        fail(bodyTooLarge(limit));
        // Close the connection rather than drain a body we refused.
        res.once('finish', () => req.destroy());
        return sendJson(res, 413, { status: 'error', code: 'body_too_large' }, true);
      }
      if (read.kind === 'consumed') {
        const error = new WebhookVerificationError('body_not_raw', read.message);
        fail(error);
        // A 400, not a 500: the request cannot be verified as delivered to this route, and a retry of the
        // same request meets the same parser. The message names the fix for whoever reads the logs.
        return sendJson(res, 400, { status: 'error', code: 'body_not_raw', message: read.message }, false);
      }
      body = read.body;
    }
    let request: Request;
    try {
      request = toRequest(req, body);
    } catch {
      // Only a method or URL the Fetch API refuses (CONNECT, TRACE, a malformed target) gets here.
      return sendJson(res, 400, { status: 'error', code: 'bad_request' }, false);
    }
    const ip = options.getIp ? options.getIp(req) : req.socket?.remoteAddress;
    const response = await handler(request, ip === undefined ? {} : { ip });
    await send(res, response);
  }

  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      fail(error);
      sendJson(res, 500, { status: 'error', code: 'internal_error' }, true);
    });
  };
}
