import { checkKey, checkPositiveInt, checkPurge } from '../../../_memory/args.js';
import type { CashCodeStore, PurgeOptions } from '../../../contract.js';
import type { PgQuery } from './query.js';
import { keyStatements } from './sql.js';

/** The key and counter operations of the PostgreSQL store; each is one atomic statement. */
export type PgKeyTable = Pick<
  CashCodeStore,
  'consumeOnce' | 'putValue' | 'getValue' | 'takeValue' | 'deleteKey' | 'hit'
> & {
  /** Delete expired markers, values and counters (at most `limit`); resolves to the number removed. */
  purgeExpired(options?: PurgeOptions): Promise<number>;
};

/** Create the key and counter operations over `query` for tables named `<prefix>…`. */
export function createPgKeyTable(query: PgQuery, prefix: string): PgKeyTable {
  const sql = keyStatements(prefix);

  return {
    async consumeOnce(key, ttlMs, owner) {
      checkKey(key, 'consumeOnce');
      checkPositiveInt(ttlMs, 'consumeOnce', 'ttlMs');
      if (owner !== undefined) checkKey(owner, 'consumeOnce', 'owner');
      return (await query(sql.consumeOnce, [key, ttlMs, owner ?? null])).length === 1;
    },

    async putValue(key, value, ttlMs) {
      checkKey(key, 'putValue');
      if (typeof value !== 'string') checkKey(value, 'putValue', 'value');
      checkPositiveInt(ttlMs, 'putValue', 'ttlMs');
      await query(sql.putValue, [key, value, ttlMs]);
    },

    async getValue(key) {
      checkKey(key, 'getValue');
      const row = (await query(sql.getValue, [key]))[0];
      return row === undefined ? null : (row.value as string);
    },

    async takeValue(key, owner) {
      checkKey(key, 'takeValue');
      if (owner !== undefined) {
        checkKey(owner, 'takeValue', 'owner');
        const row = (await query(sql.takeValueAs, [key, owner]))[0];
        return row === undefined ? null : (row.value as string);
      }
      // DELETE … RETURNING: of concurrent takers only the one that deleted the row gets it.
      const row = (await query(sql.takeValue, [key]))[0];
      return row !== undefined && row.live === true ? (row.value as string) : null;
    },

    async deleteKey(key) {
      checkKey(key, 'deleteKey');
      await query(sql.deleteKey, [key]);
    },

    async hit(key, limit, windowMs, hitId) {
      checkKey(key, 'hit');
      checkPositiveInt(limit, 'hit', 'limit');
      checkPositiveInt(windowMs, 'hit', 'windowMs');
      if (hitId !== undefined) checkKey(hitId, 'hit', 'hitId');
      const row = (await query(sql.hit, [key, limit, windowMs, hitId ?? null]))[0]!;
      return {
        allowed: row.counted === true,
        count: Math.min(row.count as number, limit),
        resetAt: new Date((row.reset_at as Date).getTime()),
      };
    },

    async purgeExpired(options) {
      const limit = checkPurge(options);
      const row = (await (limit === null ? query(sql.purge) : query(sql.purgeBatch, [limit])))[0];
      return (row?.purged as number | undefined) ?? 0;
    },
  };
}
