import type pg from 'pg';
import type { CashCode } from '../../src/model/code.js';
import { serializeCode } from '../../src/storage/contract.js';
import { FINAL_STATUSES, HASH_MULTIPLIER, MARK, type Population, slotRange } from './population.js';

// MUST FOLLOW THE STORE'S SCHEMA: src/storage/adapters/_internal/postgres/schema.ts (and the columns
// its writes fill, `CODE_COLUMNS` in _internal/postgres/sql.ts). A seeded row is what `claimOrder`
// writes: the indexed columns beside the whole document (`serializeCode`, cast to jsonb as the store
// casts it), and the order's pointer row. Columns added later must be nullable or have defaults; if a
// migration adds one that these codes need, fill it here too.

const COLUMNS = 'id, order_id, status, version, cip, expires_at, updated_at, data';

/** Seeds a PostgreSQL store's tables: generated in SQL for populations, `unnest` arrays for given codes. */
export interface PostgresSeeder {
  final(population: Population, from: number, to: number): Promise<void>;
  codes(codes: readonly CashCode[]): Promise<void>;
}

/** Create the seeder of the tables `<prefix>…`; each call is one transaction. */
export function postgresSeeder(pool: pg.Pool, prefix: string): PostgresSeeder {
  // The id, order and CIP formulas of population.ts; the pointer rows come from the inserted codes.
  const generate = `
    WITH numbered AS (
      SELECT i, 'pc_' || lpad(to_hex((i / 1000) * 65536 + ((i % 65536) * ${HASH_MULTIPLIER}) % 65536), 8, '0') || '_' || lpad(i::text, 7, '0') AS id,
        $3::text || '-' || i AS order_id, (10000000000 + i)::text AS cip
      FROM generate_series($1::bigint, $2::bigint - 1) AS i
      WHERE i % 1000 >= $4 AND i % 1000 < $5
    ),
    inserted AS (
      INSERT INTO ${prefix}codes (${COLUMNS})
      SELECT id, order_id, $6::text, $7::integer, cip, $8::timestamptz, $9::timestamptz,
        replace(replace(replace(replace($10::text, '${MARK.id}', id), '${MARK.order}', order_id), '${MARK.cip}', cip),
          '${MARK.operation}', 'OP' || i)::jsonb
      FROM numbered
      RETURNING id, order_id
    )
    INSERT INTO ${prefix}orders (order_id, code_id) SELECT order_id, id FROM inserted`;

  async function transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  return {
    final: (population, from, to) =>
      transaction(async (client) => {
        for (const status of FINAL_STATUSES) {
          const template = population.template(status);
          const { from: lo, to: hi } = slotRange(status);
          await client.query(generate, [
            from,
            to,
            population.runTag,
            lo,
            hi,
            status,
            template.version,
            template.expiresAt,
            template.updatedAt,
            template.doc,
          ]);
        }
      }),
    codes: (codes) =>
      transaction(async (client) => {
        await client.query(
          `INSERT INTO ${prefix}codes (${COLUMNS})
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[],
             $6::timestamptz[], $7::timestamptz[], $8::jsonb[])`,
          [
            codes.map((code) => code.id),
            codes.map((code) => code.orderId),
            codes.map((code) => code.status),
            codes.map((code) => code.version),
            codes.map((code) => code.cip),
            codes.map((code) => code.expiresAt.toISOString()),
            codes.map((code) => code.updatedAt.toISOString()),
            codes.map(serializeCode),
          ],
        );
        await client.query(
          `INSERT INTO ${prefix}orders (order_id, code_id) SELECT * FROM unnest($1::text[], $2::text[])`,
          [codes.map((code) => code.orderId), codes.map((code) => code.id)],
        );
      }),
  };
}
