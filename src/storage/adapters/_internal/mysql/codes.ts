import { StorageError } from '../../../../errors.js';
import type { CashCode } from '../../../../model/code.js';
import { checkClaimRecords, checkCode, checkCommit, checkKey, checkNextVersion } from '../../../_memory/args.js';
import type { CashCodeStore } from '../../../contract.js';
import { cloneCode, deserializeCode, serializeCode } from '../../../contract.js';
import {
  type CodeMethod,
  checkClaimExpired,
  checkCommitBatch,
  conflictError,
  orderChange,
  replacingWithoutCode,
} from '../shared.js';
import { duplicateKey, type MysqlAccess, type MysqlRow, type MysqlTx, RetryTransaction } from './query.js';
import { reserveUntil } from './schema.js';
import { codeStatements, insertRecords } from './sql.js';

/**
 * The code operations of the MySQL store. Every write is one InnoDB transaction that locks the rows it
 * decides on, writes the code with its lifecycle entries and outbox events, and commits them together.
 */
export type MysqlCodeTable = Pick<CashCodeStore, Exclude<CodeMethod, 'listCodes'>> &
  Required<Pick<CashCodeStore, 'commitCodes'>>;

const readCode = (row: MysqlRow | undefined): CashCode | null =>
  row === undefined ? null : deserializeCode(String(row.data));

const insertValues = (code: CashCode): unknown[] => [
  code.id,
  code.orderId,
  code.status,
  code.version,
  code.cip,
  code.expiresAt.getTime(),
  code.updatedAt.getTime(),
  reserveUntil(code),
  serializeCode(code),
];

/** A claim that lost, or met no pointer, with the order's pointer as the transaction saw it. */
type ClaimDecision = { claimed: true } | { claimed: false };

/** Create the code operations over `db` for tables named `<prefix>…`. */
export function createMysqlCodeTable(db: MysqlAccess, prefix: string): MysqlCodeTable {
  const sql = codeStatements(prefix);
  const byOrder = async (orderId: string): Promise<CashCode | null> =>
    readCode((await db.query(sql.byOrder, [checkKey(orderId, 'getCodeByOrder', 'orderId')]))[0]);

  // Map duplicate keys to the invariant they protect; the transaction is rolled back as a whole.
  function conflict(error: unknown, operation: string, code: CashCode): unknown {
    const key = duplicateKey(error);
    if (key === 'codes_cip_key') return conflictError('mysql', operation, 'cip_conflict', { cip: code.cip });
    if (key === 'PRIMARY' || key === 'orders_code_key') {
      return conflictError('mysql', operation, 'id_conflict', { id: code.id });
    }
    return error;
  }

  /**
   * The compare-and-set inside a transaction: lock the code's row, then write it only at the expected
   * version. `writeId` recognises a re-execution (the code is at the new version by that very write).
   */
  async function compareAndSet(
    tx: MysqlTx,
    code: CashCode,
    expectedVersion: number,
    operation: string,
    writeId: string | null,
  ): Promise<'written' | 'replayed' | 'stale'> {
    const stored = (await tx.query(sql.codeLock, [code.id]))[0];
    if (stored === undefined) return 'stale';
    const version = Number(stored.version);
    if (writeId !== null && version === code.version && stored.write_id === writeId) return 'replayed';
    if (version !== expectedVersion) return 'stale';
    if (stored.order_id !== code.orderId) throw orderChange(String(stored.order_id));
    if (stored.cip !== null && stored.cip !== code.cip) {
      throw conflictError('mysql', operation, 'cip_immutable', { id: code.id, cip: stored.cip });
    }
    try {
      await tx.exec(sql.update, [
        code.status,
        code.status,
        code.status,
        code.version,
        code.cip,
        code.expiresAt.getTime(),
        code.updatedAt.getTime(),
        reserveUntil(code),
        serializeCode(code),
        writeId,
        code.id,
      ]);
    } catch (error) {
      throw conflict(error, operation, code);
    }
    return 'written';
  }

  return {
    async claimOrder(code, options = {}) {
      checkCode(code, 'claimOrder');
      const { entries, events } = checkClaimRecords(options);
      const replacing = options.replacing;
      const decision = await db.transact(async (tx): Promise<ClaimDecision> => {
        const pointer = (await tx.query(sql.orderLock, [code.orderId]))[0];
        if (replacing === undefined) {
          if (pointer !== undefined) return { claimed: false };
          try {
            await tx.exec(sql.insertOrder, [code.orderId, code.id]);
          } catch (error) {
            // Another claim of this order inserted its pointer first: run again to see it.
            if (duplicateKey(error) === 'PRIMARY') throw new RetryTransaction();
            throw conflict(error, 'claimOrder', code);
          }
        } else {
          if (pointer === undefined || pointer.code_id !== replacing.id) return { claimed: false };
          const old = (await tx.query(sql.codeLock, [replacing.id]))[0];
          if (old === undefined || Number(old.version) !== replacing.version) return { claimed: false };
          try {
            await tx.exec(sql.moveOrder, [code.id, code.orderId]);
          } catch (error) {
            throw conflict(error, 'claimOrder', code);
          }
        }
        try {
          await tx.exec(sql.insertCode, insertValues(code));
        } catch (error) {
          throw conflict(error, 'claimOrder', code);
        }
        await insertRecords(tx, prefix, entries, events);
        return { claimed: true };
      });
      if (decision.claimed) return { claimed: true, code: cloneCode(code) };
      // The claim lost: the order's pointer is committed (the lock waited for its writer), so read it.
      const current = await byOrder(code.orderId);
      // A re-executed claim: the order already points at this very code, still at its first version.
      if (current !== null && current.id === code.id && current.version === code.version) {
        return { claimed: true, code: current };
      }
      if (current !== null) return { claimed: false, current };
      if (replacing !== undefined) throw replacingWithoutCode();
      throw new StorageError(`[mysql] store.claimOrder(): order ${code.orderId} is claimed but has no code.`, {
        details: { operation: 'claimOrder', reason: 'dangling_order' },
      });
    },

    getCode: async (id) => readCode((await db.query(sql.byId, [checkKey(id, 'getCode', 'id')]))[0]),
    getCodeByCip: async (cip) => readCode((await db.query(sql.byCip, [checkKey(cip, 'getCodeByCip', 'cip')]))[0]),
    getCodeByOrder: byOrder,

    async updateCode(code, expectedVersion) {
      checkNextVersion(code, expectedVersion);
      // A plain update forgets the last write id: only commitCode writes are recognised on re-execution.
      const outcome = await db.transact((tx) => compareAndSet(tx, code, expectedVersion, 'updateCode', null));
      return outcome === 'written';
    },

    async commitCode(commit) {
      const { entries, events } = checkCommit(commit);
      const { code, expectedVersion, writeId } = commit;
      const outcome = await db.transact(async (tx) => {
        const result = await compareAndSet(tx, code, expectedVersion, 'commitCode', writeId);
        if (result === 'written') await insertRecords(tx, prefix, entries, events);
        return result;
      });
      return outcome !== 'stale';
    },

    // One transaction for the batch: the codes are locked in id order first (two batches never wait on
    // each other crosswise), then each commit is judged as commitCode judges it; a throw rolls back all.
    async commitCodes(commits) {
      const batches = checkCommitBatch(commits);
      if (commits.length === 0) return [];
      const outcomes = await db.transact(async (tx) => {
        await tx.query(sql.lockCodes, [[...new Set(commits.map((commit) => commit.code.id))]]);
        const results: ('written' | 'replayed' | 'stale')[] = [];
        for (const [index, { code, expectedVersion, writeId }] of commits.entries()) {
          const result = await compareAndSet(tx, code, expectedVersion, 'commitCode', writeId);
          const { entries, events } = batches[index]!;
          if (result === 'written') await insertRecords(tx, prefix, entries, events);
          results.push(result);
        }
        return results;
      });
      return outcomes.map((outcome) => outcome !== 'stale');
    },

    async claimExpired(options) {
      const { cutoff, limit, leaseMs } = checkClaimExpired(options);
      const owner = options.owner === undefined ? null : checkKey(options.owner, 'claimExpired', 'owner');
      const rows = await db.transact(async (tx) => {
        const held = owner === null ? [] : await tx.query(sql.held, [owner, limit]);
        const due = held.length < limit ? await tx.query(sql.due, [cutoff, limit - held.length]) : [];
        const taken = [...held, ...due];
        if (taken.length > 0) {
          await tx.exec(sql.lease, [leaseMs, owner, taken.map((row) => String(row.id))]);
        }
        return taken;
      });
      const codes = rows.map((row) => deserializeCode(String(row.data)));
      return codes.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : 1));
    },
  };
}
