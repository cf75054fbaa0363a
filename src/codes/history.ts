import type { LifecycleEntry } from '../model/code.js';
import { checkLogPage } from '../storage/_memory/args.js';
import { sliceLogPage } from '../storage/_memory/log-page.js';
import type { CashCodeStore, LogPage, LogPageOptions } from '../storage/contract.js';

/**
 * `codes.history`: the whole lifecycle log, or (with `options`) one page of it, newest page first and
 * entries oldest first. Stores with `readLogPage` read the page from an index; for the others the log
 * is read whole and sliced here, with the same cursors and the same `ValidationError`s.
 */
export async function history(
  store: CashCodeStore,
  subject: string,
  options?: LogPageOptions,
): Promise<LifecycleEntry[] | LogPage> {
  if (options === undefined) return store.readLog(subject);
  if (store.readLogPage !== undefined) return store.readLogPage(subject, options);
  // Refuse bad arguments before reading anything, as a store would.
  checkLogPage(store.name, subject, options);
  return sliceLogPage(store.name, subject, await store.readLog(subject), options);
}
