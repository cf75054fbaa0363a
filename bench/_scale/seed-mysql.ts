import type { Pool, PoolConnection } from 'mysql2/promise';
import type { CashCode } from '../../src/model/code.js';
import { serializeCode } from '../../src/storage/contract.js';
import { FINAL_STATUSES, HASH_MULTIPLIER, MARK, type Population, slotRange } from './population.js';

// MUST FOLLOW THE STORE'S SCHEMA: src/storage/adapters/_internal/mysql/schema.ts (and the columns its
// writes fill in _internal/mysql/sql.ts). A seeded row is what `claimOrder` writes: the indexed
// columns beside the whole document (`serializeCode`, LONGTEXT), instants as BIGINT epoch
// milliseconds, and the order's pointer row. Columns added later must be nullable or have defaults;
// if a migration adds one that these codes need, fill it here too.

const COLUMNS = 'id, order_id, status, version, cip, expires_at, updated_at, data';
/** Numbers per generating statement: five cross-joined digit tables. */
const BLOCK = 100_000;
/** Given codes per multi-row INSERT (well under max_allowed_packet with ~900-byte documents). */
const ROWS_PER_STATEMENT = 2000;

const digits = (name: string): string =>
  `(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL
    SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) ${name}`;

/** The id, order and CIP formulas of population.ts, in MySQL, for the numbers `[? , ?)` of one block. */
const NUMBERED = `
  SELECT i, CONCAT('pc_', LPAD(LOWER(HEX((i DIV 1000) * 65536 + ((i % 65536) * ${HASH_MULTIPLIER}) % 65536)), 8, '0'), '_', LPAD(i, 7, '0')) AS id,
    CONCAT(?, '-', i) AS order_id, CAST(10000000000 + i AS CHAR) AS cip
  FROM (SELECT ? + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS i
        FROM ${digits('a')}, ${digits('b')}, ${digits('c')}, ${digits('e')}, ${digits('f')}) numbers
  WHERE i < ? AND i % 1000 >= ? AND i % 1000 < ?`;

/** Seeds a MySQL / MariaDB store's tables: generated in SQL for populations, multi-row inserts for given codes. */
export interface MysqlSeeder {
  final(population: Population, from: number, to: number): Promise<void>;
  codes(codes: readonly CashCode[]): Promise<void>;
}

async function transaction(pool: Pool, work: (connection: PoolConnection) => Promise<void>): Promise<void> {
  const connection = await pool.getConnection();
  try {
    await connection.query('START TRANSACTION');
    await work(connection);
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

/** Create the seeder of the tables `<prefix>…`; each call is one transaction. */
export function mysqlSeeder(pool: Pool, prefix: string): MysqlSeeder {
  const generateCodes = `
    INSERT INTO ${prefix}codes (${COLUMNS})
    SELECT id, order_id, ?, ?, cip, ?, ?,
      REPLACE(REPLACE(REPLACE(REPLACE(?, '${MARK.id}', id), '${MARK.order}', order_id), '${MARK.cip}', cip),
        '${MARK.operation}', CONCAT('OP', i))
    FROM (${NUMBERED}) numbered`;
  const generateOrders = `INSERT INTO ${prefix}orders (order_id, code_id) SELECT order_id, id FROM (${NUMBERED}) numbered`;

  return {
    final: (population, from, to) =>
      transaction(pool, async (connection) => {
        for (let start = from; start < to; start += BLOCK) {
          const end = Math.min(start + BLOCK, to);
          for (const status of FINAL_STATUSES) {
            const template = population.template(status);
            const { from: lo, to: hi } = slotRange(status);
            const range = [population.runTag, start, end, lo, hi];
            const fixed = [status, template.version, template.expiresAt.getTime(), template.updatedAt.getTime()];
            await connection.query(generateCodes, [...fixed, template.doc, ...range]);
            await connection.query(generateOrders, range);
          }
        }
      }),
    codes: (codes) =>
      transaction(pool, async (connection) => {
        for (let start = 0; start < codes.length; start += ROWS_PER_STATEMENT) {
          const slice = codes.slice(start, start + ROWS_PER_STATEMENT);
          const rows = slice.map((code) => [
            code.id,
            code.orderId,
            code.status,
            code.version,
            code.cip,
            code.expiresAt.getTime(),
            code.updatedAt.getTime(),
            serializeCode(code),
          ]);
          await connection.query(`INSERT INTO ${prefix}codes (${COLUMNS}) VALUES ?`, [rows]);
          const pointers = slice.map((code) => [code.orderId, code.id]);
          await connection.query(`INSERT INTO ${prefix}orders (order_id, code_id) VALUES ?`, [pointers]);
        }
      }),
  };
}
