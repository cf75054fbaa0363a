import type { LifecycleEntry } from '../../../../model/code.js';
import { checkEntry, checkKey, checkPositiveInt } from '../../../_memory/args.js';
import type { HitResult } from '../../../contract.js';
import { deserializeEntry, serializeEntry } from '../../../contract.js';
import type { SqliteDatabase } from './schema.js';

/** The key, counter and log operations of the SQLite store (synchronous). */
export interface SqliteKeyTable {
  consumeOnce(key: string, ttlMs: number): boolean;
  putValue(key: string, value: string, ttlMs: number): void;
  getValue(key: string): string | null;
  takeValue(key: string): string | null;
  deleteKey(key: string): void;
  hit(key: string, limit: number, windowMs: number): HitResult;
  appendLog(entry: LifecycleEntry): void;
  readLog(subject: string): LifecycleEntry[];
  purgeExpired(): number;
}

/** Create the key, counter and log operations for tables named `<prefix>…`; `now` drives every TTL. */
export function createSqliteKeyTable(db: SqliteDatabase, prefix: string, now: () => number): SqliteKeyTable {
  const p = prefix;
  // A live marker makes the upsert do nothing, and then RETURNING yields no row.
  const once = db.prepare<[string, number, number], { won: number }>(
    `INSERT INTO ${p}keys (kind, key, value, expires_at) VALUES ('once', ?, NULL, ?)
     ON CONFLICT (kind, key) DO UPDATE SET expires_at = excluded.expires_at WHERE ${p}keys.expires_at <= ?
     RETURNING 1 AS won`,
  );
  const put = db.prepare(
    `INSERT INTO ${p}keys (kind, key, value, expires_at) VALUES ('value', ?, ?, ?)
     ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const get = db.prepare<[string, number], { value: string }>(
    `SELECT value FROM ${p}keys WHERE kind = 'value' AND key = ? AND expires_at > ?`,
  );
  const take = db.prepare<[string], { value: string; expires_at: number }>(
    `DELETE FROM ${p}keys WHERE kind = 'value' AND key = ? RETURNING value, expires_at`,
  );
  const dropKey = db.prepare(`DELETE FROM ${p}keys WHERE kind IN ('once', 'value') AND key = ?`);
  const dropCounter = db.prepare(`DELETE FROM ${p}counters WHERE key = ?`);
  const counter = db.prepare<[string], { count: number; reset_at: number }>(
    `SELECT count, reset_at FROM ${p}counters WHERE key = ?`,
  );
  const setCounter = db.prepare(
    `INSERT INTO ${p}counters (key, count, reset_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET count = excluded.count, reset_at = excluded.reset_at`,
  );
  const append = db.prepare(`INSERT INTO ${p}log (subject, entry) VALUES (?, ?)`);
  const readLog = db.prepare<[string], { entry: string }>(`SELECT entry FROM ${p}log WHERE subject = ? ORDER BY seq`);
  const purgeKeys = db.prepare(`DELETE FROM ${p}keys WHERE expires_at <= ?`);
  const purgeCounters = db.prepare(`DELETE FROM ${p}counters WHERE reset_at <= ?`);

  // Every write is its own IMMEDIATE transaction, so it waits for the write lock (busy_timeout)
  // instead of failing when another process is writing.
  const consume = db.transaction((key: string, ttlMs: number): boolean => {
    const clock = now();
    return once.get(key, clock + ttlMs, clock) !== undefined;
  });
  const putOne = db.transaction((key: string, value: string, ttlMs: number) => {
    put.run(key, value, now() + ttlMs);
  });
  const takeOne = db.transaction((key: string): string | null => {
    const row = take.get(key);
    return row !== undefined && row.expires_at > now() ? row.value : null;
  });
  const appendOne = db.transaction((entry: LifecycleEntry) => {
    append.run(entry.subject, serializeEntry(entry));
  });
  const deleteAll = db.transaction((key: string) => {
    dropKey.run(key);
    dropCounter.run(key);
  });

  // The window starts at the first hit and never moves; a full window refuses without counting.
  const count = db.transaction((key: string, limit: number, windowMs: number): HitResult => {
    const clock = now();
    const row = counter.get(key);
    if (row === undefined || row.reset_at <= clock) {
      setCounter.run(key, 1, clock + windowMs);
      return { allowed: true, count: 1, resetAt: new Date(clock + windowMs) };
    }
    if (row.count >= limit)
      return { allowed: false, count: Math.min(row.count, limit), resetAt: new Date(row.reset_at) };
    setCounter.run(key, row.count + 1, row.reset_at);
    return { allowed: true, count: row.count + 1, resetAt: new Date(row.reset_at) };
  });

  const purge = db.transaction(
    (clock: number): number => purgeKeys.run(clock).changes + purgeCounters.run(clock).changes,
  );

  return {
    consumeOnce(key, ttlMs) {
      checkKey(key, 'consumeOnce');
      checkPositiveInt(ttlMs, 'consumeOnce', 'ttlMs');
      return consume.immediate(key, ttlMs);
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
    takeValue(key) {
      checkKey(key, 'takeValue');
      // DELETE … RETURNING: the one caller that deleted the row gets it (an expired row reads as absent).
      return takeOne.immediate(key);
    },
    deleteKey(key) {
      checkKey(key, 'deleteKey');
      deleteAll.immediate(key);
    },
    hit(key, limit, windowMs) {
      checkKey(key, 'hit');
      checkPositiveInt(limit, 'hit', 'limit');
      checkPositiveInt(windowMs, 'hit', 'windowMs');
      return count.immediate(key, limit, windowMs);
    },
    appendLog(entry) {
      checkEntry(entry);
      appendOne.immediate(entry);
    },
    readLog(subject) {
      checkKey(subject, 'readLog', 'subject');
      return readLog.all(subject).map((row) => deserializeEntry(row.entry));
    },
    purgeExpired: () => purge.immediate(now()),
  };
}
