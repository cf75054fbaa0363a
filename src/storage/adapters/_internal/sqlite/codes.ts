import type { CashCode } from '../../../../model/code.js';
import { checkClaimRecords, checkCode, checkCommit, checkKey, checkNextVersion } from '../../../_memory/args.js';
import type {
  ClaimExpiredOptions,
  ClaimOptions,
  ClaimResult,
  CodeCommit,
  CodePage,
  ListCodesFilter,
  RecordBatch,
  StaleReservationsOptions,
} from '../../../contract.js';
import { cloneCode, deserializeCode, serializeCode } from '../../../contract.js';
import { checkClaimExpired, checkCommitBatch, conflictError, orderChange, replacingWithoutCode } from '../shared.js';
import { CODE_COLUMNS, createSqliteListing, dueCodesSql } from './listing.js';
import type { SqliteRecords } from './records.js';
import { reserveUntil, type SqliteDatabase } from './schema.js';

/** The code operations of the SQLite store, synchronous; writes run in IMMEDIATE transactions. */
export interface SqliteCodeTable {
  claimOrder(code: CashCode, options?: ClaimOptions): ClaimResult;
  getCode(id: string): CashCode | null;
  getCodeByCip(cip: string): CashCode | null;
  getCodeByOrder(orderId: string): CashCode | null;
  updateCode(code: CashCode, expectedVersion: number): boolean;
  commitCode(commit: CodeCommit): boolean;
  commitCodes(commits: readonly CodeCommit[]): boolean[];
  listCodes(filter?: ListCodesFilter): CodePage;
  listStaleReservations(options: StaleReservationsOptions): CashCode[];
  claimExpired(options: ClaimExpiredOptions): CashCode[];
}

interface CodeRow {
  id: string;
  order_id: string;
  version: number;
  cip: string | null;
  write_id: string | null;
  data: string;
}

const read = (row: CodeRow | undefined): CashCode | null => (row === undefined ? null : deserializeCode(row.data));

/**
 * Create the code operations for tables named `<prefix>…`. `now` (epoch ms) times the sweeper leases.
 * Each write is one `BEGIN IMMEDIATE` transaction: it holds the database's write lock from its first
 * read to its commit, so its checks and writes are atomic across every connection and process that
 * shares the file, and a failure rolls all of it back. Claims and commits write their lifecycle
 * entries and outbox events through `records` inside that same transaction.
 */
export function createSqliteCodeTable(
  db: SqliteDatabase,
  prefix: string,
  now: () => number,
  records: SqliteRecords,
): SqliteCodeTable {
  const p = prefix;
  const listing = createSqliteListing(db, prefix);
  const cols = CODE_COLUMNS;
  const byId = db.prepare<[string], CodeRow>(`SELECT ${cols} FROM ${p}codes c WHERE c.id = ?`);
  const byCip = db.prepare<[string], CodeRow>(`SELECT ${cols} FROM ${p}codes c WHERE c.cip = ?`);
  const byOrder = db.prepare<[string], CodeRow>(
    `SELECT ${cols} FROM ${p}orders o JOIN ${p}codes c ON c.id = o.code_id WHERE o.order_id = ?`,
  );
  const insert = db.prepare(
    `INSERT INTO ${p}codes (id, order_id, status, version, cip, expires_at, updated_at, reserve_until, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // A code that leaves `pending` drops its sweeper lease (like the memory store); `write_id` is the
  // id of this write (NULL for updateCode), which is how a re-executed commit is recognised.
  const update = db.prepare(
    `UPDATE ${p}codes SET status = @status, version = @version, cip = @cip, expires_at = @expiresAt,
       updated_at = @updatedAt, reserve_until = @reserveUntil, data = @data, write_id = @writeId,
       sweep_lease_until = CASE WHEN @status = 'pending' THEN sweep_lease_until END,
       sweep_lease_owner = CASE WHEN @status = 'pending' THEN sweep_lease_owner END
     WHERE id = @id`,
  );
  const point = db.prepare(
    `INSERT INTO ${p}orders (order_id, code_id) VALUES (?, ?)
     ON CONFLICT (order_id) DO UPDATE SET code_id = excluded.code_id`,
  );
  // `INDEXED BY` pins the due index: without statistics SQLite would rather walk every pending code
  // through (status, id).
  const due = db.prepare<[{ owner: string | null; cutoff: number; clock: number; limit: number }], CodeRow>(
    dueCodesSql(p),
  );
  const lease = db.prepare(`UPDATE ${p}codes SET sweep_lease_until = ?, sweep_lease_owner = ? WHERE id = ?`);

  function store(code: CashCode, writeId: string | null): void {
    const { id, status, version, cip, expiresAt, updatedAt } = code;
    const row = { id, status, version, cip, expiresAt: expiresAt.getTime(), updatedAt: updatedAt.getTime() };
    update.run({ ...row, reserveUntil: reserveUntil(code), data: serializeCode(code), writeId });
  }

  const claim = db.transaction((code: CashCode, options: ClaimOptions, batch: RecordBatch): ClaimResult => {
    const current = byOrder.get(code.orderId);
    // A re-executed claim: the order already points at this very code, still at its first version.
    if (current !== undefined && current.id === code.id && current.version === code.version) {
      return { claimed: true, code: deserializeCode(current.data) };
    }
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
    const times = [expiresAt.getTime(), updatedAt.getTime(), reserveUntil(code)];
    insert.run(id, orderId, status, version, cip, ...times, serializeCode(code));
    point.run(orderId, id);
    records.write(batch);
    return { claimed: true, code: cloneCode(code) };
  });

  function compareAndSet(code: CashCode, expectedVersion: number, operation: string): CodeRow | null {
    const stored = byId.get(code.id);
    if (stored === undefined || stored.version !== expectedVersion) return null;
    if (stored.order_id !== code.orderId) throw orderChange(stored.order_id);
    if (stored.cip !== null && stored.cip !== code.cip) {
      throw conflictError('sqlite', operation, 'cip_immutable', { id: code.id, cip: stored.cip });
    }
    const holder = code.cip === null ? undefined : byCip.get(code.cip);
    if (holder !== undefined && holder.id !== code.id) {
      throw conflictError('sqlite', operation, 'cip_conflict', { cip: code.cip });
    }
    return stored;
  }

  const updateOne = db.transaction((code: CashCode, expectedVersion: number): boolean => {
    if (compareAndSet(code, expectedVersion, 'updateCode') === null) return false;
    store(code, null);
    return true;
  });

  // The compare-and-set, its entries and its events in one IMMEDIATE transaction. A re-execution finds
  // the code at the new version with this write id: the commit landed, so it answers true again.
  function commitInside(commit: CodeCommit, batch: RecordBatch): boolean {
    const { code, expectedVersion, writeId } = commit;
    const stored = byId.get(code.id);
    if (stored !== undefined && stored.version === code.version && stored.write_id === writeId) return true;
    if (compareAndSet(code, expectedVersion, 'commitCode') === null) return false;
    store(code, writeId);
    records.write(batch);
    return true;
  }
  const commitOne = db.transaction(commitInside);
  // A batch is one transaction: each commit judged on its own, and any throw rolls all of them back.
  const commitMany = db.transaction((commits: readonly CodeCommit[], batches: readonly RecordBatch[]): boolean[] =>
    commits.map((commit, index) => commitInside(commit, batches[index]!)),
  );

  const takeDue = db.transaction((cutoff: number, limit: number, leaseMs: number, owner: string | null): CashCode[] => {
    const clock = now();
    const rows = due.all({ owner, cutoff, clock, limit }).slice(0, limit);
    for (const row of rows) lease.run(clock + leaseMs, owner, row.id);
    const taken = rows.map((row) => deserializeCode(row.data));
    return taken.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : 1));
  });

  return {
    claimOrder(code, options = {}) {
      checkCode(code, 'claimOrder');
      return claim.immediate(code, options, checkClaimRecords(options));
    },
    getCode: (id) => read(byId.get(checkKey(id, 'getCode', 'id'))),
    getCodeByCip: (cip) => read(byCip.get(checkKey(cip, 'getCodeByCip', 'cip'))),
    getCodeByOrder: (orderId) => read(byOrder.get(checkKey(orderId, 'getCodeByOrder', 'orderId'))),
    updateCode(code, expectedVersion) {
      checkNextVersion(code, expectedVersion);
      return updateOne.immediate(code, expectedVersion);
    },
    commitCode(commit) {
      const batch = checkCommit(commit);
      return commitOne.immediate(commit, batch);
    },
    commitCodes(commits) {
      const batches = checkCommitBatch(commits);
      return batches.length === 0 ? [] : commitMany.immediate(commits, batches);
    },
    listCodes: listing.listCodes,
    listStaleReservations: listing.listStaleReservations,
    claimExpired(options) {
      const { cutoff, limit, leaseMs } = checkClaimExpired(options);
      const owner = options.owner === undefined ? null : checkKey(options.owner, 'claimExpired', 'owner');
      return takeDue.immediate(cutoff, limit, leaseMs, owner);
    },
  };
}
