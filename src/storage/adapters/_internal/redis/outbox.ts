import {
  checkClaimEvents,
  checkDate,
  checkEventState,
  checkKey,
  checkSettleEvent,
  encodeEventCursor,
  resolveEventFilter,
} from '../../../_memory/args.js';
import type { CashCodeStore } from '../../../contract.js';
import type { RedisCommands, RunScript } from './client.js';
import { CLAIM_EVENTS, LIST_EVENTS, REDRIVE_EVENT, SETTLE_EVENT } from './outbox-scripts.js';
import { type OutboxRow, outboxRows } from './records.js';

/** The event outbox operations of the Redis store. */
export type RedisOutbox = Pick<
  CashCodeStore,
  'claimEvents' | 'settleEvent' | 'listEvents' | 'countEvents' | 'redriveEvent'
>;

/** Index entries one `listEvents` script call scans at most (filtered listings skip some). */
const LIST_BATCH = 500;

/**
 * Create the outbox operations. Events are written by the claim, commit and append scripts; these
 * lease, settle, list and count them from sorted sets (layout in lua.ts), never by scanning every
 * event. Claims and settles are scripts that answer the same when re-sent.
 */
export function createRedisOutbox(redis: RedisCommands, run: RunScript, prefix: string): RedisOutbox {
  return {
    async claimEvents(options) {
      const { limit, leaseMs, owner, now } = checkClaimEvents(options);
      const reply = (await run(CLAIM_EVENTS, [String(now.getTime()), limit, leaseMs, owner])) as unknown[];
      return outboxRows(reply).map((item) => item.row);
    },

    async settleEvent(options) {
      const { id, owner, attempt, outcome } = checkSettleEvent(options);
      const failure = outcome.delivered
        ? ['1', '', '0', '0']
        : ['0', outcome.error, String(outcome.nextAttemptAt.getTime()), outcome.dead ? '1' : '0'];
      const [delivered, error, next, dead] = failure;
      return (await run(SETTLE_EVENT, [id, owner, attempt, delivered!, error!, next!, dead!])) === 1;
    },

    async listEvents(filter) {
      const { state, codeId, limit, afterSeq } = resolveEventFilter(filter);
      // A code's own index, else a state's index (then no filtering), else every event.
      const index = codeId !== null ? `evcode:${codeId}` : state !== null ? `evstate:${state}` : 'evall';
      const stateFilter = codeId !== null && state !== null ? state : '';
      const found: OutboxRow[] = [];
      let after = afterSeq === null ? '' : String(afterSeq);
      for (;;) {
        const args = [index, after, limit + 1 - found.length, LIST_BATCH, stateFilter];
        const reply = (await run(LIST_EVENTS, args)) as unknown[];
        found.push(...outboxRows(reply, 2));
        if (found.length > limit || reply[0] === 1) break;
        after = String(reply[1]);
      }
      const page = found.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = found.length > limit && last !== undefined ? encodeEventCursor(last.seq) : null;
      return { events: page.map((item) => item.row), nextCursor };
    },

    countEvents: async (state) => redis.zcard(`${prefix}evstate:${checkEventState(state, 'countEvents')}`),

    async redriveEvent(id, nextAttemptAt) {
      checkKey(id, 'redriveEvent', 'id');
      const next = checkDate(nextAttemptAt, 'redriveEvent', 'nextAttemptAt').getTime();
      return (await run(REDRIVE_EVENT, [id, String(next)])) === 1;
    },
  };
}
