import { type CashCode, CODE_STATUSES, type CodeStatus } from '../../../../model/code.js';
import {
  checkLogPage,
  checkStaleReservations,
  encodeCursor,
  encodeLogCursor,
  resolveListFilter,
} from '../../../_memory/args.js';
import type { CashCodeStore } from '../../../contract.js';
import { deserializeCode, deserializeEntry } from '../../../contract.js';
import type { MysqlAccess, MysqlRow } from './query.js';

// The paged reads of the MySQL store, each of which must cost what it returns, not what the table
// holds. Every listCodes filter shape is its own statement, and `FORCE INDEX` names the index: on a
// fresh table (no statistics yet) the optimizer may otherwise pick another status-led index and sort.
// The statements are exported so the scale tests EXPLAIN the very SQL that runs.

/** Which filters a listCodes page has: they pick its statement. */
export interface ListShape {
  /** How many statuses are filtered on (0: every status). */
  statuses: number;
  since: boolean;
  after: boolean;
}

/**
 * The statement of one listCodes shape. Values, per status branch: the status, then `since` and
 * `after` when present, then the limit; a statement of several branches ends with the limit once more.
 * Without statuses: the primary key in id order, or (with `since`) the update-time index, then sorted.
 * With statuses: one branch per status over its own index, each stopping at the limit, merged by id.
 */
export function listCodesSql(p: string, shape: ListShape): string {
  const branch = (status: boolean): string => {
    const index = !status ? 'codes_updated_idx' : shape.since ? 'codes_status_updated_idx' : 'codes_status_idx';
    const where = [
      ...(status ? ['status = ?'] : []),
      ...(shape.since ? ['updated_at >= ?'] : []),
      ...(shape.after ? ['id > ?'] : []),
    ];
    const hint = status || shape.since ? ` FORCE INDEX (${index})` : '';
    const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    return `SELECT id, data FROM ${p}codes${hint}${filter} ORDER BY id LIMIT ?`;
  };
  if (shape.statuses <= 1) return branch(shape.statuses === 1);
  return `${Array.from({ length: shape.statuses }, () => `(${branch(true)})`).join(' UNION ALL ')} ORDER BY id LIMIT ?`;
}

/** The values of {@link listCodesSql} for `shape`. */
export function listCodesValues(
  statuses: readonly string[],
  since: number | null,
  after: string | null,
  limit: number,
): unknown[] {
  const tail = [...(since === null ? [] : [since]), ...(after === null ? [] : [after]), limit];
  if (statuses.length === 0) return tail;
  const values = statuses.flatMap((status) => [status, ...tail]);
  return statuses.length > 1 ? [...values, limit] : values;
}

/** Stale reservations in lease order: one range of the `reserve_until` index (NULL outside `reserving`). */
export const staleReservationsSql = (p: string): string =>
  `SELECT data FROM ${p}codes FORCE INDEX (codes_reserve_idx)
   WHERE reserve_until <= ? AND status = 'reserving'
   ORDER BY reserve_until, id LIMIT ?`;

/**
 * Reserving codes with no `reserve_until`: written by a 0.2 process (which knows nothing of the column)
 * during a rolling upgrade. Their lease is read from the document; they are few (creations in flight),
 * found through `(status, id)`, since the NULL end of `codes_reserve_idx` holds every other code.
 */
export const legacyReservationsSql = (p: string): string =>
  `SELECT data FROM ${p}codes FORCE INDEX (codes_status_idx) WHERE status = 'reserving' AND reserve_until IS NULL`;

/** A stale reservation's place in lease order: no lease first, then by lease end, then by id. */
function byLease(a: CashCode, b: CashCode): number {
  const lease = (code: CashCode): number => code.leaseUntil?.getTime() ?? Number.NEGATIVE_INFINITY;
  return lease(a) - lease(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** One page of a subject's log, newest first, from the (subject, seq) index; `older` adds `seq < ?`. */
export const logPageSql = (p: string, older: boolean): string =>
  `SELECT seq, entry FROM ${p}log FORCE INDEX (log_subject_idx)
   WHERE subject = ?${older ? ' AND seq < ?' : ''} ORDER BY seq DESC LIMIT ?`;

/** The paged reads of the MySQL store. */
export type MysqlListing = Required<Pick<CashCodeStore, 'listCodes' | 'listStaleReservations' | 'readLogPage'>>;

const decode = (rows: MysqlRow[]): CashCode[] => rows.map((row) => deserializeCode(String(row.data)));

/** Create the paged reads over `db` for tables named `<prefix>…`. */
export function createMysqlListing(db: MysqlAccess, prefix: string): MysqlListing {
  return {
    async listCodes(filter) {
      const { statuses, updatedSince, limit, afterId } = resolveListFilter(filter);
      // Every status at once is no filter at all: the primary key serves it.
      const wanted: CodeStatus[] = statuses === null || statuses.size === CODE_STATUSES.length ? [] : [...statuses];
      const shape = { statuses: wanted.length, since: updatedSince !== null, after: afterId !== null };
      const rows = await db.query(
        listCodesSql(prefix, shape),
        listCodesValues(wanted, updatedSince, afterId, limit + 1),
      );
      const codes = decode(rows.slice(0, limit));
      const last = codes.at(-1);
      return { codes, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null };
    },

    async listStaleReservations(options) {
      const { cutoff, limit } = checkStaleReservations(options);
      const older = decode(await db.query(legacyReservationsSql(prefix))).filter(
        (code) => code.leaseUntil === null || code.leaseUntil.getTime() <= cutoff,
      );
      const listed = decode(await db.query(staleReservationsSql(prefix), [cutoff, limit]));
      return older.length === 0 ? listed : [...older, ...listed].sort(byLease).slice(0, limit);
    },

    async readLogPage(subject, options) {
      const { limit, before } = checkLogPage('mysql', subject, options);
      const rows =
        before === null
          ? await db.query(logPageSql(prefix, false), [subject, limit + 1])
          : await db.query(logPageSql(prefix, true), [subject, before, limit + 1]);
      const page = rows.slice(0, limit).reverse();
      const first = page[0];
      return {
        entries: page.map((row) => deserializeEntry(String(row.entry))),
        nextCursor:
          rows.length > limit && first !== undefined ? encodeLogCursor('mysql', subject, Number(first.seq)) : null,
      };
    },
  };
}
