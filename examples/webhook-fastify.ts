/**
 * Receiving PagoEfectivo payment notifications in a Fastify app.
 *
 *   npx tsx examples/webhook-fastify.ts
 *
 * Fastify parses JSON before your route runs, and the signature covers the raw bytes, so the webhook
 * route lives in an encapsulated plugin with its own content-type parser (the rest of the app keeps
 * the default JSON parser). Two ways, both here:
 *
 * - `startServer`: the parser leaves the stream unread, the route hijacks the reply and hands the raw
 *   Node request to `toNodeListener`, which does everything `createWebhookHandler` does.
 * - `startVerifyingServer`: the parser keeps the body as a string and the route calls `verifyWebhook`
 *   itself, then applies the payment — for apps that want their own answer shape or a queue.
 *
 * Run directly, it starts the first server on 127.0.0.1 (ephemeral port), issues a code through the
 * in-process fake PagoEfectivo, has the fake "buyer" pay it — the fake POSTs the signed cip.paid
 * notification to this server, as PagoEfectivo would — then sends a forged one, and exits 0.
 * In production: your real client and store, and your public HTTPS URL registered with PagoEfectivo.
 */
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { isPagoEfectivoKitError } from '../src/errors.js';
import { type PaymentApplier, verifyWebhook, type WebhookHandler } from '../src/webhooks/index.js';
import { toNodeListener } from '../src/webhooks/node.js';
import { type DemoServer, runWebhookDemo } from './_webhook-demo.js';

async function serve(app: FastifyInstance): Promise<DemoServer> {
  // The JSON API of the rest of the app still gets Fastify's default parser.
  app.post('/api/echo', async (request) => request.body);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/** The webhook route handing the raw request to `toNodeListener`; resolves to its URL and a close function. */
export async function startServer(handler: WebhookHandler): Promise<DemoServer> {
  const app = Fastify();
  const listener = toNodeListener(handler, { getIp: (req) => req.socket.remoteAddress });
  await app.register(async (scope) => {
    // Leave the stream unread, whatever the content type: the listener reads the raw body itself,
    // with the handler's size limit.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.post('/webhooks/pagoefectivo', (request, reply) => {
      reply.hijack(); // the listener writes the response on reply.raw
      listener(request.raw, reply.raw);
    });
  });
  return serve(app);
}

/**
 * The webhook route verifying a string body with `verifyWebhook` and applying the payment itself
 * (without the handler's duplicate fast path: `applyPayment` is idempotent on CIP + operation number).
 */
export async function startVerifyingServer(secretKey: string, codes: PaymentApplier): Promise<DemoServer> {
  const app = Fastify();
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers(); // whatever the content type, keep the exact text
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post('/webhooks/pagoefectivo', async (request, reply) => {
      try {
        const event = await verifyWebhook({ body: request.body as string, headers: request.headers, secretKey });
        if (event.type !== 'cip.paid') return { status: 'ignored' };
        const outcome = await codes.applyPayment(event);
        return outcome.kind === 'rejected' ? { status: 'rejected', reason: outcome.reason } : { status: outcome.kind };
      } catch (error) {
        if (!isPagoEfectivoKitError(error)) throw error; // Fastify answers 500: PagoEfectivo retries
        const status = error.code === 'storage_error' ? 503 : error.code.startsWith('signature_') ? 401 : 400;
        return reply.code(status).send({ status: 'error', code: error.code });
      }
    });
  });
  return serve(app);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runWebhookDemo(startServer).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
