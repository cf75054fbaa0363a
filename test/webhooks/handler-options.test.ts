/**
 * createWebhookHandler refuses a misconfiguration at startup (not at the first real payment), and a
 * few paths the transport matrix does not reach: multi-chunk bodies, foreign dedupe values.
 */
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { memoryStore } from '../../src/storage/memory.js';
import { createWebhookHandler, type WebhookHandlerOptions } from '../../src/webhooks/index.js';
import { createTestCodes, paidBody, SECRET, sign } from './_helpers.js';

function configError(options: unknown): unknown {
  try {
    createWebhookHandler(options as WebhookHandlerOptions);
  } catch (error) {
    return error;
  }
  return expect.fail('expected a configuration error');
}

describe('createWebhookHandler options', () => {
  const codes = createTestCodes();

  it.each([
    ['no options', undefined, 'config_invalid'],
    ['a blank secret', { secretKey: ' ', codes }, 'secret_missing'],
    ['no codes service', { secretKey: SECRET }, 'config_invalid'],
    ['a store without getValue/putValue', { secretKey: SECRET, codes, store: {} }, 'config_invalid'],
    ['a zero body limit', { secretKey: SECRET, codes, maxBodyBytes: 0 }, 'config_invalid'],
    ['a fractional dedupe TTL', { secretKey: SECRET, codes, dedupeTtlMs: 1.5 }, 'config_invalid'],
    ['a callback that is not a function', { secretKey: SECRET, codes, onPaid: 'fulfil' }, 'config_invalid'],
    ['an invalid CIDR', { secretKey: SECRET, codes, allowIps: ['10.0.0.0/33'] }, 'config_invalid'],
    ['an empty allow-list', { secretKey: SECRET, codes, allowIps: [] }, 'config_invalid'],
  ])('refuses %s', (_name, options, code) => {
    const error = configError(options);
    expect(isPagoEfectivoKitError(error, code as never)).toBe(true);
    expect(JSON.stringify((error as { toJSON(): unknown }).toJSON())).not.toContain(SECRET);
  });

  it('exposes its body limit for the Node adapter', () => {
    expect(createWebhookHandler({ secretKey: SECRET, codes }).maxBodyBytes).toBe(65_536);
    expect(createWebhookHandler({ secretKey: SECRET, codes, maxBodyBytes: 2048 }).maxBodyBytes).toBe(2048);
  });
});

describe('createWebhookHandler edge paths', () => {
  it('reassembles a body that arrives in several chunks', async () => {
    const codes = createTestCodes();
    const handler = createWebhookHandler({ secretKey: SECRET, codes });
    const body = paidBody();
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 40) controller.enqueue(bytes.slice(offset, offset + 40));
        controller.close();
      },
    });
    const request = new Request('https://shop.example/hook', {
      method: 'POST',
      headers: { 'pe-signature': sign(body) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await handler(request)).status).toBe(200);
    expect(codes.transitions).toBe(1);
  });

  it('ignores a value under the dedupe key that it did not write', async () => {
    const store = memoryStore();
    const codes = createTestCodes();
    const handler = createWebhookHandler({ secretKey: SECRET, codes, store });
    await store.putValue('pagoefectivo:webhook:2401557:987654', 'something else', 60_000);
    const body = paidBody();
    const response = await handler(
      new Request('https://shop.example/hook', { method: 'POST', headers: { 'pe-signature': sign(body) }, body }),
    );
    expect(await response.json()).toEqual({ status: 'processed' });
    expect(await store.getValue('pagoefectivo:webhook:2401557:987654')).toBe('paid');
  });

  it('keeps its answers when the logger and onError throw', async () => {
    const codes = createTestCodes();
    const boom = (): never => {
      throw new Error('logger down');
    };
    const handler = createWebhookHandler({
      secretKey: SECRET,
      codes,
      logger: { info: boom, warn: boom, error: boom },
      onError: boom,
      onPaid: boom,
    });
    const send = (signature: string): Promise<Response> =>
      handler(
        new Request('https://shop.example/hook', {
          method: 'POST',
          headers: { 'pe-signature': signature },
          body: paidBody(),
        }),
      );
    expect((await send(sign(paidBody()))).status).toBe(200);
    expect((await send('0'.repeat(64))).status).toBe(401);
    expect(codes.transitions).toBe(1);
  });
});
