import { type CashCode, CODE_STATUSES } from '../../../../model/code.js';
import { checkStaleReservations, encodeCursor, resolveListFilter } from '../../../_memory/args.js';
import type { CodePage, ListCodesFilter, StaleReservationsOptions } from '../../../contract.js';
import type { RunScript } from './client.js';
import { docsOf } from './codes.js';
import { LIST_CODES, STALE_RESERVATIONS } from './list-scripts.js';

/** Ids one `listCodes` script call walks at most per status index, so a listing never blocks Redis for long. */
const LIST_BATCH = 500;

/** The listings of the Redis store that read the version-2 indexes. */
export interface RedisListing {
  listCodes(filter?: ListCodesFilter): Promise<CodePage>;
  listStaleReservations(options: StaleReservationsOptions): Promise<CashCode[]>;
}

/**
 * Create the listings. `upgraded` resolves once the store's indexes are at the current version (see
 * schema.ts); only the listings that read the new indexes wait for it.
 */
export function createRedisListing(run: RunScript, upgraded: () => Promise<unknown>): RedisListing {
  return {
    async listCodes(filter) {
      const { statuses, updatedSince, limit, afterId } = resolveListFilter(filter);
      const every = statuses === null || CODE_STATUSES.every((status) => statuses.has(status));
      const wanted = every ? CODE_STATUSES : CODE_STATUSES.filter((status) => statuses.has(status));
      const since = updatedSince === null ? '' : String(updatedSince);
      if (since !== '') await upgraded();
      const found: CashCode[] = [];
      let after = afterId ?? '';
      // A filtered walk reads ids ahead in chunks that double per call, so a dense match reads about
      // `limit` ids and a sparse one at most LIST_BATCH per index per call.
      for (let round = 0; ; round += 1) {
        const chunk = Math.min(LIST_BATCH, (limit + 1) * 2 ** round);
        const args = [after, since, limit + 1 - found.length, chunk, every ? '1' : '0', ...wanted];
        const [exhausted, last, , ...docs] = (await run(LIST_CODES, args)) as [number, string, number, ...unknown[]];
        found.push(...docsOf(docs));
        if (found.length > limit || exhausted === 1) break;
        after = last;
      }
      const codes = found.slice(0, limit);
      const lastCode = codes.at(-1);
      return { codes, nextCursor: found.length > limit && lastCode !== undefined ? encodeCursor(lastCode.id) : null };
    },

    async listStaleReservations(options) {
      const { cutoff, limit } = checkStaleReservations(options);
      await upgraded();
      return docsOf((await run(STALE_RESERVATIONS, [String(cutoff), limit])) as unknown[]);
    },
  };
}
