/**
 * Index consistency of the Redis store, read straight from the server: every code sits in exactly the
 * indexes its hash says (ids, status, update time, due or leased, reservation lease), and no index
 * holds a member whose code says otherwise. Judged on the final state, after faults.
 */
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { CODE_STATUSES } from '../../../src/model/code.js';
import { deserializeCode } from '../../../src/storage/contract.js';

async function replies(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  return ((await pipeline.exec()) ?? []).map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/** Check every index under `prefix` against the code hashes; returns how many codes it checked. */
export async function expectIndexesInStep(admin: Redis, prefix: string): Promise<number> {
  const indexes = ['idx:all', 'resv', 'due', 'leased'];
  for (const status of CODE_STATUSES) indexes.push(`idx:status:${status}`, `idx:upd:${status}`);
  // The codes are every member of every index (a SCAN would walk the whole shared server); a claim
  // writes the hash and its `idx:all` entry in one script, and every member must have its hash.
  const listing = admin.pipeline();
  for (const index of indexes) listing.zrange(`${prefix}${index}`, '0', '-1');
  const ids = [...new Set((await replies(listing)).flat() as string[])];
  const reads = admin.pipeline();
  for (const id of ids) {
    reads.hmget(`${prefix}code:${id}`, 'status', 'upd', 'doc');
    for (const index of indexes) reads.zscore(`${prefix}${index}`, id);
  }
  const all = await replies(reads);
  const problems: string[] = [];
  const want = (what: string, found: unknown, expected: unknown): void => {
    if (found !== expected) problems.push(`${what}: ${String(found)}, expected ${String(expected)}`);
  };
  for (const [at, id] of ids.entries()) {
    const row = all.slice(at * (1 + indexes.length), (at + 1) * (1 + indexes.length));
    const [status, upd, doc] = row[0] as [string | null, string | null, string | null];
    if (status === null || doc === null) {
      problems.push(`${id} is indexed but has no code`);
      continue;
    }
    const score = (index: string): unknown => row[1 + indexes.indexOf(index)];
    const code = deserializeCode(doc);
    const where = `code ${id} (${status})`;
    want(`${where} document status`, code.status, status);
    want(`${where} in idx:all`, score('idx:all'), '0');
    for (const other of CODE_STATUSES) {
      want(`${where} in idx:status:${other}`, score(`idx:status:${other}`), other === status ? '0' : null);
      want(`${where} in idx:upd:${other}`, score(`idx:upd:${other}`), other === status ? upd : null);
    }
    const lease = code.leaseUntil === null ? '-inf' : String(code.leaseUntil.getTime());
    want(`${where} in resv`, score('resv'), status === 'reserving' ? lease : null);
    const queued = [score('due'), score('leased')].filter((found) => found !== null).length;
    want(`${where} in due/leased`, queued, status === 'pending' ? 1 : 0);
  }
  // No index member outlives the status its code has.
  const members = async (index: string, status: string): Promise<void> => {
    const listed = await admin.zrange(`${prefix}${index}`, '0', '-1');
    const reads = admin.pipeline();
    for (const id of listed) reads.hget(`${prefix}code:${id}`, 'status');
    for (const [at, found] of (await replies(reads)).entries()) want(`${listed[at]} in ${index}`, found, status);
  };
  for (const status of CODE_STATUSES) {
    await members(`idx:status:${status}`, status);
    await members(`idx:upd:${status}`, status);
  }
  await members('resv', 'reserving');
  expect(problems).toEqual([]);
  return ids.length;
}
