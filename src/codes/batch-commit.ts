import { isPagoEfectivoKitError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import { log, type ServiceContext } from './_context.js';
import { commitPrepared, type PreparedChange, reexecute } from './lifecycle.js';

/** What became of one change of a batch: the stored code, `null` (another writer was first), or the failure. */
export type BatchOutcome = { stored: CashCode | null } | { error: unknown };

/**
 * Write prepared changes of different codes (a sweep's expirations) with one store commit when the
 * store has `commitCodes` (PostgreSQL: one transaction for the batch), answering per change in order.
 * A rejected batch wrote nothing, or everything when only its reply was lost: the same commits, with
 * the same write ids, are then written one by one, so a change that had landed is recognised by the
 * store and answers as landed. Each change is judged exactly as `transition` judges it.
 */
export async function commitBatch(ctx: ServiceContext, changes: readonly PreparedChange[]): Promise<BatchOutcome[]> {
  const store = ctx.store;
  if (changes.length > 1 && store.commitCodes !== undefined) {
    const commits = changes.map((change) => change.commit);
    try {
      const landed = await reexecute(ctx, 'commitCodes', () => store.commitCodes!(commits));
      // A store that answers for another number of commits is not trusted: one by one below.
      if (Array.isArray(landed) && landed.length === changes.length) {
        if (changes.some((change, index) => landed[index] === true && change.commit.events.length > 0)) {
          await ctx.afterCommit();
        }
        return changes.map((change, index) => ({ stored: landed[index] === true ? change.next : null }));
      }
    } catch (error) {
      log(ctx, 'warn', 'batch commit rejected; committing its changes one by one', {
        count: changes.length,
        errorCode: isPagoEfectivoKitError(error) ? error.code : 'unknown',
      });
    }
  }
  const outcomes: BatchOutcome[] = [];
  for (const change of changes) {
    try {
      outcomes.push({ stored: await commitPrepared(ctx, change) });
    } catch (error) {
      outcomes.push({ error });
    }
  }
  return outcomes;
}
