import { checkKey, checkPositiveInt, checkPurge } from '../../../_memory/args.js';
import type { CashCodeStore, PurgeOptions } from '../../../contract.js';
import { duplicateKey, type MysqlAccess, RetryTransaction } from './query.js';
import { keyStatements } from './sql.js';

/** The key and counter operations of the MySQL store; each is one statement or one transaction. */
export type MysqlKeyTable = Pick<
  CashCodeStore,
  'consumeOnce' | 'putValue' | 'getValue' | 'takeValue' | 'deleteKey' | 'hit'
> & {
  /** Delete expired markers, values and counters (at most `limit`); resolves to the number removed. */
  purgeExpired(options?: PurgeOptions): Promise<number>;
};

const truthy = (value: unknown): boolean => value === true || Number(value) === 1;

/** An insert of a row that a concurrent transaction inserted first: run the transaction again to see it. */
function raced(error: unknown): never {
  if (duplicateKey(error) === 'PRIMARY') throw new RetryTransaction();
  throw error;
}

/** Create the key and counter operations over `db` for tables named `<prefix>…`. */
export function createMysqlKeyTable(db: MysqlAccess, prefix: string): MysqlKeyTable {
  const sql = keyStatements(prefix);

  return {
    // The marker's row, locked, decides: absent (insert), expired (revive), or live: "you got it" only
    // for the owner that set it, so a re-execution answers what the first execution answered.
    async consumeOnce(key, ttlMs, owner) {
      checkKey(key, 'consumeOnce');
      checkPositiveInt(ttlMs, 'consumeOnce', 'ttlMs');
      if (owner !== undefined) checkKey(owner, 'consumeOnce', 'owner');
      return db.transact(async (tx) => {
        const row = (await tx.query(sql.onceLock, [key]))[0];
        if (row === undefined) {
          await tx.exec(sql.onceInsert, [key, ttlMs, owner ?? null]).catch(raced);
          return true;
        }
        if (truthy(row.expired)) {
          await tx.exec(sql.onceRevive, [ttlMs, owner ?? null, key]);
          return true;
        }
        return owner !== undefined && row.owner === owner;
      });
    },

    async putValue(key, value, ttlMs) {
      checkKey(key, 'putValue');
      if (typeof value !== 'string') checkKey(value, 'putValue', 'value');
      checkPositiveInt(ttlMs, 'putValue', 'ttlMs');
      await db.exec(sql.putValue, [key, value, ttlMs, value, ttlMs]);
    },

    async getValue(key) {
      checkKey(key, 'getValue');
      const row = (await db.query(sql.getValue, [key]))[0];
      return row === undefined ? null : String(row.value);
    },

    // Without an owner the take deletes the row; with one it turns the value into the owner's
    // tombstone, which the same owner's re-execution finds again until the value's former expiry.
    async takeValue(key, owner) {
      checkKey(key, 'takeValue');
      if (owner !== undefined) checkKey(owner, 'takeValue', 'owner');
      return db.transact(async (tx) => {
        const row = (await tx.query(sql.valueLock, [key]))[0];
        if (row === undefined) return null;
        const live = truthy(row.live);
        if (owner === undefined) {
          if (row.owner !== null) return null;
          await tx.exec(sql.valueDelete, [key]);
          return live ? String(row.value) : null;
        }
        if (!live || (row.owner !== null && row.owner !== owner)) return null;
        if (row.owner === null) await tx.exec(sql.valueTake, [owner, key]);
        return String(row.value);
      });
    },

    async deleteKey(key) {
      checkKey(key, 'deleteKey');
      await db.transact(async (tx) => {
        await tx.exec(sql.deleteKeys, [key]);
        await tx.exec(sql.deleteCounter, [key]);
      });
    },

    // The counter's row, locked, decides: a lapsed window restarts at 1, a full one stays as it is, and
    // a re-execution of the last hit (same `hitId`) changes nothing and answers the first answer.
    async hit(key, limit, windowMs, hitId) {
      checkKey(key, 'hit');
      checkPositiveInt(limit, 'hit', 'limit');
      checkPositiveInt(windowMs, 'hit', 'windowMs');
      if (hitId !== undefined) checkKey(hitId, 'hit', 'hitId');
      const row = await db.transact(async (tx) => {
        const stored = (await tx.query(sql.counterLock, [key]))[0];
        if (stored === undefined) {
          await tx.exec(sql.counterInsert, [key, windowMs, hitId ?? null]).catch(raced);
        } else {
          const count = Number(stored.count);
          const replay = hitId !== undefined && stored.hit_id === hitId;
          const [next, window, counted] = truthy(stored.lapsed)
            ? [1, windowMs, true]
            : replay
              ? [count, null, truthy(stored.counted)]
              : count < limit
                ? [count + 1, null, true]
                : [count, null, false];
          await tx.exec(sql.counterUpdate, [next, window, counted, hitId ?? null, key]);
        }
        return (await tx.query(sql.counterRead, [key]))[0]!;
      });
      return {
        allowed: truthy(row.counted),
        count: Math.min(Number(row.count), limit),
        resetAt: new Date(Number(row.reset_at)),
      };
    },

    async purgeExpired(options) {
      const limit = checkPurge(options);
      if (limit === null) {
        const keys = await db.exec(sql.purgeKeys);
        const counters = await db.exec(sql.purgeCounters);
        return keys.affectedRows + counters.affectedRows;
      }
      // Oldest expiries first; the limit is a checked integer, spliced because `LIMIT ?` is not
      // accepted as a prepared-statement parameter by every MySQL version.
      const keys = await db.exec(`${sql.purgeKeys} ORDER BY expires_at LIMIT ${limit}`);
      if (keys.affectedRows >= limit) return keys.affectedRows;
      const counters = await db.exec(`${sql.purgeCounters} ORDER BY reset_at LIMIT ${limit - keys.affectedRows}`);
      return keys.affectedRows + counters.affectedRows;
    },
  };
}
