import { checkStaleReservations, encodeCursor, resolveListFilter } from '../../../_memory/args.js';
import type { CashCodeStore } from '../../../contract.js';
import { deserializeCode } from '../../../contract.js';
import type { PgQuery } from './query.js';

/** The listings of the PostgreSQL store: pages of codes and stale reservations, each one statement. */
export type PgListing = Required<Pick<CashCodeStore, 'listCodes' | 'listStaleReservations'>>;

/** Which filters a `listCodes` call has; each combination has a statement of its own. */
export type ListShape = 'all' | 'statuses' | 'since' | 'statusesSince';

// Before the first page the cursor is '' (ids are non-empty and compare in "C" order), so the cursor is
// no filter shape of its own. Each shape is one fixed statement without `$x IS NULL OR …` guards, whose
// plan (custom or generic, with or without table statistics) walks an index in id order and stops
// after `limit` rows: `codes_pkey` without statuses, `codes_status_idx (status, id)` once per asked
// status (LATERAL) with the pages merged, so a page costs `limit` rows per status however many codes
// there are. `updatedSince` is a filter on that walk: a full pagination reads each code after the
// cursor once (linear), but a page with few recent codes among many old ones reads the old ones too.
// $1 cursor, $2 limit (+1, to tell whether a next page exists), then $3 the statuses or updatedSince,
// $4 updatedSince with statuses.

/** The statement of each listing shape, and of `listStaleReservations`, for tables named `<p>…`. */
export function listStatements(p: string): Record<ListShape | 'stale', string> {
  const perStatus = (since: string): string => `
      SELECT x.id, x.data FROM unnest($3::text[]) AS s(status)
      CROSS JOIN LATERAL (
        SELECT c.id, c.data FROM ${p}codes c
        WHERE c.status = s.status AND c.id > $1::text${since}
        ORDER BY c.id
        LIMIT $2::integer
      ) AS x
      ORDER BY x.id
      LIMIT $2::integer`;
  const statusesStatement = (since: string): string => `
      SELECT data::text AS data FROM (${perStatus(since)}
      ) AS page
      ORDER BY id`;
  return {
    all: `
      SELECT data::text AS data FROM ${p}codes
      WHERE id > $1::text
      ORDER BY id
      LIMIT $2::integer`,
    statuses: statusesStatement(''),
    since: `
      SELECT data::text AS data FROM ${p}codes
      WHERE id > $1::text AND updated_at >= $3::timestamptz
      ORDER BY id
      LIMIT $2::integer`,
    statusesSince: statusesStatement(' AND c.updated_at >= $4::timestamptz'),
    // Reservations whose lease ended by $1, oldest lease first, from the partial index
    // `codes_stale_idx (reserve_until, id) WHERE status = 'reserving'`. Rows written by a 0.2 process
    // during a rolling deploy have no `reserve_until`: the second branch reads their lease from the
    // document (reserving rows are few: creations in flight).
    stale: `
      SELECT data FROM (
        (SELECT data::text AS data, reserve_until AS lease, id FROM ${p}codes
         WHERE status = 'reserving' AND reserve_until <= $1::timestamptz
         ORDER BY reserve_until, id
         LIMIT $2::integer)
        UNION ALL
        (SELECT data::text, NULL, id FROM ${p}codes
         WHERE status = 'reserving' AND reserve_until IS NULL
           AND COALESCE((data->>'leaseUntil')::timestamptz, '-infinity') <= $1::timestamptz
         ORDER BY id
         LIMIT $2::integer)
      ) AS stale
      ORDER BY lease NULLS FIRST, id
      LIMIT $2::integer`,
  };
}

/** The shape of a resolved filter. */
export function listShape(statuses: unknown, updatedSince: unknown): ListShape {
  if (statuses === null) return updatedSince === null ? 'all' : 'since';
  return updatedSince === null ? 'statuses' : 'statusesSince';
}

/** Create the listings over `query` for tables named `<prefix>…`. */
export function createPgListing(query: PgQuery, prefix: string): PgListing {
  const sql = listStatements(prefix);
  return {
    async listCodes(filter) {
      const { statuses, updatedSince, limit, afterId } = resolveListFilter(filter);
      const shape = listShape(statuses, updatedSince);
      const values: unknown[] = [afterId ?? '', limit + 1];
      if (statuses !== null) values.push([...statuses]);
      if (updatedSince !== null) values.push(new Date(updatedSince));
      const rows = await query(sql[shape], values);
      const codes = rows.slice(0, limit).map((row) => deserializeCode(row.data as string));
      const last = codes.at(-1);
      return { codes, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null };
    },

    async listStaleReservations(options) {
      const { cutoff, limit } = checkStaleReservations(options);
      const rows = await query(sql.stale, [new Date(cutoff), limit]);
      return rows.map((row) => deserializeCode(row.data as string));
    },
  };
}
