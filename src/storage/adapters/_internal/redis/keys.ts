import { checkEntry, checkKey, checkPositiveInt } from '../../../_memory/args.js';
import type { CashCodeStore } from '../../../contract.js';
import { deserializeEntry, serializeEntry } from '../../../contract.js';
import type { KeyMethod } from '../shared.js';
import type { RedisCommands, RunScript } from './client.js';
import { HIT } from './scripts.js';

/** The key, counter and log operations of the Redis store. */
export type RedisKeyTable = Pick<CashCodeStore, KeyMethod>;

/**
 * Create the key operations. Under the prefix P: `P once:<key>` (consumeOnce markers) and
 * `P val:<key>` (values) are strings with a millisecond TTL, `P hit:<key>` is a counter hash that
 * expires when its window ends, `P log:<subject>` is a list of JSON entries (kept forever). Every
 * operation is a single command or script, so each is atomic; TTLs run on the Redis clock.
 */
export function createRedisKeyTable(redis: RedisCommands, run: RunScript, prefix: string): RedisKeyTable {
  const once = (key: string): string => `${prefix}once:${key}`;
  const value = (key: string): string => `${prefix}val:${key}`;

  return {
    async consumeOnce(key, ttlMs) {
      checkKey(key, 'consumeOnce');
      checkPositiveInt(ttlMs, 'consumeOnce', 'ttlMs');
      // SET NX: of concurrent callers exactly one creates the key; it expires by itself.
      return (await redis.set(once(key), '1', 'PX', ttlMs, 'NX')) === 'OK';
    },

    async putValue(key, text, ttlMs) {
      checkKey(key, 'putValue');
      if (typeof text !== 'string') checkKey(text, 'putValue', 'value');
      checkPositiveInt(ttlMs, 'putValue', 'ttlMs');
      await redis.set(value(key), text, 'PX', ttlMs);
    },

    async getValue(key) {
      return redis.get(value(checkKey(key, 'getValue')));
    },

    async takeValue(key) {
      // GETDEL reads and deletes in one command: exactly one concurrent caller gets the value.
      return redis.getdel(value(checkKey(key, 'takeValue')));
    },

    async deleteKey(key) {
      checkKey(key, 'deleteKey');
      await redis.del(once(key), value(key), `${prefix}hit:${key}`);
    },

    async hit(key, limit, windowMs) {
      checkKey(key, 'hit');
      checkPositiveInt(limit, 'hit', 'limit');
      checkPositiveInt(windowMs, 'hit', 'windowMs');
      const [allowed, count, resetAt] = (await run(HIT, [key, limit, windowMs])) as [number, number, number];
      return { allowed: allowed === 1, count, resetAt: new Date(resetAt) };
    },

    async appendLog(entry) {
      checkEntry(entry);
      await redis.rpush(`${prefix}log:${entry.subject}`, serializeEntry(entry));
    },

    async readLog(subject) {
      const entries = await redis.lrange(`${prefix}log:${checkKey(subject, 'readLog', 'subject')}`, 0, -1);
      return entries.map(deserializeEntry);
    },
  };
}
