import { describe, expect, it } from 'vitest';
import { ConfigurationError, GuardError } from '../../src/errors.js';
import { createRateLimiter } from '../../src/guards/index.js';
import { memoryStore } from '../../src/storage/memory.js';

function setup(limit = 3, windowMs = 60_000) {
  let clock = Date.parse('2026-03-02T15:00:00Z');
  const store = memoryStore({ now: () => clock });
  const limiter = createRateLimiter({ store, limit, windowMs, now: () => new Date(clock) });
  return { limiter, store, advance: (ms: number) => (clock += ms) };
}

describe('createRateLimiter', () => {
  it('allows `limit` requests per IP per window, then throws rate_limited with retryAfterMs', async () => {
    const { limiter, advance } = setup();
    for (let count = 0; count < 3; count += 1) await limiter.check('198.51.100.1');
    advance(15_000);
    const error = await limiter.check('198.51.100.1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GuardError);
    expect(error).toMatchObject({
      code: 'rate_limited',
      details: { retryAfterMs: 45_000, limit: 3, windowMs: 60_000 },
    });
    await expect(limiter.check('198.51.100.2')).resolves.toBeUndefined();
    advance(45_000);
    await expect(limiter.check('198.51.100.1')).resolves.toBeUndefined();
  });

  it('counts ::ffff:a.b.c.d with a.b.c.d, and IPv6 clients per /64', async () => {
    const { limiter } = setup(2);
    await limiter.check('198.51.100.1');
    await limiter.check('::ffff:198.51.100.1');
    await expect(limiter.check('198.51.100.1')).rejects.toMatchObject({ code: 'rate_limited' });
    await limiter.check('2001:db8:1:2::1');
    await limiter.check('2001:db8:1:2:ffff::9');
    await expect(limiter.check('2001:db8:1:2::abcd')).rejects.toMatchObject({ code: 'rate_limited' });
    await expect(limiter.check('2001:db8:1:3::1')).resolves.toBeUndefined();
  });

  it('never lets concurrent requests exceed the limit', async () => {
    const { limiter } = setup(5);
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => limiter.check('203.0.113.5')));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
  });

  it('separates limiters by keyPrefix on one store', async () => {
    const { store } = setup();
    const a = createRateLimiter({ store, limit: 1, windowMs: 1000, keyPrefix: 'a' });
    const b = createRateLimiter({ store, limit: 1, windowMs: 1000, keyPrefix: 'b' });
    await a.check('203.0.113.5');
    await expect(b.check('203.0.113.5')).resolves.toBeUndefined();
    await expect(a.check('203.0.113.5')).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it.each([[{ limit: 0 }], [{ limit: 1.5 }], [{ windowMs: 0 }], [{ store: {} }]])('refuses %j', (patch) => {
    const { store } = setup();
    expect(() => createRateLimiter({ store, limit: 1, windowMs: 1000, ...patch } as never)).toThrow(ConfigurationError);
  });
});
