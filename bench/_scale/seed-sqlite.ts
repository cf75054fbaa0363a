import type Database from 'better-sqlite3';
import type { CashCode } from '../../src/model/code.js';
import { serializeCode } from '../../src/storage/contract.js';
import { FINAL_STATUSES, HASH_MULTIPLIER, MARK, type Population, slotRange } from './population.js';

// MUST FOLLOW THE STORE'S SCHEMA: src/storage/adapters/_internal/sqlite/schema.ts (and the columns its
// writes fill in _internal/sqlite/codes.ts). A seeded row is what `claimOrder` writes: the indexed
// columns beside the whole document (`serializeCode`), instants as epoch milliseconds, and the
// order's pointer row. Columns added later must be nullable or have defaults; if a migration adds
// one that these codes need, fill it here too.

/** The id, order and CIP formulas of population.ts, in SQLite. */
const NUMBERED = `
  WITH RECURSIVE seq(i) AS (SELECT CAST(@from AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < @to),
  numbered AS (
    SELECT i,
      'pc_' || printf('%08x', (i / 1000) * 65536 + ((i % 65536) * ${HASH_MULTIPLIER}) % 65536) || '_' || printf('%07d', i) AS id,
      @tag || '-' || i AS order_id, CAST(10000000000 + i AS TEXT) AS cip
    FROM seq WHERE i % 1000 >= @lo AND i % 1000 < @hi
  )`;

/** Seeds a SQLite store's tables: generated in SQL for populations, prepared inserts for given codes. */
export interface SqliteSeeder {
  final(population: Population, from: number, to: number): Promise<void>;
  codes(codes: readonly CashCode[]): Promise<void>;
}

/** Create the seeder of the tables `<prefix>…` in `db`; each call is one transaction. */
export function sqliteSeeder(db: Database.Database, prefix: string): SqliteSeeder {
  const generateCodes = db.prepare(`${NUMBERED}
    INSERT INTO ${prefix}codes (id, order_id, status, version, cip, expires_at, updated_at, data)
    SELECT id, order_id, @status, @version, cip, @expiresAt, @updatedAt,
      replace(replace(replace(replace(@doc, '${MARK.id}', id), '${MARK.order}', order_id), '${MARK.cip}', cip),
        '${MARK.operation}', 'OP' || i)
    FROM numbered`);
  const generateOrders = db.prepare(`${NUMBERED}
    INSERT INTO ${prefix}orders (order_id, code_id) SELECT order_id, id FROM numbered`);
  const insertCode = db.prepare(
    `INSERT INTO ${prefix}codes (id, order_id, status, version, cip, expires_at, updated_at, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertOrder = db.prepare(`INSERT INTO ${prefix}orders (order_id, code_id) VALUES (?, ?)`);

  const final = db.transaction((population: Population, from: number, to: number) => {
    for (const status of FINAL_STATUSES) {
      const template = population.template(status);
      const { from: lo, to: hi } = slotRange(status);
      const range = { from, to, tag: population.runTag, lo, hi };
      generateCodes.run({
        ...range,
        status,
        version: template.version,
        expiresAt: template.expiresAt.getTime(),
        updatedAt: template.updatedAt.getTime(),
        doc: template.doc,
      });
      generateOrders.run(range);
    }
  });
  const given = db.transaction((codes: readonly CashCode[]) => {
    for (const code of codes) {
      const { id, orderId, status, version, cip } = code;
      const instants = [code.expiresAt.getTime(), code.updatedAt.getTime()];
      insertCode.run(id, orderId, status, version, cip, ...instants, serializeCode(code));
      insertOrder.run(orderId, id);
    }
  });
  return {
    final: async (population, from, to) => {
      if (to > from) final(population, from, to);
    },
    codes: async (codes) => {
      given(codes);
    },
  };
}
