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
 * Adapt the user's pg client. Every store operation is one SQL statement (atomic on its own), so a
 * Pool, a Client or a PoolClient all work and no connection is ever held between statements. A Pool
 * runs statements in parallel on its connections; a single connection gets them one at a time, in
 * call order (pg 8 only queues overlapping queries with a deprecation warning, pg 9 will refuse them).
 */
export function pgQuery(client: PgClient): PgQuery {
  if (typeof client !== 'object' || client === null || typeof (client as Partial<Queryable>).query !== 'function') {
    throw new ConfigurationError(
      'postgresStore(): pass a pg Pool (or Client) you created, e.g. `postgresStore(new pg.Pool({ connectionString }))`.',
    );
  }
  const queryable = client as unknown as Queryable;
  const direct: PgQuery = async (text, values) => {
    const result = values === undefined ? await queryable.query(text) : await queryable.query(text, [...values]);
    return result.rows;
  };
  if (typeof (client as Partial<Pool>).totalCount === 'number') return direct;
  let tail: Promise<unknown> = Promise.resolve();
  return (text, values) => {
    const next = tail.then(() => direct(text, values));
    tail = next.catch(() => undefined);
    return next;
  };
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
