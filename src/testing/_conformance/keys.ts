import { expect } from './expect.js';
import { expectKitError, race, type SuiteContext, uniqueId } from './fixtures.js';

const TTL = 200;
const LONG_TTL = 60_000;
// Stores on another machine (PostgreSQL, Redis) count time on their own clock.
const CLOCK_SKEW_MS = 1_000;

/** consumeOnce, putValue/getValue/takeValue/deleteKey and the hit counter. */
export function keyTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('consumeOnce is true once per key until the key is deleted', async () => {
    const store = ctx.store();
    const key = uniqueId('once');
    expect(await store.consumeOnce(key, LONG_TTL)).toBe(true);
    expect(await store.consumeOnce(key, LONG_TTL)).toBe(false);
    expect(await store.consumeOnce(uniqueId('once'), LONG_TTL)).toBe(true);
    await store.deleteKey(key);
    expect(await store.consumeOnce(key, LONG_TTL)).toBe(true);
  });

  it('concurrent consumeOnce on one key: exactly one caller wins', async () => {
    const store = ctx.store();
    const key = uniqueId('once');
    const results = await race(ctx.concurrency, () => store.consumeOnce(key, LONG_TTL));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('consumeOnce succeeds again once the TTL has passed', async () => {
    const store = ctx.store();
    const key = uniqueId('once');
    expect(await store.consumeOnce(key, TTL)).toBe(true);
    expect(await store.consumeOnce(key, TTL)).toBe(false);
    await ctx.sleep(TTL + 100);
    expect(await store.consumeOnce(key, TTL)).toBe(true);
  });

  it('putValue stores, replaces and getValue reads; deleteKey removes; unknown keys read null', async () => {
    const store = ctx.store();
    const key = uniqueId('value');
    expect(await store.getValue(key)).toBeNull();
    await store.putValue(key, 'primero', LONG_TTL);
    expect(await store.getValue(key)).toBe('primero');
    const text = JSON.stringify({ name: 'José Ñúñez', note: '💵 «pagado»', nested: { n: 1 } });
    await store.putValue(key, text, LONG_TTL);
    expect(await store.getValue(key)).toBe(text);
    expect(await store.getValue(key)).toBe(text);
    await store.deleteKey(key);
    expect(await store.getValue(key)).toBeNull();
    await store.deleteKey(key);
    await store.deleteKey(uniqueId('never-set'));
  });

  it('takeValue returns the value once; concurrent takes give it to exactly one caller', async () => {
    const store = ctx.store();
    const key = uniqueId('take');
    await store.putValue(key, 'passcode-123456', LONG_TTL);
    expect(await store.takeValue(key)).toBe('passcode-123456');
    expect(await store.takeValue(key)).toBeNull();
    expect(await store.getValue(key)).toBeNull();

    await store.putValue(key, 'only-once', LONG_TTL);
    const results = await race(ctx.concurrency, () => store.takeValue(key));
    expect(results.filter((value) => value !== null)).toEqual(['only-once']);
  });

  it('values read as absent once their TTL has passed', async () => {
    const store = ctx.store();
    const read = uniqueId('value');
    const take = uniqueId('value');
    await store.putValue(read, 'short', TTL);
    await store.putValue(take, 'short', TTL);
    expect(await store.getValue(read)).toBe('short');
    await ctx.sleep(TTL + 100);
    expect(await store.getValue(read)).toBeNull();
    expect(await store.takeValue(take)).toBeNull();
  });

  it('hit counts up to the limit, then refuses without counting; the window is set at the first hit', async () => {
    const store = ctx.store();
    const key = uniqueId('hit');
    const before = ctx.now();
    const first = await store.hit(key, 3, LONG_TTL);
    const after = ctx.now();
    expect(first.allowed).toBe(true);
    expect(first.count).toBe(1);
    expect(first.resetAt).toBeInstanceOf(Date);
    expect(first.resetAt.getTime()).toBeGreaterThanOrEqual(before + LONG_TTL - CLOCK_SKEW_MS);
    expect(first.resetAt.getTime()).toBeLessThanOrEqual(after + LONG_TTL + CLOCK_SKEW_MS);
    const rest = [];
    for (let index = 0; index < 4; index += 1) rest.push(await store.hit(key, 3, LONG_TTL));
    expect(rest.map((result) => [result.allowed, result.count])).toEqual([
      [true, 2],
      [true, 3],
      [false, 3],
      [false, 3],
    ]);
    for (const result of rest) expect(result.resetAt.getTime()).toBe(first.resetAt.getTime());
    expect((await store.hit(uniqueId('hit'), 3, LONG_TTL)).count).toBe(1);
  });

  it('concurrent hits never push the count above the limit', async () => {
    const store = ctx.store();
    const key = uniqueId('hit');
    const limit = Math.max(1, Math.floor(ctx.concurrency / 10));
    const results = await race(ctx.concurrency, () => store.hit(key, limit, LONG_TTL));
    const allowed = results.filter((result) => result.allowed);
    expect(allowed).toHaveLength(limit);
    expect(allowed.map((result) => result.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: limit }, (_, index) => index + 1),
    );
    expect(results.every((result) => result.count <= limit)).toBe(true);
  });

  it('hit starts a new window after resetAt, and deleteKey resets a counter', async () => {
    const store = ctx.store();
    const key = uniqueId('hit');
    const first = await store.hit(key, 1, TTL);
    expect((await store.hit(key, 1, TTL)).allowed).toBe(false);
    await ctx.sleep(Math.max(0, first.resetAt.getTime() - ctx.now()) + 100);
    const renewed = await store.hit(key, 1, TTL);
    expect(renewed).toMatchObject({ allowed: true, count: 1 });
    expect(renewed.resetAt.getTime()).toBeGreaterThan(first.resetAt.getTime());

    const other = uniqueId('hit');
    await store.hit(other, 1, LONG_TTL);
    expect((await store.hit(other, 1, LONG_TTL)).allowed).toBe(false);
    await store.deleteKey(other);
    expect(await store.hit(other, 1, LONG_TTL)).toMatchObject({ allowed: true, count: 1 });
  });

  it('key operations reject an empty key and a TTL, window or limit that is not a positive integer', async () => {
    const store = ctx.store();
    const [once, value, counter] = [uniqueId('bad'), uniqueId('bad'), uniqueId('bad')];
    await expectKitError(store.consumeOnce('', LONG_TTL), 'validation_failed');
    await expectKitError(store.getValue(''), 'validation_failed');
    await expectKitError(store.hit('', 1, LONG_TTL), 'validation_failed');
    for (const ttl of [0, -5, 1.5, Number.NaN]) {
      await expectKitError(store.consumeOnce(once, ttl), 'validation_failed');
      await expectKitError(store.putValue(value, 'v', ttl), 'validation_failed');
      await expectKitError(store.hit(counter, 3, ttl), 'validation_failed');
      await expectKitError(store.hit(counter, ttl, LONG_TTL), 'validation_failed');
    }
    // Nothing was written by the refused calls.
    expect(await store.consumeOnce(once, LONG_TTL)).toBe(true);
    expect(await store.getValue(value)).toBeNull();
    expect((await store.hit(counter, 3, LONG_TTL)).count).toBe(1);
  });
}
