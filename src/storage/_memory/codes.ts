import { StorageError, ValidationError } from '../../errors.js';
import type { CashCode } from '../../model/code.js';
import type {
  ClaimExpiredOptions,
  ClaimOptions,
  ClaimResult,
  CodeCommit,
  CodePage,
  ListCodesFilter,
} from '../contract.js';
import { cloneCode } from '../contract.js';
import {
  checkClaimRecords,
  checkCode,
  checkCommit,
  checkKey,
  checkNextVersion,
  checkPositiveInt,
  encodeCursor,
  resolveListFilter,
} from './args.js';
import type { MemoryRecords } from './records.js';

/**
 * The code tables of the memory store: codes by id plus the order and CIP indexes.
 *
 * Every method is synchronous: a check and its write happen in the same tick, which is what makes
 * them atomic in single-threaded JavaScript. Codes are cloned on the way in and out.
 */
export interface MemoryCodeTable {
  claimOrder(code: CashCode, options?: ClaimOptions): ClaimResult;
  getCode(id: string): CashCode | null;
  getCodeByCip(cip: string): CashCode | null;
  getCodeByOrder(orderId: string): CashCode | null;
  updateCode(code: CashCode, expectedVersion: number): boolean;
  commitCode(commit: CodeCommit): boolean;
  listCodes(filter?: ListCodesFilter): CodePage;
  claimExpired(options: ClaimExpiredOptions): CashCode[];
  readonly size: number;
}

function conflict(operation: string, reason: string, message: string, details: Record<string, unknown>): StorageError {
  return new StorageError(`store.${operation}(): ${message}`, { details: { operation, reason, ...details } });
}

/**
 * Create the code tables; `now` (epoch ms) times the `claimExpired` leases. Claims and commits write
 * their entries and events to `records` in the same synchronous step as the code.
 */
export function createCodeTable(now: () => number, records: MemoryRecords): MemoryCodeTable {
  const codes = new Map<string, CashCode>();
  // The id of each code's last write, so a re-executed commit is recognised.
  const lastWrite = new Map<string, string>();
  const byOrder = new Map<string, string>();
  const byCip = new Map<string, string>();
  // Pending ids and their sweeper leases: claimExpired scans these instead of every code.
  const pending = new Set<string>();
  const leases = new Map<string, { until: number; owner: string | null }>();

  const copy = (id: string | undefined): CashCode | null => {
    const code = id === undefined ? undefined : codes.get(id);
    return code === undefined ? null : cloneCode(code);
  };

  function write(code: CashCode): void {
    const stored = cloneCode(code);
    codes.set(stored.id, stored);
    if (stored.cip !== null) byCip.set(stored.cip, stored.id);
    if (stored.status === 'pending') pending.add(stored.id);
    else {
      pending.delete(stored.id);
      leases.delete(stored.id);
    }
  }

  function compareAndSet(code: CashCode, expectedVersion: number, writeId: string | null, operation: string): boolean {
    const stored = codes.get(code.id);
    if (stored === undefined || stored.version !== expectedVersion) return false;
    if (stored.orderId !== code.orderId) {
      throw new ValidationError(`store.${operation}(): a code cannot move to another order.`, [
        { path: 'code.orderId', message: `must stay ${stored.orderId}.` },
      ]);
    }
    if (stored.cip !== null && code.cip !== stored.cip) {
      throw conflict(operation, 'cip_immutable', `the CIP of code ${code.id} is set and cannot change.`, {
        id: code.id,
        cip: stored.cip,
      });
    }
    const holder = code.cip === null ? undefined : byCip.get(code.cip);
    if (holder !== undefined && holder !== code.id) {
      throw conflict(operation, 'cip_conflict', `CIP ${code.cip} already belongs to another code.`, {
        cip: code.cip,
      });
    }
    write(code);
    if (writeId === null) lastWrite.delete(code.id);
    else lastWrite.set(code.id, writeId);
    return true;
  }

  return {
    claimOrder(code, options = {}) {
      checkCode(code, 'claimOrder');
      const batch = checkClaimRecords(options);
      const currentId = byOrder.get(code.orderId);
      const current = currentId === undefined ? undefined : codes.get(currentId);
      const replacing = options.replacing;
      // A re-executed claim: the order already points at this very code, still at its first version.
      if (current !== undefined && current.id === code.id && current.version === code.version) {
        return { claimed: true, code: cloneCode(current) };
      }
      const wins =
        current === undefined
          ? replacing === undefined
          : replacing !== undefined && current.id === replacing.id && current.version === replacing.version;
      if (!wins) {
        // An order pointing nowhere only happens when `replacing` names a code that is not there.
        if (current === undefined) {
          throw new ValidationError('store.claimOrder(): options.replacing names a code the order does not have.', [
            { path: 'options.replacing', message: 'The order has no code; claim it without `replacing`.' },
          ]);
        }
        return { claimed: false, current: cloneCode(current) };
      }
      if (codes.has(code.id)) {
        throw conflict('claimOrder', 'id_conflict', `a code with id ${code.id} already exists.`, { id: code.id });
      }
      if (code.cip !== null && byCip.has(code.cip)) {
        throw conflict('claimOrder', 'cip_conflict', `CIP ${code.cip} already belongs to another code.`, {
          cip: code.cip,
        });
      }
      write(code);
      byOrder.set(code.orderId, code.id);
      records.write(batch);
      return { claimed: true, code: cloneCode(code) };
    },

    getCode: (id) => copy(id),
    getCodeByCip: (cip) => copy(byCip.get(cip)),
    getCodeByOrder: (orderId) => copy(byOrder.get(orderId)),

    updateCode(code, expectedVersion) {
      checkNextVersion(code, expectedVersion);
      return compareAndSet(code, expectedVersion, null, 'updateCode');
    },

    commitCode(commit) {
      const batch = checkCommit(commit);
      const { code, expectedVersion, writeId } = commit;
      const stored = codes.get(code.id);
      if (stored !== undefined && stored.version === code.version && lastWrite.get(code.id) === writeId) return true;
      if (!compareAndSet(code, expectedVersion, writeId, 'commitCode')) return false;
      records.write(batch);
      return true;
    },

    listCodes(filter) {
      const { statuses, updatedSince, limit, afterId } = resolveListFilter(filter);
      const page: CashCode[] = [];
      let more = false;
      // Plain string comparison is code-unit order, the same as a binary SQL collation.
      const ids = [...codes.keys()].filter((id) => afterId === null || id > afterId).sort();
      for (const id of ids) {
        const code = codes.get(id)!;
        if (statuses !== null && !statuses.has(code.status)) continue;
        if (updatedSince !== null && code.updatedAt.getTime() < updatedSince) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(cloneCode(code));
      }
      const last = page.at(-1);
      return { codes: page, nextCursor: more && last !== undefined ? encodeCursor(last.id) : null };
    },

    claimExpired(options) {
      const limit = checkPositiveInt(options.limit, 'claimExpired', 'limit');
      const leaseMs = checkPositiveInt(options.leaseMs, 'claimExpired', 'leaseMs');
      if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) {
        throw new ValidationError('store.claimExpired(): now must be a valid Date.', [
          { path: 'now', message: 'must be a valid Date.' },
        ]);
      }
      const owner = options.owner === undefined ? null : checkKey(options.owner, 'claimExpired', 'owner');
      const cutoff = options.now.getTime();
      const clock = now();
      const held: CashCode[] = [];
      const due: CashCode[] = [];
      for (const id of pending) {
        const code = codes.get(id)!;
        const lease = leases.get(id);
        if (lease !== undefined && lease.until > clock) {
          // A re-executed claim gets back what this owner still holds.
          if (owner !== null && lease.owner === owner) held.push(code);
          continue;
        }
        if (code.expiresAt.getTime() <= cutoff) due.push(code);
      }
      // Oldest expiry first, so a backlog drains in the order buyers stopped being able to pay.
      const byExpiry = (a: CashCode, b: CashCode): number =>
        a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : 1);
      const taken = [...held.sort(byExpiry), ...due.sort(byExpiry)].slice(0, limit);
      for (const code of taken) leases.set(code.id, { until: clock + leaseMs, owner });
      return taken.sort(byExpiry).map(cloneCode);
    },

    get size() {
      return codes.size;
    },
  };
}
