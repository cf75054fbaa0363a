import { type CashCode, CODE_STATUSES, type CodeStatus } from '../../../../model/code.js';
import { checkStaleReservations, encodeCursor, resolveListFilter } from '../../../_memory/args.js';
import type { CodePage, ListCodesFilter, StaleReservationsOptions } from '../../../contract.js';
import { deserializeCode } from '../../../contract.js';
import type { SqliteDatabase } from './schema.js';

// The read paths that must cost what they return, not what the table holds. Each filter shape of
// listCodes is its own statement (no `@x IS NULL OR …` guard, which makes SQLite give up on every
// index), and `INDEXED BY` pins the index, since without ANALYZE statistics SQLite may prefer a walk
// of the primary key. The statements are exported so the scale tests EXPLAIN the very SQL that runs.

/** The columns every code read selects (alias `c`). */
export const CODE_COLUMNS = 'c.id, c.order_id, c.version, c.cip, c.write_id, c.data';

/** Which filters a listCodes page has: they pick its statement. */
export interface ListShape {
  /** How many statuses are filtered on (0: every status). */
  statuses: number;
  since: boolean;
  after: boolean;
}

/**
 * The statement of one listCodes shape; named parameters `@s0…`, `@since`, `@after`, `@limit`.
 * Without statuses: the primary key in id order (or the update-time index, then sorted by id). With
 * statuses: one branch per status over its own index, each stopping at the limit, merged by id, so a
 * page reads at most `statuses × limit` rows (plus, with `since`, the codes updated since then).
 */
export function listCodesSql(p: string, shape: ListShape): string {
  const branch = (status: string | null): string => {
    const index = status === null ? 'codes_updated_idx' : shape.since ? 'codes_status_updated_idx' : 'codes_status_idx';
    const where = [
      ...(status === null ? [] : [`c.status = ${status}`]),
      ...(shape.since ? ['c.updated_at >= @since'] : []),
      ...(shape.after ? ['c.id > @after'] : []),
    ];
    const hint = status !== null || shape.since ? ` INDEXED BY ${p}${index}` : '';
    const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    return `SELECT ${CODE_COLUMNS} FROM ${p}codes c${hint}${filter} ORDER BY c.id LIMIT @limit`;
  };
  if (shape.statuses <= 1) return branch(shape.statuses === 0 ? null : '@s0');
  const branches = Array.from({ length: shape.statuses }, (_, i) => `SELECT * FROM (${branch(`@s${i}`)})`);
  return `${branches.join(' UNION ALL ')} ORDER BY id LIMIT @limit`;
}

/** Every listCodes shape (for the scale tests): up to `maxStatuses` statuses, with and without since and cursor. */
export function listCodesShapes(maxStatuses = 2): ListShape[] {
  const shapes: ListShape[] = [];
  for (let statuses = 0; statuses <= maxStatuses; statuses += 1) {
    for (const since of [false, true]) for (const after of [false, true]) shapes.push({ statuses, since, after });
  }
  return shapes;
}

/**
 * Stale reservations in lease order, from the partial index on `reserve_until` (which only
 * `reserving` codes fill). Parameters `@cutoff`, `@limit`.
 */
export const staleReservationsSql = (p: string): string =>
  `SELECT ${CODE_COLUMNS} FROM ${p}codes c INDEXED BY ${p}codes_reserve_idx
   WHERE c.status = 'reserving' AND c.reserve_until <= @cutoff
   ORDER BY c.reserve_until, c.id LIMIT @limit`;

/**
 * Reserving codes with no `reserve_until`: written by a 0.2 process (which knows nothing of the column)
 * during a rolling upgrade. Their lease is read from the document; they are few (creations in flight)
 * and sit at the NULL end of the same partial index.
 */
export const legacyReservationsSql = (p: string): string =>
  `SELECT ${CODE_COLUMNS} FROM ${p}codes c INDEXED BY ${p}codes_reserve_idx
   WHERE c.status = 'reserving' AND c.reserve_until IS NULL`;

/** A stale reservation's place in lease order: no lease first, then by lease end, then by id. */
export function byLease(a: CashCode, b: CashCode): number {
  const lease = (code: CashCode): number => code.leaseUntil?.getTime() ?? Number.NEGATIVE_INFINITY;
  return lease(a) - lease(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Whether a code's creation lease ended at or before `cutoff` (or it has none). */
export const leaseEnded = (code: CashCode, cutoff: number): boolean =>
  code.leaseUntil === null || code.leaseUntil.getTime() <= cutoff;

/**
 * claimExpired's statement. What this owner still holds comes first (a re-executed claim gets it
 * back), then due codes no one holds; each branch walks its own partial index and stops at the limit.
 * Parameters `@owner`, `@cutoff`, `@clock`, `@limit`.
 */
export const dueCodesSql = (p: string): string =>
  `SELECT * FROM (
     SELECT ${CODE_COLUMNS} FROM ${p}codes c INDEXED BY ${p}codes_held_idx
     WHERE status = 'pending' AND sweep_lease_owner IS NOT NULL AND sweep_lease_owner = @owner AND sweep_lease_until > @clock
     ORDER BY expires_at, id LIMIT @limit)
   UNION ALL
   SELECT * FROM (
     SELECT ${CODE_COLUMNS} FROM ${p}codes c INDEXED BY ${p}codes_due_idx
     WHERE status = 'pending' AND expires_at <= @cutoff AND (sweep_lease_until IS NULL OR sweep_lease_until <= @clock)
     ORDER BY expires_at, id LIMIT @limit)`;

interface Statement {
  all(params: Record<string, unknown>): unknown[];
}

/** The listing reads of the SQLite store. */
export interface SqliteListing {
  listCodes(filter?: ListCodesFilter): CodePage;
  listStaleReservations(options: StaleReservationsOptions): CashCode[];
}

const decode = (rows: unknown[]): CashCode[] => rows.map((row) => deserializeCode((row as { data: string }).data));

/** Create the listing reads for tables named `<prefix>…`; a shape's statement is prepared on first use. */
export function createSqliteListing(db: SqliteDatabase, prefix: string): SqliteListing {
  const prepared = new Map<string, Statement>();
  const statement = (shape: ListShape): Statement => {
    const key = `${shape.statuses}:${shape.since}:${shape.after}`;
    let found = prepared.get(key);
    if (found === undefined) {
      found = db.prepare(listCodesSql(prefix, shape)) as unknown as Statement;
      prepared.set(key, found);
    }
    return found;
  };
  const stale = db.prepare(staleReservationsSql(prefix)) as unknown as Statement;
  const legacy = db.prepare(legacyReservationsSql(prefix)) as unknown as Statement;

  return {
    listCodes(filter) {
      const { statuses, updatedSince, limit, afterId } = resolveListFilter(filter);
      // Every status at once is no filter at all: the primary key serves it.
      const wanted: CodeStatus[] = statuses === null || statuses.size === CODE_STATUSES.length ? [] : [...statuses];
      const params: Record<string, unknown> = { limit: limit + 1 };
      wanted.forEach((status, index) => {
        params[`s${index}`] = status;
      });
      if (updatedSince !== null) params.since = updatedSince;
      if (afterId !== null) params.after = afterId;
      const shape = { statuses: wanted.length, since: updatedSince !== null, after: afterId !== null };
      const rows = statement(shape).all(params);
      const codes = decode(rows.slice(0, limit));
      const last = codes.at(-1);
      return { codes, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null };
    },
    listStaleReservations(options) {
      const { cutoff, limit } = checkStaleReservations(options);
      const older = decode(legacy.all({})).filter((code) => leaseEnded(code, cutoff));
      const listed = decode(stale.all({ cutoff, limit }));
      return older.length === 0 ? listed : [...older, ...listed].sort(byLease).slice(0, limit);
    },
  };
}
