import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/webhooks/index.js';

/** A local webhook endpoint that verifies every notification with `secretKey` (401 when forged). */
export interface Receiver {
  url: string;
  /** Bodies that verified. */
  received: string[];
  close(): Promise<void>;
}

/** Start a {@link Receiver} on a free port of 127.0.0.1. */
export async function startReceiver(secretKey: () => string): Promise<Receiver> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      verifyWebhook({ body, headers: req.headers, secretKey: secretKey() }).then(
        () => {
          received.push(body);
          res.writeHead(200).end('ok');
        },
        (error: Error) => res.writeHead(401).end(error.message),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/pagoefectivo`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
