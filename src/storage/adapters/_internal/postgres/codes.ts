import { StorageError } from '../../../../errors.js';
import type { CashCode } from '../../../../model/code.js';
import { checkClaimRecords, checkCode, checkCommit, checkKey, checkNextVersion } from '../../../_memory/args.js';
import type { CashCodeStore } from '../../../contract.js';
import { cloneCode, deserializeCode, serializeCode } from '../../../contract.js';
import { type CodeMethod, checkClaimExpired, conflictError, orderChange, replacingWithoutCode } from '../shared.js';
import { type PgQuery, type PgRow, uniqueViolation } from './query.js';
import { codeStatements } from './sql.js';

/**
 * The code operations of the PostgreSQL store. Every write is a single, atomic SQL statement (one
 * transaction) that carries its lifecycle entries and outbox events; a claim that lost, or a commit
 * that matched nothing, then reads the committed state once to tell why.
 */
export type PgCodeTable = Pick<CashCodeStore, Exclude<CodeMethod, 'listCodes'>>;

const readCode = (row: PgRow | undefined): CashCode | null =>
  row === undefined ? null : deserializeCode(row.data as string);

/** The columns every write stores: the indexed fields beside the whole document. */
function columns(code: CashCode): unknown[] {
  return [
    code.id,
    code.orderId,
    code.status,
    code.version,
    code.cip,
    code.expiresAt,
    code.updatedAt,
    serializeCode(code),
  ];
}

/** Create the code operations over `query` for tables named `<prefix>…`. */
export function createPgCodeTable(query: PgQuery, prefix: string): PgCodeTable {
  const sql = codeStatements(prefix);
  const byOrder = async (orderId: string): Promise<CashCode | null> =>
    readCode((await query(sql.byOrder, [checkKey(orderId, 'getCodeByOrder', 'orderId')]))[0]);

  // Nothing matched the compare-and-set: tell a stale version (false) from a refused change (typed
  // error). The read sees every commit made before it, so a re-execution racing its own first
  // execution (a lost reply) is recognised here by the write id even when the statement missed it.
  async function unmatched(
    code: CashCode,
    expectedVersion: number,
    operation: string,
    writeId: string | null,
  ): Promise<boolean> {
    const stored = (await query(sql.versionOf, [code.id]))[0];
    if (stored === undefined) return false;
    if (writeId !== null && stored.version === code.version && stored.write_id === writeId) return true;
    if (stored.version !== expectedVersion) return false;
    if (stored.order_id !== code.orderId) throw orderChange(stored.order_id as string);
    throw conflictError('postgres', operation, 'cip_immutable', { id: code.id, cip: stored.cip });
  }

  const isKitError = (error: unknown, reason: string): boolean =>
    error instanceof StorageError && error.details?.reason === reason;

  // Map unique violations to the invariant they protect; the statement was rolled back as a whole.
  function conflict(error: unknown, operation: string, code: CashCode): unknown {
    const constraint = uniqueViolation(error);
    if (constraint === `${prefix}codes_cip_key`)
      return conflictError('postgres', operation, 'cip_conflict', { cip: code.cip });
    if (constraint === `${prefix}codes_pkey` || constraint === `${prefix}orders_code_key`) {
      return conflictError('postgres', operation, 'id_conflict', { id: code.id });
    }
    return error;
  }

  return {
    async claimOrder(code, options = {}) {
      checkCode(code, 'claimOrder');
      const { entries, events } = checkClaimRecords(options);
      const records = [JSON.stringify(entries), JSON.stringify(events)];
      const replacing = options.replacing;
      const statement = replacing === undefined ? sql.claimFree : sql.claimReplacing;
      const values =
        replacing === undefined
          ? [...columns(code), ...records]
          : [...columns(code), replacing.id, replacing.version, ...records];
      let rows: PgRow[];
      try {
        rows = await query(statement, values);
      } catch (error) {
        const refused = conflict(error, 'claimOrder', code);
        // Two executions of the same claim at once (a re-send racing the original): the one that lost
        // the insert race answers what the winner did, if the order now points at this very code.
        if (isKitError(refused, 'id_conflict')) {
          const current = await byOrder(code.orderId);
          if (current !== null && current.id === code.id && current.version === code.version) {
            return { claimed: true, code: current };
          }
        }
        throw refused;
      }
      if (rows.some((row) => typeof row.id === 'string')) return { claimed: true, code: cloneCode(code) };
      // The claim lost: the order's pointer is committed (a conflicting insert waits for it). The free
      // claim's statement answered it unless the winner committed after its snapshot; else read it.
      const answered = rows.find((row) => typeof row.current === 'string');
      const current =
        answered === undefined ? await byOrder(code.orderId) : deserializeCode(answered.current as string);
      // A re-executed claim: the order already points at this very code, still at its first version.
      if (current !== null && current.id === code.id && current.version === code.version) {
        return { claimed: true, code: current };
      }
      if (current !== null) return { claimed: false, current };
      if (replacing !== undefined) throw replacingWithoutCode();
      throw new StorageError(`[postgres] store.claimOrder(): order ${code.orderId} is claimed but has no code.`, {
        details: { operation: 'claimOrder', reason: 'dangling_order' },
      });
    },

    getCode: async (id) => readCode((await query(sql.byId, [checkKey(id, 'getCode', 'id')]))[0]),
    getCodeByCip: async (cip) => readCode((await query(sql.byCip, [checkKey(cip, 'getCodeByCip', 'cip')]))[0]),
    getCodeByOrder: byOrder,

    async updateCode(code, expectedVersion) {
      checkNextVersion(code, expectedVersion);
      let rows: PgRow[];
      try {
        rows = await query(sql.update, [...columns(code), expectedVersion]);
      } catch (error) {
        throw conflict(error, 'updateCode', code);
      }
      return rows.length === 1 || unmatched(code, expectedVersion, 'updateCode', null);
    },

    async commitCode(commit) {
      const { entries, events } = checkCommit(commit);
      const { code, expectedVersion, writeId } = commit;
      let rows: PgRow[];
      try {
        rows = await query(sql.commit, [
          ...columns(code),
          expectedVersion,
          writeId,
          JSON.stringify(entries),
          JSON.stringify(events),
        ]);
      } catch (error) {
        throw conflict(error, 'commitCode', code);
      }
      const row = rows[0]!;
      if (row.updated === true || row.replayed === true) return true;
      return unmatched(code, expectedVersion, 'commitCode', writeId);
    },

    async claimExpired(options) {
      const { cutoff, limit, leaseMs } = checkClaimExpired(options);
      const owner = options.owner === undefined ? null : checkKey(options.owner, 'claimExpired', 'owner');
      const rows = await query(sql.claimExpired, [new Date(cutoff), limit, leaseMs, owner]);
      const taken = rows.map((row) => deserializeCode(row.data as string));
      // RETURNING has no order: hand out the oldest expiry first, like every store.
      return taken.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : 1));
    },
  };
}
