import { StorageError } from '../../../../errors.js';
import type { CashCode } from '../../../../model/code.js';
import {
  checkClaimRecords,
  checkCode,
  checkCommit,
  checkKey,
  checkNextVersion,
  encodeCursor,
  resolveListFilter,
} from '../../../_memory/args.js';
import type { CashCodeStore, RecordBatch } from '../../../contract.js';
import { cloneCode, deserializeCode, serializeCode } from '../../../contract.js';
import { type CodeMethod, checkClaimExpired, conflictError, orderChange, replacingWithoutCode } from '../shared.js';
import type { RedisCommands, RunScript } from './client.js';
import { recordArgs } from './records.js';
import { CLAIM_EXPIRED, CLAIM_ORDER, LIST_CODES, LOOKUP, UPDATE_CODE } from './scripts.js';

/** The code operations of the Redis store; every write is one Lua script. */
export type RedisCodeTable = Pick<CashCodeStore, CodeMethod>;

/** Index entries one `listCodes` script call scans at most, so a listing never blocks Redis for long. */
const LIST_BATCH = 500;

const docOf = (reply: unknown): CashCode | null => (typeof reply === 'string' ? deserializeCode(reply) : null);
const docsOf = (replies: readonly unknown[]): CashCode[] =>
  replies.filter((reply): reply is string => typeof reply === 'string').map(deserializeCode);

/** The fields every script write receives, as strings (instants as epoch ms, `''` for no CIP). */
function fields(code: CashCode): Record<'cip' | 'version' | 'exp' | 'upd' | 'doc', string> {
  return {
    cip: code.cip ?? '',
    version: String(code.version),
    exp: String(code.expiresAt.getTime()),
    upd: String(code.updatedAt.getTime()),
    doc: serializeCode(code),
  };
}

function unexpected(operation: string, reply: unknown): StorageError {
  return new StorageError(`[redis] store.${operation}(): unexpected script reply ${JSON.stringify(reply)}.`, {
    details: { operation },
  });
}

/** Create the code operations; `prefix` is the store's key prefix (without the client's own). */
export function createRedisCodeTable(redis: RedisCommands, run: RunScript, prefix: string): RedisCodeTable {
  /** One script: the CAS, the records, and the write id that makes a re-sent commit answer `true`. */
  async function compareAndSet(
    operation: 'updateCode' | 'commitCode',
    code: CashCode,
    expectedVersion: number,
    writeId: string,
    batch: RecordBatch,
  ): Promise<boolean> {
    const { cip, version, exp, upd, doc } = fields(code);
    const args = [code.id, String(expectedVersion), version, code.orderId, cip, code.status, exp, upd, doc, writeId];
    const [outcome, stored] = (await run(UPDATE_CODE, [...args, ...recordArgs(batch)])) as [string, string?];
    if (outcome === 'updated') return true;
    if (outcome === 'stale') return false;
    if (outcome === 'order_change') throw orderChange(stored ?? '');
    if (outcome === 'cip_immutable')
      throw conflictError('redis', operation, 'cip_immutable', { id: code.id, cip: stored });
    if (outcome === 'cip_conflict') throw conflictError('redis', operation, 'cip_conflict', { cip: code.cip });
    throw unexpected(operation, outcome);
  }

  return {
    async claimOrder(code, options = {}) {
      checkCode(code, 'claimOrder');
      const batch = checkClaimRecords(options);
      const { cip, version, exp, upd, doc } = fields(code);
      const replacing = options.replacing;
      const args = [code.id, code.orderId, cip, code.status, version, exp, upd, doc];
      args.push(replacing?.id ?? '', replacing === undefined ? '' : String(replacing.version), ...recordArgs(batch));
      const [outcome, stored] = (await run(CLAIM_ORDER, args)) as [string, unknown?];
      if (outcome === 'claimed') {
        // A re-sent claim answers with the stored code (the one this very claim wrote).
        return { claimed: true, code: typeof stored === 'string' ? deserializeCode(stored) : cloneCode(code) };
      }
      if (outcome === 'current' && typeof stored === 'string')
        return { claimed: false, current: deserializeCode(stored) };
      if (outcome === 'no_code') throw replacingWithoutCode();
      if (outcome === 'id_conflict') throw conflictError('redis', 'claimOrder', 'id_conflict', { id: code.id });
      if (outcome === 'cip_conflict') throw conflictError('redis', 'claimOrder', 'cip_conflict', { cip: code.cip });
      throw unexpected('claimOrder', outcome);
    },

    getCode: async (id) => docOf(await redis.hget(`${prefix}code:${checkKey(id, 'getCode', 'id')}`, 'doc')),
    getCodeByCip: async (cip) => docOf(await run(LOOKUP, ['cip', checkKey(cip, 'getCodeByCip', 'cip')])),
    getCodeByOrder: async (orderId) =>
      docOf(await run(LOOKUP, ['order', checkKey(orderId, 'getCodeByOrder', 'orderId')])),

    async updateCode(code, expectedVersion) {
      checkNextVersion(code, expectedVersion);
      return compareAndSet('updateCode', code, expectedVersion, '', { entries: [], events: [] });
    },

    async commitCode(commit) {
      const batch = checkCommit(commit);
      return compareAndSet('commitCode', commit.code, commit.expectedVersion, commit.writeId, batch);
    },

    async listCodes(filter) {
      const { statuses, updatedSince, limit, afterId } = resolveListFilter(filter);
      // One status has its own index; several are filtered while scanning the index of all codes.
      const only = statuses?.size === 1 ? [...statuses][0]! : null;
      const index = only === null ? 'all' : `status:${only}`;
      const filterArgs = only === null && statuses !== null ? [...statuses] : [];
      const since = updatedSince === null ? '' : String(updatedSince);
      const found: CashCode[] = [];
      let after = afterId ?? '';
      for (;;) {
        const args = [index, after, since, limit + 1 - found.length, LIST_BATCH, ...filterArgs];
        const [exhausted, last, ...docs] = (await run(LIST_CODES, args)) as [number, string, ...unknown[]];
        found.push(...docsOf(docs));
        if (found.length > limit || exhausted === 1) break;
        after = last;
      }
      const codes = found.slice(0, limit);
      const lastCode = codes.at(-1);
      return { codes, nextCursor: found.length > limit && lastCode !== undefined ? encodeCursor(lastCode.id) : null };
    },

    async claimExpired(options) {
      const { cutoff, limit, leaseMs } = checkClaimExpired(options);
      const owner = options.owner === undefined ? '' : checkKey(options.owner, 'claimExpired', 'owner');
      return docsOf((await run(CLAIM_EXPIRED, [String(cutoff), limit, leaseMs, owner])) as unknown[]);
    },
  };
}
