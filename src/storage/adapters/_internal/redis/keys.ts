import { ValidationError } from '../../../../errors.js';
import {
  checkEntry,
  checkKey,
  checkLogPage,
  checkPositiveInt,
  checkRecordBatch,
  encodeLogCursor,
} from '../../../_memory/args.js';
import type { CashCodeStore, LogPage, LogPageOptions } from '../../../contract.js';
import { deserializeEntry } from '../../../contract.js';
import type { RedisCommands, RunScript } from './client.js';
import { APPEND_RECORDS, CONSUME_ONCE, HIT, TAKE_VALUE } from './key-scripts.js';
import { LOG_PAGE } from './list-scripts.js';
import { recordArgs } from './records.js';

/** The key, counter and log operations of the Redis store. */
export type RedisKeyTable = Pick<
  CashCodeStore,
  | 'consumeOnce'
  | 'putValue'
  | 'getValue'
  | 'takeValue'
  | 'deleteKey'
  | 'hit'
  | 'appendLog'
  | 'readLog'
  | 'appendRecords'
> & { readLogPage(subject: string, options: LogPageOptions): Promise<LogPage> };

/**
 * Create the key operations. Under the prefix P: `P once:<key>` (consumeOnce markers holding their
 * owner, `''` for none) and `P val:<key>` (values) are strings with a millisecond TTL, `P took:<key>`
 * the tombstone of a value an owner took, `P hit:<key>` a counter hash that expires when its window
 * ends, `P log:<subject>` a list of JSON entries with the set `P logids:<subject>` of their ids (kept
 * forever). Every operation is a single command or script, so each is atomic, and each one answers
 * the same when ioredis re-sends it after a lost reply (given an owner, hit id or entry id); TTLs run
 * on the Redis clock. A log page is one `LRANGE` below a list position (entries are never removed, so
 * a position names the same entry for ever).
 */
export function createRedisKeyTable(redis: RedisCommands, run: RunScript, prefix: string): RedisKeyTable {
  const once = (key: string): string => `${prefix}once:${key}`;
  const value = (key: string): string => `${prefix}val:${key}`;

  return {
    async consumeOnce(key, ttlMs, owner) {
      checkKey(key, 'consumeOnce');
      checkPositiveInt(ttlMs, 'consumeOnce', 'ttlMs');
      if (owner === undefined) {
        // SET NX: of concurrent callers exactly one creates the key; it expires by itself.
        return (await redis.set(once(key), '', 'PX', ttlMs, 'NX')) === 'OK';
      }
      checkKey(owner, 'consumeOnce', 'owner');
      // SET NX, else "is it mine?": a re-sent call by the same owner still hears "you got it".
      return (await run(CONSUME_ONCE, [key, ttlMs, owner])) === 1;
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

    async takeValue(key, owner) {
      checkKey(key, 'takeValue');
      // GETDEL reads and deletes in one command: exactly one concurrent caller gets the value.
      if (owner === undefined) return redis.getdel(value(key));
      checkKey(owner, 'takeValue', 'owner');
      const taken = await run(TAKE_VALUE, [key, owner]);
      return typeof taken === 'string' ? taken : null;
    },

    async deleteKey(key) {
      checkKey(key, 'deleteKey');
      await redis.del(once(key), value(key), `${prefix}took:${key}`, `${prefix}hit:${key}`);
    },

    async hit(key, limit, windowMs, hitId) {
      checkKey(key, 'hit');
      checkPositiveInt(limit, 'hit', 'limit');
      checkPositiveInt(windowMs, 'hit', 'windowMs');
      if (hitId !== undefined) checkKey(hitId, 'hit', 'hitId');
      const reply = (await run(HIT, [key, limit, windowMs, hitId ?? ''])) as [number, number, number];
      const [allowed, count, resetAt] = reply;
      return { allowed: allowed === 1, count, resetAt: new Date(resetAt) };
    },

    async appendLog(entry) {
      checkEntry(entry);
      await run(APPEND_RECORDS, recordArgs({ entries: [entry], events: [] }));
    },

    async appendRecords(batch) {
      const checked = checkRecordBatch(batch);
      if (checked.entries.length === 0 && checked.events.length === 0) return;
      await run(APPEND_RECORDS, recordArgs(checked));
    },

    async readLog(subject) {
      const entries = await redis.lrange(`${prefix}log:${checkKey(subject, 'readLog', 'subject')}`, 0, -1);
      return entries.map(deserializeEntry);
    },

    async readLogPage(subject, options) {
      const { limit, before } = checkLogPage('redis', subject, options);
      const [first, ...entries] = (await run(LOG_PAGE, [subject, limit, before === null ? '' : before])) as [
        number,
        ...string[],
      ];
      if (first < 0) {
        throw new ValidationError(
          'Invalid argument to store.readLogPage(): before is not a cursor this store returned for this subject; pass the previous nextCursor.',
          [{ path: 'before', message: 'names a position this log does not have.' }],
        );
      }
      return {
        entries: entries.map(deserializeEntry),
        nextCursor: first > 0 ? encodeLogCursor('redis', subject, first) : null,
      };
    },
  };
}
