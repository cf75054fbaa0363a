import { StorageError, ValidationError } from '../../../../errors.js';
import type { CashCode } from '../../../../model/code.js';
import { checkClaimRecords, checkCode, checkCommit, checkKey, checkNextVersion } from '../../../_memory/args.js';
import type { CashCodeStore, CodeCommit, RecordBatch } from '../../../contract.js';
import { cloneCode, deserializeCode, serializeCode } from '../../../contract.js';
import { type CodeMethod, checkClaimExpired, conflictError, orderChange, replacingWithoutCode } from '../shared.js';
import type { RedisCommands, RunScript } from './client.js';
import { recordArgs } from './records.js';
import { CLAIM_EXPIRED, CLAIM_ORDER, COMMIT_CODES, LOOKUP } from './scripts.js';

/** The code operations of the Redis store; every write is one Lua script. */
export type RedisCodeTable = Pick<CashCodeStore, Exclude<CodeMethod, 'listCodes'>> & {
  commitCodes(commits: readonly CodeCommit[]): Promise<boolean[]>;
};

const docOf = (reply: unknown): CashCode | null => (typeof reply === 'string' ? deserializeCode(reply) : null);
/** The documents of a script reply, skipping its leading counters. */
export const docsOf = (replies: readonly unknown[]): CashCode[] =>
  replies.filter((reply): reply is string => typeof reply === 'string').map(deserializeCode);

/** The fields every script write receives, as strings (instants as epoch ms, `''` for no CIP or lease). */
function fields(code: CashCode): Record<'cip' | 'version' | 'exp' | 'upd' | 'lease' | 'doc', string> {
  const lease = code.leaseUntil instanceof Date && !Number.isNaN(code.leaseUntil.getTime()) ? code.leaseUntil : null;
  return {
    cip: code.cip ?? '',
    version: String(code.version),
    exp: String(code.expiresAt.getTime()),
    upd: String(code.updatedAt.getTime()),
    lease: lease === null ? '' : String(lease.getTime()),
    doc: serializeCode(code),
  };
}

/** The ARGV of one commit in a `COMMIT_CODES` call. */
function commitArgs(code: CashCode, expectedVersion: number, writeId: string, batch: RecordBatch): string[] {
  const { cip, version, exp, upd, lease, doc } = fields(code);
  const args = [code.id, String(expectedVersion), version, code.orderId, cip, code.status, exp, upd, doc];
  return [...args, writeId, lease, ...recordArgs(batch)];
}

function unexpected(operation: string, reply: unknown): StorageError {
  return new StorageError(`[redis] store.${operation}(): unexpected script reply ${JSON.stringify(reply)}.`, {
    details: { operation },
  });
}

/** Create the code operations; `prefix` is the store's key prefix (without the client's own). */
export function createRedisCodeTable(redis: RedisCommands, run: RunScript, prefix: string): RedisCodeTable {
  /**
   * One script for a batch of commits: every CAS with its records, and the write ids that make a
   * re-sent commit answer `true`. A refused commit rejects the batch, which then wrote nothing.
   */
  async function compareAndSet(
    operation: 'updateCode' | 'commitCode' | 'commitCodes',
    commits: readonly { code: CashCode; expectedVersion: number; writeId: string; batch: RecordBatch }[],
  ): Promise<boolean[]> {
    const args: string[] = [String(commits.length)];
    for (const { code, expectedVersion, writeId, batch } of commits) {
      args.push(...commitArgs(code, expectedVersion, writeId, batch));
    }
    const [outcome, ...rest] = (await run(COMMIT_CODES, args)) as [string, ...unknown[]];
    if (outcome === 'ok') {
      return rest.map((answer) => {
        if (answer === 'updated') return true;
        if (answer === 'stale') return false;
        throw unexpected(operation, answer);
      });
    }
    const code = commits[Number(rest[0]) - 1]?.code;
    const stored = typeof rest[1] === 'string' ? rest[1] : '';
    if (outcome === 'order_change') throw orderChange(stored);
    if (outcome === 'cip_immutable')
      throw conflictError('redis', operation, 'cip_immutable', { id: code?.id, cip: stored });
    if (outcome === 'cip_conflict') throw conflictError('redis', operation, 'cip_conflict', { cip: code?.cip });
    throw unexpected(operation, outcome);
  }

  return {
    async claimOrder(code, options = {}) {
      checkCode(code, 'claimOrder');
      const batch = checkClaimRecords(options);
      const { cip, version, exp, upd, lease, doc } = fields(code);
      const replacing = options.replacing;
      const args = [code.id, code.orderId, cip, code.status, version, exp, upd, doc];
      args.push(replacing?.id ?? '', replacing === undefined ? '' : String(replacing.version), lease);
      args.push(...recordArgs(batch));
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
      const [landed] = await compareAndSet('updateCode', [
        { code, expectedVersion, writeId: '', batch: { entries: [], events: [] } },
      ]);
      return landed === true;
    },

    async commitCode(commit) {
      const batch = checkCommit(commit);
      const [landed] = await compareAndSet('commitCode', [{ ...commit, batch }]);
      return landed === true;
    },

    async commitCodes(commits) {
      if (!Array.isArray(commits)) {
        throw new ValidationError('Invalid argument to store.commitCodes(): commits must be an array.', [
          { path: 'commits', message: 'must be an array of CodeCommit.' },
        ]);
      }
      const checked = commits.map((commit) => ({ ...commit, batch: checkCommit(commit) }));
      if (checked.length === 0) return [];
      return compareAndSet('commitCodes', checked);
    },

    async claimExpired(options) {
      const { cutoff, limit, leaseMs } = checkClaimExpired(options);
      const owner = options.owner === undefined ? '' : checkKey(options.owner, 'claimExpired', 'owner');
      return docsOf((await run(CLAIM_EXPIRED, [String(cutoff), limit, leaseMs, owner])) as unknown[]);
    },
  };
}
