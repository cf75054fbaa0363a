/**
 * Loggers: a real pino logger (writing to a memory stream) keeps every field, whether wrapped with
 * fromPino or detected by toKitLogger — directly and through the webhook handler; console and plain
 * objects pass through untouched; bad loggers fail at construction naming what is wrong.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { fromPino, isPinoStyleLogger, type KitLogger, toKitLogger } from '../../src/logging/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { createTestCodes, paidBody, SECRET } from '../webhooks/_helpers.js';

/** A pino logger writing JSON lines to memory, and the parsed lines. */
function memoryPino(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = pino({ base: null, timestamp: false }, stream);
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}

describe('fromPino', () => {
  it('writes the message as msg and keeps every field', () => {
    const { logger, lines } = memoryPino();
    const kit = fromPino(logger);
    kit.info('code issued', { cip: '2401557', orderId: 'ORD-1' });
    kit.warn('payment refused', { code: 'amount_mismatch' });
    kit.error('store failed');
    expect(lines()).toEqual([
      { level: 30, msg: 'code issued', cip: '2401557', orderId: 'ORD-1' },
      { level: 40, msg: 'payment refused', code: 'amount_mismatch' },
      { level: 50, msg: 'store failed' },
    ]);
  });

  it('keeps the bindings of a child logger', () => {
    const { logger, lines } = memoryPino();
    fromPino(logger.child({ service: 'checkout' })).info('hello', { cip: '1' });
    expect(lines()).toEqual([{ level: 30, service: 'checkout', msg: 'hello', cip: '1' }]);
  });

  it('refuses a logger without the level methods, naming the missing ones', () => {
    expect(() => fromPino({ info: () => undefined } as never)).toThrow(/missing: warn, error/);
    expect(() => fromPino(null as never)).toThrow(ConfigurationError);
  });
});

describe('toKitLogger', () => {
  it('detects pino and its children by levels, bindings() and child()', () => {
    const { logger, lines } = memoryPino();
    expect(isPinoStyleLogger(logger)).toBe(true);
    expect(isPinoStyleLogger(logger.child({ a: 1 }))).toBe(true);
    // pino.Logger type-checks as a KitLogger (the trap): only the runtime rule tells them apart.
    const kit: KitLogger = toKitLogger(logger);
    kit.warn('refused', { status: 401 });
    expect(lines()).toEqual([{ level: 40, msg: 'refused', status: 401 }]);
  });

  it('passes console and plain objects through as (message, fields), without guessing', () => {
    expect(isPinoStyleLogger(console)).toBe(false);
    expect(toKitLogger(console)).toBe(console);
    // Has child() and levels like bunyan, but no bindings(): not pino, so not guessed at.
    const plain = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: vi.fn(), levels: { values: {} } };
    expect(isPinoStyleLogger(plain)).toBe(false);
    expect(toKitLogger(plain)).toBe(plain);
  });

  it('refuses a non-object logger and a level that is not a function', () => {
    expect(() => toKitLogger('console' as never)).toThrow(ConfigurationError);
    expect(() => toKitLogger({ warn: 'loud' } as never)).toThrow(/logger\.warn must be a function/);
  });
});

describe('createWebhookHandler({ logger })', () => {
  it('logs a refusal with its fields through a real pino logger', async () => {
    const { logger, lines } = memoryPino();
    const handler = createWebhookHandler({ secretKey: SECRET, codes: createTestCodes(), logger });
    const { body, headers } = signWebhook(paidBody(), 'not-the-secret');
    const response = await handler(new Request('http://localhost/hook', { method: 'POST', headers, body }));
    expect(response.status).toBe(401);
    expect(lines()).toEqual([
      { level: 40, msg: 'PagoEfectivo webhook refused', stage: 'verify', status: 401, code: 'signature_mismatch' },
    ]);
  });

  it('calls console as (message, fields)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const handler = createWebhookHandler({ secretKey: SECRET, codes: createTestCodes(), logger: console });
      const { body, headers } = signWebhook(paidBody(), 'not-the-secret');
      await handler(new Request('http://localhost/hook', { method: 'POST', headers, body }));
      expect(warn).toHaveBeenCalledWith('PagoEfectivo webhook refused', {
        stage: 'verify',
        status: 401,
        code: 'signature_mismatch',
      });
    } finally {
      warn.mockRestore();
    }
  });

  it('fails at construction for an invalid logger', () => {
    expect(() => createWebhookHandler({ secretKey: SECRET, codes: createTestCodes(), logger: 42 as never })).toThrow(
      ConfigurationError,
    );
  });
});
