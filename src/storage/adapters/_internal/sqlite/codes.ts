import type { CashCode } from '../../../../model/code.js';
import { checkCode, checkKey, checkNextVersion, encodeCursor, resolveListFilter } from '../../../_memory/args.js';
import type { ClaimExpiredOptions, ClaimOptions, ClaimResult, CodePage, ListCodesFilter } from '../../../contract.js';
import { cloneCode, deserializeCode, serializeCode } from '../../../contract.js';
import { checkClaimExpired, conflictError, orderChange, replacingWithoutCode } from '../shared.js';
import type { SqliteDatabase } from './schema.js';

/** The code operations of the SQLite store, synchronous; writes run in IMMEDIATE transactions. */
export interface SqliteCodeTable {
  claimOrder(code: CashCode, options?: ClaimOptions): ClaimResult;
  getCode(id: string): CashCode | null;
  getCodeByCip(cip: string): CashCode | null;
  getCodeByOrder(orderId: string): CashCode | null;
  updateCode(code: CashCode, expectedVersion: number): boolean;
  listCodes(filter?: ListCodesFilter): CodePage;
  claimExpired(options: ClaimExpiredOptions): CashCode[];
}

interface CodeRow {
  id: string;
  order_id: string;
  version: number;
  cip: string | null;
  data: string;
}

interface ListParams {
  after: string | null;
  /** JSON array of statuses, or `null` for all. */
  statuses: string | null;
  since: number | null;
  limit: number;
}

const read = (row: CodeRow | undefined): CashCode | null => (row === undefined ? null : deserializeCode(row.data));

/**
 * Create the code operations for tables named `<prefix>…`. `now` (epoch ms) times the sweeper leases.
 * Each write is one `BEGIN IMMEDIATE` transaction: it holds the database's write lock from its first
 * read to its commit, so its checks and writes are atomic across every connection and process that
 * shares the file, and a failure rolls all of it back.
 */
export function createSqliteCodeTable(db: SqliteDatabase, prefix: string, now: () => number): SqliteCodeTable {
  const p = prefix;
  const cols = 'c.id, c.order_id, c.version, c.cip, c.data';
  const byId = db.prepare<[string], CodeRow>(`SELECT ${cols} FROM ${p}codes c WHERE c.id = ?`);
  const byCip = db.prepare<[string], CodeRow>(`SELECT ${cols} FROM ${p}codes c WHERE c.cip = ?`);
  const byOrder = db.prepare<[string], CodeRow>(
    `SELECT ${cols} FROM ${p}orders o JOIN ${p}codes c ON c.id = o.code_id WHERE o.order_id = ?`,
  );
  const insert = db.prepare(
    `INSERT INTO ${p}codes (id, order_id, status, version, cip, expires_at, updated_at, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    `UPDATE ${p}codes SET status = ?, version = ?, cip = ?, expires_at = ?, updated_at = ?, data = ? WHERE id = ?`,
  );
  const point = db.prepare(
    `INSERT INTO ${p}orders (order_id, code_id) VALUES (?, ?)
     ON CONFLICT (order_id) DO UPDATE SET code_id = excluded.code_id`,
  );
  const list = db.prepare<[ListParams], CodeRow>(
    `SELECT ${cols} FROM ${p}codes c
     WHERE (@after IS NULL OR id > @after)
       AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
       AND (@since IS NULL OR updated_at >= @since)
     ORDER BY id LIMIT @limit`,
  );
  const due = db.prepare<[number, number, number], CodeRow>(
    `SELECT ${cols} FROM ${p}codes c
     WHERE status = 'pending' AND expires_at <= ? AND (sweep_lease_until IS NULL OR sweep_lease_until <= ?)
     ORDER BY expires_at, id LIMIT ?`,
  );
  const lease = db.prepare(`UPDATE ${p}codes SET sweep_lease_until = ? WHERE id = ?`);

  const claim = db.transaction((code: CashCode, options: ClaimOptions): ClaimResult => {
    const current = byOrder.get(code.orderId);
    const replacing = options.replacing;
    if (current === undefined && replacing !== undefined) throw replacingWithoutCode();
    const wins = current === undefined || (current.id === replacing?.id && current.version === replacing.version);
    if (!wins) {
      return { claimed: false, current: deserializeCode(current.data) };
    }
    if (byId.get(code.id) !== undefined) throw conflictError('sqlite', 'claimOrder', 'id_conflict', { id: code.id });
    if (code.cip !== null && byCip.get(code.cip) !== undefined) {
      throw conflictError('sqlite', 'claimOrder', 'cip_conflict', { cip: code.cip });
    }
    const { id, orderId, status, version, cip, expiresAt, updatedAt } = code;
    insert.run(id, orderId, status, version, cip, expiresAt.getTime(), updatedAt.getTime(), serializeCode(code));
    point.run(orderId, id);
    return { claimed: true, code: cloneCode(code) };
  });

  const compareAndSet = db.transaction((code: CashCode, expectedVersion: number): boolean => {
    const stored = byId.get(code.id);
    if (stored === undefined || stored.version !== expectedVersion) return false;
    if (stored.order_id !== code.orderId) throw orderChange(stored.order_id);
    if (stored.cip !== null && stored.cip !== code.cip) {
      throw conflictError('sqlite', 'updateCode', 'cip_immutable', { id: code.id, cip: stored.cip });
    }
    const holder = code.cip === null ? undefined : byCip.get(code.cip);
    if (holder !== undefined && holder.id !== code.id) {
      throw conflictError('sqlite', 'updateCode', 'cip_conflict', { cip: code.cip });
    }
    const { status, version, cip, expiresAt, updatedAt } = code;
    update.run(status, version, cip, expiresAt.getTime(), updatedAt.getTime(), serializeCode(code), code.id);
    return true;
  });

  const takeDue = db.transaction((cutoff: number, limit: number, leaseMs: number): CashCode[] => {
    const clock = now();
    const rows = due.all(cutoff, clock, limit);
    for (const row of rows) lease.run(clock + leaseMs, row.id);
    return rows.map((row) => deserializeCode(row.data));
  });

  return {
    claimOrder(code, options = {}) {
      checkCode(code, 'claimOrder');
      return claim.immediate(code, options);
    },
    getCode: (id) => read(byId.get(checkKey(id, 'getCode', 'id'))),
    getCodeByCip: (cip) => read(byCip.get(checkKey(cip, 'getCodeByCip', 'cip'))),
    getCodeByOrder: (orderId) => read(byOrder.get(checkKey(orderId, 'getCodeByOrder', 'orderId'))),
    updateCode(code, expectedVersion) {
      checkNextVersion(code, expectedVersion);
      return compareAndSet.immediate(code, expectedVersion);
    },
    listCodes(filter) {
      const { statuses, updatedSince, limit, afterId } = resolveListFilter(filter);
      const statusJson = statuses === null ? null : JSON.stringify([...statuses]);
      const rows = list.all({ after: afterId, statuses: statusJson, since: updatedSince, limit: limit + 1 });
      const codes = rows.slice(0, limit).map((row) => deserializeCode(row.data));
      const last = codes.at(-1);
      return { codes, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null };
    },
    claimExpired(options) {
      const { cutoff, limit, leaseMs } = checkClaimExpired(options);
      return takeDue.immediate(cutoff, limit, leaseMs);
    },
  };
}
