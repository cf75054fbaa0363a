/**
 * Reading a Node request body for the webhook adapter: the raw bytes exactly as sent, with a size
 * limit enforced while reading, and a clear refusal when a framework already consumed the stream.
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
  'parser that leaves the stream unread and call reply.hijack() before the listener.';

function isEmptyPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Object.keys(value).length === 0;
}

/** The body a framework left on `req.body`, when it is still the raw bytes or text. */
function preparsed(req: IncomingMessage): NodeBodyResult | null {
  const body = (req as { body?: unknown }).body;
  if (body === undefined) return null;
  // Express 4's body-parser sets `req.body = {}` even when the content type did not match and the
  // stream was left untouched: that empty placeholder is not a parsed body.
  const untouched = !req.readableEnded && !req.readableDidRead;
  if (untouched && isEmptyPlainObject(body)) return null;
  if (body instanceof Uint8Array) return { kind: 'ok', body };
  if (typeof body === 'string') return { kind: 'ok', body: new TextEncoder().encode(body) };
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
