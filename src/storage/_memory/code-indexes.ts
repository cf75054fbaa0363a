import { type CashCode, CODE_STATUSES, type CodeStatus } from '../../model/code.js';
import type { ResolvedListFilter } from './args.js';
import { createSortedSet, type IndexMeter, type SortedSet } from './sorted.js';

/**
 * Statuses a code can be pruned in (see `memoryStore({ retainFinalMs })`): every status that no
 * longer waits for anything. `reserving`, `pending` and `review` are never pruned.
 */
export const PRUNABLE_STATUSES: readonly CodeStatus[] = ['paid', 'expired', 'cancelled', 'failed', 'refund_required'];

/** An index key: an instant (epoch ms; `-Infinity` sorts first) and the id that breaks ties. */
interface Stamp {
  at: number;
  id: string;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
// Explicit comparisons rather than `a.at - b.at`, which is NaN for two -Infinity instants.
const byStamp = (a: Stamp, b: Stamp): number => (a.at < b.at ? -1 : a.at > b.at ? 1 : byString(a.id, b.id));

interface Lease {
  until: number;
  owner: string | null;
}

/**
 * The ordered indexes of the memory store's codes, so that every listing, claim and prune walks only
 * the codes it returns (plus O(log N) to find where to start), never every code:
 *
 * - all ids, and the ids of each status, in id order (`listCodes`);
 * - `updatedAt` order (`listCodes({ updatedSince })`);
 * - pending codes not leased to a sweeper, by expiry; leased ones by lease end, and per owner
 *   (`claimExpired`);
 * - reserving codes by the end of their creation lease (`listStaleReservations`);
 * - prunable codes by `updatedAt` (`prune`).
 */
export interface CodeIndexes {
  /** Keep every index in step with a write (`previous` is the stored code it replaces, if any). */
  put(previous: CashCode | undefined, next: CashCode): void;
  /** Drop a code from every index. */
  remove(code: CashCode): void;
  /** The ids of one `listCodes` page, and whether more codes match. */
  page(filter: ResolvedListFilter, get: (id: string) => CashCode): { ids: string[]; more: boolean };
  /** Lease due pending codes (see `CashCodeStore.claimExpired`); ids oldest expiry first. */
  claimDue(options: { cutoff: number; limit: number; leaseMs: number; owner: string | null; clock: number }): string[];
  /** Ids of reserving codes whose lease ended at or before `cutoff` (or have none), oldest lease first. */
  staleReservations(cutoff: number, limit: number): string[];
  /** Ids of prunable codes last updated at or before `cutoff`, oldest first. */
  prunable(cutoff: number, limit: number): string[];
}

/** Create empty {@link CodeIndexes}; `meter`, when given, counts the work of every index. */
export function createCodeIndexes(meter?: IndexMeter): CodeIndexes {
  const ids = createSortedSet<string>(byString, meter);
  const byStatus = new Map<CodeStatus, SortedSet<string>>(
    CODE_STATUSES.map((status) => [status, createSortedSet<string>(byString, meter)]),
  );
  const byUpdated = createSortedSet<Stamp>(byStamp, meter);
  const due = createSortedSet<Stamp>(byStamp, meter);
  const leaseEnds = createSortedSet<Stamp>(byStamp, meter);
  const leases = new Map<string, Lease>();
  const byOwner = new Map<string, Set<string>>();
  const reserving = createSortedSet<Stamp>(byStamp, meter);
  const prunable = createSortedSet<Stamp>(byStamp, meter);
  // The expiry each pending code is indexed under, read back when its lease ends.
  const expiries = new Map<string, number>();
  const canPrune = new Set<CodeStatus>(PRUNABLE_STATUSES);

  const reserveStamp = (code: CashCode): Stamp => ({ at: code.leaseUntil?.getTime() ?? -Infinity, id: code.id });

  function dropLease(id: string): void {
    const lease = leases.get(id);
    if (lease === undefined) return;
    leases.delete(id);
    leaseEnds.delete({ at: lease.until, id });
    const owned = lease.owner === null ? undefined : byOwner.get(lease.owner);
    owned?.delete(id);
    if (owned?.size === 0) byOwner.delete(lease.owner!);
  }

  function setLease(id: string, until: number, owner: string | null): void {
    dropLease(id);
    leases.set(id, { until, owner });
    leaseEnds.add({ at: until, id });
    if (owner === null) return;
    const owned = byOwner.get(owner);
    if (owned === undefined) byOwner.set(owner, new Set([id]));
    else owned.add(id);
  }

  function leavePending(id: string): void {
    const at = expiries.get(id);
    if (at === undefined) return;
    expiries.delete(id);
    if (leases.has(id)) dropLease(id);
    else due.delete({ at, id });
  }

  function unindex(code: CashCode): void {
    ids.delete(code.id);
    byStatus.get(code.status)!.delete(code.id);
    byUpdated.delete({ at: code.updatedAt.getTime(), id: code.id });
    if (code.status === 'reserving') reserving.delete(reserveStamp(code));
    if (canPrune.has(code.status)) prunable.delete({ at: code.updatedAt.getTime(), id: code.id });
  }

  function* walkIds(sets: SortedSet<string>[], afterId: string | null): Generator<string> {
    // A k-way merge of id-ordered sets (k is at most the number of statuses).
    const heads = sets.map((set) => set.from(afterId, true));
    const current = heads.map((head) => head.next());
    while (true) {
      let pick = -1;
      for (let i = 0; i < current.length; i += 1) {
        const item = current[i]!;
        if (item.done) continue;
        if (pick < 0 || item.value < (current[pick]!.value as string)) pick = i;
      }
      if (pick < 0) return;
      yield current[pick]!.value as string;
      current[pick] = heads[pick]!.next();
    }
  }

  return {
    put(previous, next) {
      if (previous !== undefined) unindex(previous);
      ids.add(next.id);
      byStatus.get(next.status)!.add(next.id);
      byUpdated.add({ at: next.updatedAt.getTime(), id: next.id });
      if (next.status === 'reserving') reserving.add(reserveStamp(next));
      if (canPrune.has(next.status)) prunable.add({ at: next.updatedAt.getTime(), id: next.id });
      if (next.status !== 'pending') {
        leavePending(next.id);
        return;
      }
      const at = next.expiresAt.getTime();
      const indexed = expiries.get(next.id);
      expiries.set(next.id, at);
      // A leased code keeps its lease; it returns to the due index, at its new expiry, when the lease ends.
      if (leases.has(next.id)) return;
      if (indexed !== undefined) due.delete({ at: indexed, id: next.id });
      due.add({ at, id: next.id });
    },

    remove(code) {
      unindex(code);
      leavePending(code.id);
    },

    page(filter, get) {
      const { statuses, updatedSince, limit, afterId } = filter;
      const sets = statuses === null ? [ids] : [...statuses].map((status) => byStatus.get(status)!);
      const candidates = sets.reduce((sum, set) => sum + set.size, 0);
      if (updatedSince !== null) {
        const recent = byUpdated.size - byUpdated.countBelow({ at: updatedSince, id: '' });
        // Walking the id order visits about limit × candidates / recent codes to find `limit` recent
        // ones; collecting the recent ones from the updatedAt index costs `recent`. Take the cheaper.
        if (recent * Math.max(recent, 1) <= (limit + 1) * candidates) {
          const found: string[] = [];
          for (const stamp of byUpdated.from({ at: updatedSince, id: '' })) {
            if (afterId !== null && stamp.id <= afterId) continue;
            if (statuses !== null && !statuses.has(get(stamp.id).status)) continue;
            found.push(stamp.id);
          }
          found.sort(byString);
          return { ids: found.slice(0, limit), more: found.length > limit };
        }
      }
      const page: string[] = [];
      for (const id of walkIds(sets, afterId)) {
        if (updatedSince !== null && get(id).updatedAt.getTime() < updatedSince) continue;
        if (page.length === limit) return { ids: page, more: true };
        page.push(id);
      }
      return { ids: page, more: false };
    },

    claimDue({ cutoff, limit, leaseMs, owner, clock }) {
      // Ended leases first go back to the due index, at the expiry their code has now.
      for (let end = leaseEnds.first(); end !== undefined && end.at <= clock; end = leaseEnds.first()) {
        dropLease(end.id);
        due.add({ at: expiries.get(end.id)!, id: end.id });
      }
      const byExpiry = (a: string, b: string): number =>
        byStamp({ at: expiries.get(a)!, id: a }, { at: expiries.get(b)!, id: b });
      // A re-executed claim gets back what this owner still holds, before new codes.
      const held = owner === null ? [] : [...(byOwner.get(owner) ?? [])].sort(byExpiry).slice(0, limit);
      const fresh: string[] = [];
      for (const stamp of due.from(null)) {
        if (held.length + fresh.length >= limit || stamp.at > cutoff) break;
        fresh.push(stamp.id);
      }
      for (const id of fresh) due.delete({ at: expiries.get(id)!, id });
      const taken = [...held, ...fresh];
      for (const id of taken) setLease(id, clock + leaseMs, owner);
      return taken.sort(byExpiry);
    },

    staleReservations(cutoff, limit) {
      const stale: string[] = [];
      for (const stamp of reserving.from(null)) {
        if (stale.length === limit || stamp.at > cutoff) break;
        stale.push(stamp.id);
      }
      return stale;
    },

    prunable(cutoff, limit) {
      const old: string[] = [];
      for (const stamp of prunable.from(null)) {
        if (old.length === limit || stamp.at > cutoff) break;
        old.push(stamp.id);
      }
      return old;
    },
  };
}
