import { ValidationError } from '../../errors.js';
import type { LifecycleEntry } from '../../model/code.js';
import type { LogPage, LogPageOptions } from '../contract.js';
import { checkLogPage, encodeLogCursor } from './args.js';

/**
 * One page of a whole log held in memory: the memory store's `readLogPage`, and `codes.history`'s
 * fallback over `readLog` for stores without `readLogPage`. A cursor is the index of the first entry
 * of the page it came with, so it stays valid while entries are appended (logs only grow). Entries
 * are returned as they are: callers copy them when they must.
 */
export function sliceLogPage(
  store: string,
  subject: string,
  log: readonly LifecycleEntry[],
  options: LogPageOptions,
): LogPage {
  const { limit, before } = checkLogPage(store, subject, options);
  if (before !== null && (before < 1 || before > log.length)) {
    throw new ValidationError(
      'Invalid argument to store.readLogPage(): before is not a cursor this store returned for this subject; pass the previous nextCursor.',
      [{ path: 'before', message: 'is not a position in this log.' }],
    );
  }
  const end = before ?? log.length;
  const start = Math.max(0, end - limit);
  return { entries: log.slice(start, end), nextCursor: start > 0 ? encodeLogCursor(store, subject, start) : null };
}
