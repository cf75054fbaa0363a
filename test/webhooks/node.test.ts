/**
 * toNodeListener specifics: mounting in Express (with and without body parsers), the default client
 * IP, a body already consumed by another middleware, and failures of the handler itself.
 */
import type { Server } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { toNodeListener } from '../../src/webhooks/node.js';
import { createTestCodes, paidBody, SECRET, sign } from './_helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(app: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function post(url: string, body = paidBody()): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'pe-signature': sign(body) },
    body,
  });
}

describe('toNodeListener', () => {
  it('works as an Express route mounted without a body parser', async () => {
    const codes = createTestCodes();
    const app = express();
    app.post('/webhooks/pagoefectivo', toNodeListener(createWebhookHandler({ secretKey: SECRET, codes })));
    const base = await listen(app);
    const response = await post(`${base}/webhooks/pagoefectivo`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'processed' });
    expect(codes.transitions).toBe(1);
  });

  it('uses the raw Buffer left by express.raw()', async () => {
    const codes = createTestCodes();
    const app = express();
    app.use(express.raw({ type: 'application/json' }));
    app.post('/hook', toNodeListener(createWebhookHandler({ secretKey: SECRET, codes })));
    const response = await post(`${await listen(app)}/hook`);
    expect(response.status).toBe(200);
    expect(codes.transitions).toBe(1);
  });

  it('refuses with a 400 naming the fix when express.json() parsed the body first', async () => {
    const onError = vi.fn();
    const app = express();
    app.use(express.json());
    app.post(
      '/hook',
      toNodeListener(createWebhookHandler({ secretKey: SECRET, codes: createTestCodes() }), { onError }),
    );
    const response = await post(`${await listen(app)}/hook`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('body_not_raw');
    expect(body.message).toContain('express.json()');
    expect(body.message).toContain("express.raw({ type: 'application/json' })");
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'body_not_raw' }));
  });

  it('reads the stream when a body parser only left an empty placeholder (Express 4 style)', async () => {
    const codes = createTestCodes();
    const listener = toNodeListener(createWebhookHandler({ secretKey: SECRET, codes }));
    const base = await listen((req, res) => {
      Object.assign(req, { body: {} });
      listener(req, res);
    });
    expect((await post(base)).status).toBe(200);
    expect(codes.transitions).toBe(1);
  });

  it('refuses a stream another listener already read', async () => {
    const listener = toNodeListener(createWebhookHandler({ secretKey: SECRET, codes: createTestCodes() }));
    const base = await listen((req, res) => {
      req.resume();
      req.once('end', () => listener(req, res));
    });
    const response = await post(base);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/already read/);
  });

  it.each([
    ['a Buffer', (body: string) => Buffer.from(body)],
    ['a string', (body: string) => body],
  ])('uses req.rawBody (%s) when a parser consumed the stream and left parsed JSON on req.body', async (_kind, raw) => {
    const codes = createTestCodes();
    const listener = toNodeListener(createWebhookHandler({ secretKey: SECRET, codes }));
    const base = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        Object.assign(req, { body: JSON.parse(text), rawBody: raw(text) });
        listener(req, res);
      });
    });
    // 150.50 is what a re-serialised body would lose: only the raw bytes verify.
    const response = await post(base, paidBody({ amount: '150.50' }));
    expect(response.status).toBe(200);
    expect(codes.transitions).toBe(1);
  });

  it('refuses a parsed req.body with a 400 when req.rawBody is not raw bytes', async () => {
    const onError = vi.fn();
    const codes = createTestCodes();
    const listener = toNodeListener(createWebhookHandler({ secretKey: SECRET, codes }), { onError });
    const base = await listen((req, res) => {
      req.resume();
      req.once('end', () => {
        Object.assign(req, { body: { eventType: 'cip.paid' }, rawBody: { not: 'bytes' } });
        listener(req, res);
      });
    });
    const response = await post(base);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('body_not_raw');
    expect(body.message).toContain('req.body is object');
    expect(codes.calls).toBe(0);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'body_not_raw' }));
  });

  it('applies the size limit to req.rawBody too', async () => {
    const handler = createWebhookHandler({ secretKey: SECRET, codes: createTestCodes(), maxBodyBytes: 64 });
    const listener = toNodeListener(handler);
    const base = await listen((req, res) => {
      req.resume();
      req.once('end', () => {
        Object.assign(req, { body: {}, rawBody: Buffer.alloc(65, 32) });
        listener(req, res);
      });
    });
    expect((await post(base)).status).toBe(413);
  });

  it('passes the socket address as ctx.ip by default, and only getIp when given', async () => {
    const handler = createWebhookHandler({
      secretKey: SECRET,
      codes: createTestCodes(),
      allowIps: ['127.0.0.1', '::1'],
    });
    const direct = await listen(toNodeListener(handler));
    expect((await post(direct)).status).toBe(200);
    const proxied = await listen(toNodeListener(handler, { getIp: () => undefined }));
    expect((await post(proxied)).status).toBe(403);
    const fromProxy = await listen(toNodeListener(handler, { getIp: () => '127.0.0.1' }));
    expect((await post(fromProxy)).status).toBe(200);
  });

  it('answers 500 and reports when the handler itself throws', async () => {
    const onError = vi.fn();
    const failing = Object.assign(async (): Promise<Response> => Promise.reject(new Error('boom')), {
      maxBodyBytes: 4096,
    });
    const response = await post(await listen(toNodeListener(failing, { onError })));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ status: 'error', code: 'internal_error' });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
  });

  it('answers 400 to a request the Fetch API cannot represent', async () => {
    const base = await listen(toNodeListener(createWebhookHandler({ secretKey: SECRET, codes: createTestCodes() })));
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const url = new URL(base);
      const outgoing = request({ host: url.hostname, port: url.port, method: 'TRACE', path: '/' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(status).toBe(400);
  });

  it("applies the handler's maxBodyBytes while reading the stream", async () => {
    const onError = vi.fn();
    const handler = createWebhookHandler({ secretKey: SECRET, codes: createTestCodes(), maxBodyBytes: 300 });
    const base = await listen(toNodeListener(handler, { onError }));
    expect((await post(base, paidBody({ transactionCode: 'x'.repeat(400) }))).status).toBe(413);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'body_too_large' }));
    expect((await post(base)).status).toBe(200);
  });
});
