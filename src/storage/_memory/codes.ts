import { StorageError, ValidationError } from '../../errors.js';
import type { CashCode } from '../../model/code.js';
import type {
  ClaimExpiredOptions,
  ClaimOptions,
  ClaimResult,
  CodeCommit,
  CodePage,
  ListCodesFilter,
  StaleReservationsOptions,
} from '../contract.js';
import { cloneCode } from '../contract.js';
import {
  checkClaimRecords,
  checkCode,
  checkCommit,
  checkKey,
  checkNextVersion,
  checkPositiveInt,
  checkStaleReservations,
  encodeCursor,
  resolveListFilter,
} from './args.js';
import { createCodeIndexes } from './code-indexes.js';
import type { MemoryRecords } from './records.js';
import type { IndexMeter } from './sorted.js';

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
  /** Several commits, each judged like `commitCode`; a malformed or conflicting one rejects them all, writing nothing. */
  commitCodes(commits: readonly CodeCommit[]): boolean[];
  listCodes(filter?: ListCodesFilter): CodePage;
  claimExpired(options: ClaimExpiredOptions): CashCode[];
  listStaleReservations(options: StaleReservationsOptions): CashCode[];
  /**
   * Delete up to `limit` prunable codes last updated at or before `cutoff` (epoch ms), with their
   * logs and delivered events; an order whose current code goes is forgotten. Answers what went.
   */
  prune(cutoff: number, limit: number): { codes: number; logEntries: number; events: number };
  readonly size: number;
}

function conflict(operation: string, reason: string, message: string, details: Record<string, unknown>): StorageError {
  return new StorageError(`store.${operation}(): ${message}`, { details: { operation, reason, ...details } });
}

/** What a compare-and-set sees: the stored state, or the state a batch of commits would leave. */
interface CodeView {
  code(id: string): CashCode | undefined;
  lastWrite(id: string): string | undefined;
  cipHolder(cip: string): string | undefined;
}

/**
 * Judge a compare-and-set against `view`, throwing (before anything is written) when it is malformed:
 * `replay` for a re-executed commit, `stale` for a version mismatch or an unknown id, `write` to apply.
 */
function judge(
  view: CodeView,
  code: CashCode,
  expectedVersion: number,
  writeId: string | null,
  operation: string,
): 'replay' | 'stale' | 'write' {
  const stored = view.code(code.id);
  if (writeId !== null && stored?.version === code.version && view.lastWrite(code.id) === writeId) return 'replay';
  if (stored === undefined || stored.version !== expectedVersion) return 'stale';
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
  const holder = code.cip === null ? undefined : view.cipHolder(code.cip);
  if (holder !== undefined && holder !== code.id) {
    throw conflict(operation, 'cip_conflict', `CIP ${code.cip} already belongs to another code.`, { cip: code.cip });
  }
  return 'write';
}

/**
 * Create the code tables; `now` (epoch ms) times the `claimExpired` leases. Claims and commits write
 * their entries and events to `records` in the same synchronous step as the code. `meter`, when
 * given, counts the work of the ordered indexes (tests prove costs with it).
 */
export function createCodeTable(now: () => number, records: MemoryRecords, meter?: IndexMeter): MemoryCodeTable {
  const codes = new Map<string, CashCode>();
  // The id of each code's last write, so a re-executed commit is recognised.
  const lastWrite = new Map<string, string>();
  const byOrder = new Map<string, string>();
  const byCip = new Map<string, string>();
  const indexes = createCodeIndexes(meter);
  const stored: CodeView = {
    code: (id) => codes.get(id),
    lastWrite: (id) => lastWrite.get(id),
    cipHolder: (cip) => byCip.get(cip),
  };

  const copy = (id: string | undefined): CashCode | null => {
    const code = id === undefined ? undefined : codes.get(id);
    return code === undefined ? null : cloneCode(code);
  };

  function write(code: CashCode, writeId: string | null): void {
    const next = cloneCode(code);
    indexes.put(codes.get(next.id), next);
    codes.set(next.id, next);
    if (next.cip !== null) byCip.set(next.cip, next.id);
    if (writeId === null) lastWrite.delete(next.id);
    else lastWrite.set(next.id, writeId);
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
      write(code, null);
      byOrder.set(code.orderId, code.id);
      records.write(batch);
      return { claimed: true, code: cloneCode(code) };
    },

    getCode: (id) => copy(id),
    getCodeByCip: (cip) => copy(byCip.get(cip)),
    getCodeByOrder: (orderId) => copy(byOrder.get(orderId)),

    updateCode(code, expectedVersion) {
      checkNextVersion(code, expectedVersion);
      if (judge(stored, code, expectedVersion, null, 'updateCode') !== 'write') return false;
      write(code, null);
      return true;
    },

    commitCode(commit) {
      const batch = checkCommit(commit);
      const verdict = judge(stored, commit.code, commit.expectedVersion, commit.writeId, 'commitCode');
      if (verdict === 'write') {
        write(commit.code, commit.writeId);
        records.write(batch);
      }
      return verdict !== 'stale';
    },

    commitCodes(commits) {
      if (!Array.isArray(commits)) {
        throw new ValidationError('store.commitCodes(): commits must be an array of CodeCommit.', [
          { path: 'commits', message: 'must be an array.' },
        ]);
      }
      const batches = commits.map((commit) => checkCommit(commit));
      // Judge every commit first against the state the earlier ones leave, so that a conflict in the
      // last one rejects the batch before the first one is written.
      const pending = new Map<string, { code: CashCode; writeId: string }>();
      const cips = new Map<string, string>();
      const view: CodeView = {
        code: (id) => pending.get(id)?.code ?? codes.get(id),
        lastWrite: (id) => pending.get(id)?.writeId ?? lastWrite.get(id),
        cipHolder: (cip) => cips.get(cip) ?? byCip.get(cip),
      };
      const verdicts = commits.map((commit) => {
        const verdict = judge(view, commit.code, commit.expectedVersion, commit.writeId, 'commitCodes');
        if (verdict === 'write') {
          pending.set(commit.code.id, { code: commit.code, writeId: commit.writeId });
          if (commit.code.cip !== null) cips.set(commit.code.cip, commit.code.id);
        }
        return verdict;
      });
      verdicts.forEach((verdict, index) => {
        if (verdict !== 'write') return;
        write(commits[index]!.code, commits[index]!.writeId);
        records.write(batches[index]!);
      });
      return verdicts.map((verdict) => verdict !== 'stale');
    },

    listCodes(filter) {
      const resolved = resolveListFilter(filter);
      const { ids, more } = indexes.page(resolved, (id) => codes.get(id)!);
      const page = ids.map((id) => cloneCode(codes.get(id)!));
      const last = ids.at(-1);
      return { codes: page, nextCursor: more && last !== undefined ? encodeCursor(last) : null };
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
      // Oldest expiry first, so a backlog drains in the order buyers stopped being able to pay.
      const taken = indexes.claimDue({ cutoff: options.now.getTime(), limit, leaseMs, owner, clock: now() });
      return taken.map((id) => cloneCode(codes.get(id)!));
    },

    listStaleReservations(options) {
      const { cutoff, limit } = checkStaleReservations(options);
      return indexes.staleReservations(cutoff, limit).map((id) => cloneCode(codes.get(id)!));
    },

    prune(cutoff, limit) {
      const gone = { codes: 0, logEntries: 0, events: 0 };
      for (const id of indexes.prunable(cutoff, limit)) {
        const code = codes.get(id)!;
        indexes.remove(code);
        codes.delete(id);
        lastWrite.delete(id);
        if (code.cip !== null && byCip.get(code.cip) === id) byCip.delete(code.cip);
        // The order is forgotten with its current code: it can be claimed afresh (docs/storage.md).
        if (byOrder.get(code.orderId) === id) byOrder.delete(code.orderId);
        const forgotten = records.forget(id);
        gone.codes += 1;
        gone.logEntries += forgotten.logEntries;
        gone.events += forgotten.events;
      }
      return gone;
    },

    get size() {
      return codes.size;
    },
  };
}
