import { checkKey, checkPositiveInt, checkPurge } from '../../../_memory/args.js';
import type { HitResult, PurgeOptions } from '../../../contract.js';
import type { SqliteDatabase } from './schema.js';

/** The key and counter operations of the SQLite store (synchronous). */
export interface SqliteKeyTable {
  consumeOnce(key: string, ttlMs: number, owner?: string): boolean;
  putValue(key: string, value: string, ttlMs: number): void;
  getValue(key: string): string | null;
  takeValue(key: string, owner?: string): string | null;
  deleteKey(key: string): void;
  hit(key: string, limit: number, windowMs: number, hitId?: string): HitResult;
  purgeExpired(options?: PurgeOptions): number;
}

interface OnceParams {
  key: string;
  owner: string | null;
  expiresAt: number;
  clock: number;
}

/**
 * Create the key and counter operations for tables named `<prefix>…`; `now` drives every TTL.
 *
 * `owner` makes re-execution safe: a `once` marker remembers who set it, and a value taken by an
 * owner stays as a tombstone row (kind `value`, `owner` set) until its former expiry, so the same
 * owner's re-executed take gets it again while reads and other takers see nothing.
 */
export function createSqliteKeyTable(db: SqliteDatabase, prefix: string, now: () => number): SqliteKeyTable {
  const p = prefix;
  // A live marker makes the upsert do nothing, and then RETURNING yields no row, unless the marker is
  // this owner's: then it is left as it is and the row is returned ("you got it", again).
  const once = db.prepare<[OnceParams], { won: number }>(
    `INSERT INTO ${p}keys (kind, key, value, expires_at, owner) VALUES ('once', @key, NULL, @expiresAt, @owner)
     ON CONFLICT (kind, key) DO UPDATE SET
       expires_at = CASE WHEN ${p}keys.expires_at <= @clock THEN excluded.expires_at ELSE ${p}keys.expires_at END,
       owner = CASE WHEN ${p}keys.expires_at <= @clock THEN excluded.owner ELSE ${p}keys.owner END
     WHERE ${p}keys.expires_at <= @clock OR ${p}keys.owner = @owner
     RETURNING 1 AS won`,
  );
  const put = db.prepare(
    `INSERT INTO ${p}keys (kind, key, value, expires_at, owner) VALUES ('value', ?, ?, ?, NULL)
     ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, owner = NULL`,
  );
  const get = db.prepare<[string, number], { value: string }>(
    `SELECT value FROM ${p}keys WHERE kind = 'value' AND key = ? AND owner IS NULL AND expires_at > ?`,
  );
  const take = db.prepare<[string], { value: string; expires_at: number }>(
    `DELETE FROM ${p}keys WHERE kind = 'value' AND key = ? AND owner IS NULL RETURNING value, expires_at`,
  );
  // An owner's take turns the row into its tombstone; the same owner finds it again on re-execution.
  const takeAs = db.prepare<[string, string, string, number], { value: string }>(
    `UPDATE ${p}keys SET owner = ?
     WHERE kind = 'value' AND key = ? AND (owner IS NULL OR owner = ?) AND expires_at > ?
     RETURNING value`,
  );
  const dropKey = db.prepare(`DELETE FROM ${p}keys WHERE kind IN ('once', 'value') AND key = ?`);
  const dropCounter = db.prepare(`DELETE FROM ${p}counters WHERE key = ?`);
  const counter = db.prepare<
    [string],
    { count: number; reset_at: number; counted: number | null; hit_id: string | null }
  >(`SELECT count, reset_at, counted, hit_id FROM ${p}counters WHERE key = ?`);
  // `counted` and `hit_id` keep the last hit's answer: the count and window are the row itself.
  const setCounter = db.prepare(
    `INSERT INTO ${p}counters (key, count, reset_at, counted, hit_id) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET count = excluded.count, reset_at = excluded.reset_at,
       counted = excluded.counted, hit_id = excluded.hit_id`,
  );
  const purgeKeys = db.prepare(`DELETE FROM ${p}keys WHERE expires_at <= ?`);
  const purgeCounters = db.prepare(`DELETE FROM ${p}counters WHERE reset_at <= ?`);
  // Bounded purges take the oldest expiries first, from the expiry indexes.
  const purgeSomeKeys = db.prepare(
    `DELETE FROM ${p}keys WHERE (kind, key) IN (
       SELECT kind, key FROM ${p}keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
  );
  const purgeSomeCounters = db.prepare(
    `DELETE FROM ${p}counters WHERE key IN (
       SELECT key FROM ${p}counters WHERE reset_at <= ? ORDER BY reset_at LIMIT ?)`,
  );

  // Every write is its own IMMEDIATE transaction, so it waits for the write lock (busy_timeout)
  // instead of failing when another process is writing.
  const consume = db.transaction((key: string, ttlMs: number, owner: string | null): boolean => {
    const clock = now();
    return once.get({ key, owner, expiresAt: clock + ttlMs, clock }) !== undefined;
  });
  const putOne = db.transaction((key: string, value: string, ttlMs: number) => {
    put.run(key, value, now() + ttlMs);
  });
  const takeOne = db.transaction((key: string, owner: string | null): string | null => {
    if (owner !== null) return takeAs.get(owner, key, owner, now())?.value ?? null;
    const row = take.get(key);
    return row !== undefined && row.expires_at > now() ? row.value : null;
  });
  const deleteAll = db.transaction((key: string) => {
    dropKey.run(key);
    dropCounter.run(key);
  });

  // The window starts at the first hit and never moves; a full window refuses without counting.
  // A re-executed hit (the last one on this key, window still open) gets the first answer back and
  // counts nothing: no later hit changed the row, so the row is that answer.
  const count = db.transaction((key: string, limit: number, windowMs: number, hitId: string | null): HitResult => {
    const clock = now();
    const row = counter.get(key);
    if (row !== undefined && row.reset_at > clock && hitId !== null && row.hit_id === hitId) {
      return { allowed: row.counted === 1, count: Math.min(row.count, limit), resetAt: new Date(row.reset_at) };
    }
    if (row === undefined || row.reset_at <= clock) {
      setCounter.run(key, 1, clock + windowMs, 1, hitId);
      return { allowed: true, count: 1, resetAt: new Date(clock + windowMs) };
    }
    if (row.count >= limit) {
      setCounter.run(key, row.count, row.reset_at, 0, hitId);
      return { allowed: false, count: Math.min(row.count, limit), resetAt: new Date(row.reset_at) };
    }
    setCounter.run(key, row.count + 1, row.reset_at, 1, hitId);
    return { allowed: true, count: row.count + 1, resetAt: new Date(row.reset_at) };
  });

  const purge = db.transaction(
    (clock: number): number => purgeKeys.run(clock).changes + purgeCounters.run(clock).changes,
  );
  const purgeSome = db.transaction((clock: number, limit: number): number => {
    const keys = purgeSomeKeys.run(clock, limit).changes;
    return keys < limit ? keys + purgeSomeCounters.run(clock, limit - keys).changes : keys;
  });

  return {
    consumeOnce(key, ttlMs, owner) {
      checkKey(key, 'consumeOnce');
      checkPositiveInt(ttlMs, 'consumeOnce', 'ttlMs');
      if (owner !== undefined) checkKey(owner, 'consumeOnce', 'owner');
      return consume.immediate(key, ttlMs, owner ?? null);
    },
    putValue(key, value, ttlMs) {
      checkKey(key, 'putValue');
      if (typeof value !== 'string') checkKey(value, 'putValue', 'value');
      checkPositiveInt(ttlMs, 'putValue', 'ttlMs');
      putOne.immediate(key, value, ttlMs);
    },
    getValue(key) {
      checkKey(key, 'getValue');
      return get.get(key, now())?.value ?? null;
    },
    takeValue(key, owner) {
      checkKey(key, 'takeValue');
      if (owner !== undefined) checkKey(owner, 'takeValue', 'owner');
      // DELETE … RETURNING (or the owner's tombstone UPDATE): the one caller that took the row gets it.
      return takeOne.immediate(key, owner ?? null);
    },
    deleteKey(key) {
      checkKey(key, 'deleteKey');
      deleteAll.immediate(key);
    },
    hit(key, limit, windowMs, hitId) {
      checkKey(key, 'hit');
      checkPositiveInt(limit, 'hit', 'limit');
      checkPositiveInt(windowMs, 'hit', 'windowMs');
      if (hitId !== undefined) checkKey(hitId, 'hit', 'hitId');
      return count.immediate(key, limit, windowMs, hitId ?? null);
    },
    purgeExpired(options) {
      const limit = checkPurge(options);
      return limit === null ? purge.immediate(now()) : purgeSome.immediate(now(), limit);
    },
  };
}
