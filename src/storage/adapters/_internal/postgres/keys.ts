import { checkEntry, checkKey, checkPositiveInt } from '../../../_memory/args.js';
import type { CashCodeStore } from '../../../contract.js';
import { deserializeEntry, serializeEntry } from '../../../contract.js';
import type { KeyMethod } from '../shared.js';
import type { PgQuery } from './query.js';
import { keyStatements } from './sql.js';

/** The key, counter and log operations of the PostgreSQL store; each is one atomic statement. */
export type PgKeyTable = Pick<CashCodeStore, KeyMethod> & {
  /** Delete expired markers, values and counters; resolves to the number of rows removed. */
  purgeExpired(): Promise<number>;
};

/** Create the key, counter and log operations over `query` for tables named `<prefix>…`. */
export function createPgKeyTable(query: PgQuery, prefix: string): PgKeyTable {
  const sql = keyStatements(prefix);

  return {
    async consumeOnce(key, ttlMs) {
      checkKey(key, 'consumeOnce');
      checkPositiveInt(ttlMs, 'consumeOnce', 'ttlMs');
      return (await query(sql.consumeOnce, [key, ttlMs])).length === 1;
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

    async takeValue(key) {
      checkKey(key, 'takeValue');
      // DELETE … RETURNING: of concurrent takers only the one that deleted the row gets it.
      const row = (await query(sql.takeValue, [key]))[0];
      return row !== undefined && row.live === true ? (row.value as string) : null;
    },

    async deleteKey(key) {
      checkKey(key, 'deleteKey');
      await query(sql.deleteKey, [key]);
    },

    async hit(key, limit, windowMs) {
      checkKey(key, 'hit');
      checkPositiveInt(limit, 'hit', 'limit');
      checkPositiveInt(windowMs, 'hit', 'windowMs');
      const row = (await query(sql.hit, [key, limit, windowMs]))[0]!;
      return {
        allowed: row.counted === true,
        count: Math.min(row.count as number, limit),
        resetAt: new Date((row.reset_at as Date).getTime()),
      };
    },

    async appendLog(entry) {
      checkEntry(entry);
      await query(sql.append, [entry.subject, serializeEntry(entry)]);
    },

    async readLog(subject) {
      checkKey(subject, 'readLog', 'subject');
      const rows = await query(sql.read, [subject]);
      return rows.map((row) => deserializeEntry(row.entry as string));
    },

    async purgeExpired() {
      const row = (await query(sql.purge))[0];
      return (row?.purged as number | undefined) ?? 0;
    },
  };
}
