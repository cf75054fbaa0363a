import type { Client, Pool, PoolClient } from 'pg';
import { ConfigurationError } from '../../../../errors.js';

/** What `postgresStore` accepts: a `pg` Pool (recommended), a Client or a checked-out PoolClient. */
export type PgClient = Pool | Client | PoolClient;

/** A row as the adapter reads it. */
export type PgRow = Record<string, unknown>;

/** Run one SQL statement (or, without values, one multi-statement script) and return its rows. */
export type PgQuery = (text: string, values?: readonly unknown[]) => Promise<PgRow[]>;

interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: PgRow[] }>;
}

/**
 * Run `work` as one transaction on one connection: `BEGIN`, the statements `work` sends through the
 * query it is given, `COMMIT`, or `ROLLBACK` when `work` throws. Only what cannot be one statement
 * uses it (a batch that changes one code twice).
 */
export type PgTransaction = <T>(work: (query: PgQuery) => Promise<T>) => Promise<T>;

interface Checkout extends Queryable {
  release(destroy?: boolean): void;
}

function checkClient(client: PgClient): Queryable {
  if (typeof client !== 'object' || client === null || typeof (client as Partial<Queryable>).query !== 'function') {
    throw new ConfigurationError(
      'postgresStore(): pass a pg Pool (or Client) you created, e.g. `postgresStore(new pg.Pool({ connectionString }))`.',
    );
  }
  return client as unknown as Queryable;
}

const directOn =
  (queryable: Queryable): PgQuery =>
  async (text, values) => {
    const result = values === undefined ? await queryable.query(text) : await queryable.query(text, [...values]);
    return result.rows;
  };

/** `BEGIN`, `work`, `COMMIT` over `query`; `ROLLBACK` on failure, calling `broken` if that fails too. */
async function inTransaction<T>(
  query: PgQuery,
  work: (query: PgQuery) => Promise<T>,
  broken: () => void = () => undefined,
): Promise<T> {
  await query('BEGIN');
  try {
    const result = await work(query);
    await query('COMMIT');
    return result;
  } catch (error) {
    // A connection that broke cannot roll back: the server aborts its transaction by itself.
    await query('ROLLBACK').catch(broken);
    throw error;
  }
}

/**
 * Adapt the user's pg client. Store operations are single SQL statements (atomic on their own), so a
 * Pool, a Client or a PoolClient all work and no connection is held between operations. A Pool runs
 * statements in parallel on its connections (a transaction checks one out and gives it back); a
 * single connection gets them one at a time, in call order, a transaction as one unit (pg 8 only
 * queues overlapping queries with a deprecation warning, pg 9 will refuse them).
 */
export function pgConnection(client: PgClient): { query: PgQuery; transaction: PgTransaction } {
  const queryable = checkClient(client);
  const direct = directOn(queryable);
  if (typeof (client as Partial<Pool>).totalCount === 'number') {
    const pool = client as Pool;
    return {
      query: direct,
      async transaction(work) {
        const checkout = (await pool.connect()) as unknown as Checkout;
        let broken = false;
        try {
          return await inTransaction(directOn(checkout), work, () => {
            broken = true;
          });
        } finally {
          // A connection that could not roll back is never handed back to the pool.
          checkout.release(broken);
        }
      },
    };
  }
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = tail.then(task);
    tail = next.catch(() => undefined);
    return next;
  };
  return {
    query: (text, values) => serial(() => direct(text, values)),
    transaction: (work) => serial(() => inTransaction(direct, work)),
  };
}

/** The query half of {@link pgConnection}. */
export function pgQuery(client: PgClient): PgQuery {
  return pgConnection(client).query;
}

/** `pg`'s error fields the adapter looks at. */
interface PgDatabaseError {
  code?: unknown;
  constraint?: unknown;
}

/** The constraint named by a unique violation (SQLSTATE 23505), or `null` for any other error. */
export function uniqueViolation(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, constraint } = error as PgDatabaseError;
  return code === '23505' && typeof constraint === 'string' ? constraint : null;
}
