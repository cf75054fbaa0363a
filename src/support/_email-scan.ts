import type { CashCode } from '../model/code.js';
import type { CashCodeStore } from '../storage/contract.js';

const DAY_MS = 24 * 3600_000;
/** Recency windows, widest last (`null`: every code). Recent codes are where a buyer's call is about. */
const WINDOWS: readonly (number | null)[] = [DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 365 * DAY_MS, null];
const MAX_PAGE = 1000;

/** What {@link scanByEmail} found. */
export interface EmailScan {
  codes: CashCode[];
  /** Code records read from the store (re-reads in wider windows count: they cost the same). */
  scanned: number;
  /** The scan stopped at its budget while codes were left unread. */
  truncated: boolean;
}

/**
 * Find codes whose payer e-mail equals `email` (case-insensitive) without an e-mail index: page
 * through `listCodes({ updatedSince })` in widening recency windows. A window is enough once it holds
 * `limit` matches created inside it: every code outside it was updated, hence created, before it began,
 * so none of them is newer. Stops after reading `scanLimit` records.
 */
export async function scanByEmail(
  store: CashCodeStore,
  email: string,
  options: { limit: number; scanLimit: number; now: Date },
): Promise<EmailScan> {
  const wanted = email.toLowerCase();
  const matches = new Map<string, CashCode>();
  let scanned = 0;
  for (const width of WINDOWS) {
    const since = width === null ? null : new Date(options.now.getTime() - width);
    let cursor: string | null = null;
    do {
      const budget = options.scanLimit - scanned;
      if (budget <= 0) return { codes: [...matches.values()], scanned, truncated: true };
      const page = await store.listCodes({
        limit: Math.min(MAX_PAGE, budget),
        cursor,
        ...(since !== null && { updatedSince: since }),
      });
      scanned += page.codes.length;
      for (const code of page.codes) {
        if (code.payer.email.trim().toLowerCase() === wanted) matches.set(code.id, code);
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    if (since === null) break;
    let inside = 0;
    for (const code of matches.values()) if (code.createdAt.getTime() >= since.getTime()) inside += 1;
    if (inside >= options.limit) break;
  }
  return { codes: [...matches.values()], scanned, truncated: false };
}
