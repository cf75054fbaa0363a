/**
 * Reading a Node request body for the webhook adapter: the raw bytes exactly as sent, with a size
 * limit enforced while reading, and a clear refusal when a framework already consumed the stream.
 * Frameworks that keep the raw bytes beside the parsed body (NestJS with `rawBody: true`, a
 * body-parser `verify` hook) leave them on `req.rawBody`, which wins over a parsed `req.body`.
 */
import type { IncomingMessage } from 'node:http';
import { declaresTooMuch } from './read-body.js';

/** What reading produced. */
export type NodeBodyResult =
  | { kind: 'ok'; body: Uint8Array }
  | { kind: 'too_large' }
  | { kind: 'consumed'; message: string };

const CONSUMED_HELP =
  'Mount the PagoEfectivo webhook route before express.json() / body parsers (or exclude it from them), ' +
  "or use express.raw({ type: 'application/json' }) on that route; in Fastify, register a content-type " +
  'parser that leaves the stream unread and call reply.hijack() before the listener; in NestJS, create the ' +
  'app with NestFactory.create(AppModule, { rawBody: true }).';

/** Raw text or bytes as a Uint8Array; anything else is not raw. */
function asBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return new TextEncoder().encode(value);
  return null;
}

function isEmptyPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Object.keys(value).length === 0;
}

/** The body a framework left on `req.body`, when it is still the raw bytes or text. */
function preparsed(req: IncomingMessage): NodeBodyResult | null {
  const { body, rawBody } = req as { body?: unknown; rawBody?: unknown };
  // NestJS (`rawBody: true`) and body-parser `verify` hooks keep the exact bytes here even though
  // req.body holds the parsed JSON: those bytes are what the signature covers.
  const raw = asBytes(rawBody);
  if (raw) return { kind: 'ok', body: raw };
  if (body === undefined) return null;
  // Express 4's body-parser sets `req.body = {}` even when the content type did not match and the
  // stream was left untouched: that empty placeholder is not a parsed body.
  const untouched = !req.readableEnded && !req.readableDidRead;
  if (untouched && isEmptyPlainObject(body)) return null;
  const bytes = asBytes(body);
  if (bytes) return { kind: 'ok', body: bytes };
  return {
    kind: 'consumed',
    message: `The webhook body was already parsed by another middleware (req.body is ${body === null ? 'null' : typeof body}), so its signature cannot be checked. ${CONSUMED_HELP}`,
  };
}

/** Read the whole body, refusing more than `limit` bytes. */
export function readNodeBody(req: IncomingMessage, limit: number): Promise<NodeBodyResult> {
  const given = preparsed(req);
  if (given)
    return Promise.resolve(given.kind === 'ok' && given.body.byteLength > limit ? { kind: 'too_large' } : given);
  if (declaresTooMuch(req.headers['content-length'], limit)) return Promise.resolve({ kind: 'too_large' });
  if (req.readableEnded || req.readableDidRead) {
    return Promise.resolve({
      kind: 'consumed',
      message: `The webhook request stream was already read by another middleware. ${CONSUMED_HELP}`,
    });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        cleanup();
        req.pause();
        resolve({ kind: 'too_large' });
      } else chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ kind: 'ok', body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total) });
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('The client closed the connection before the webhook body was complete.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
