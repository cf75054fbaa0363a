import { StorageError, ValidationError } from '../../errors.js';
import type { CashCode } from '../../model/code.js';
import type { ClaimExpiredOptions, ClaimOptions, ClaimResult, CodePage, ListCodesFilter } from '../contract.js';
import { cloneCode } from '../contract.js';
import { checkCode, checkNextVersion, checkPositiveInt, encodeCursor, resolveListFilter } from './args.js';

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
  listCodes(filter?: ListCodesFilter): CodePage;
  claimExpired(options: ClaimExpiredOptions): CashCode[];
  readonly size: number;
}

function conflict(operation: string, reason: string, message: string, details: Record<string, unknown>): StorageError {
  return new StorageError(`store.${operation}(): ${message}`, { details: { operation, reason, ...details } });
}

/** Create the code tables; `now` (epoch ms) times the `claimExpired` leases. */
export function createCodeTable(now: () => number): MemoryCodeTable {
  const codes = new Map<string, CashCode>();
  const byOrder = new Map<string, string>();
  const byCip = new Map<string, string>();
  // Pending ids and their sweeper leases: claimExpired scans these instead of every code.
  const pending = new Set<string>();
  const leases = new Map<string, number>();

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

  return {
    claimOrder(code, options = {}) {
      checkCode(code, 'claimOrder');
      const currentId = byOrder.get(code.orderId);
      const current = currentId === undefined ? undefined : codes.get(currentId);
      const replacing = options.replacing;
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
      return { claimed: true, code: cloneCode(code) };
    },

    getCode: (id) => copy(id),
    getCodeByCip: (cip) => copy(byCip.get(cip)),
    getCodeByOrder: (orderId) => copy(byOrder.get(orderId)),

    updateCode(code, expectedVersion) {
      checkNextVersion(code, expectedVersion);
      const stored = codes.get(code.id);
      if (stored === undefined || stored.version !== expectedVersion) return false;
      if (stored.orderId !== code.orderId) {
        throw new ValidationError('store.updateCode(): a code cannot move to another order.', [
          { path: 'code.orderId', message: `must stay ${stored.orderId}.` },
        ]);
      }
      if (stored.cip !== null && code.cip !== stored.cip) {
        throw conflict('updateCode', 'cip_immutable', `the CIP of code ${code.id} is set and cannot change.`, {
          id: code.id,
          cip: stored.cip,
        });
      }
      const holder = code.cip === null ? undefined : byCip.get(code.cip);
      if (holder !== undefined && holder !== code.id) {
        throw conflict('updateCode', 'cip_conflict', `CIP ${code.cip} already belongs to another code.`, {
          cip: code.cip,
        });
      }
      write(code);
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
      const cutoff = options.now.getTime();
      const clock = now();
      const due: CashCode[] = [];
      for (const id of pending) {
        const code = codes.get(id)!;
        if (code.expiresAt.getTime() > cutoff) continue;
        if ((leases.get(id) ?? Number.NEGATIVE_INFINITY) > clock) continue;
        due.push(code);
      }
      // Oldest expiry first, so a backlog drains in the order buyers stopped being able to pay.
      due.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : 1));
      const taken = due.slice(0, limit);
      for (const code of taken) leases.set(code.id, clock + leaseMs);
      return taken.map(cloneCode);
    },

    get size() {
      return codes.size;
    },
  };
}
