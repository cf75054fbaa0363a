import { ValidationError } from '../../../../errors.js';
import { checkCommit } from '../../../_memory/args.js';
import type { CashCodeStore, CodeCommit } from '../../../contract.js';
import { serializeCode } from '../../../contract.js';
import { conflictError, orderChange } from '../shared.js';
import { type PgQuery, type PgRow, type PgTransaction, uniqueViolation } from './query.js';
import { reserveUntil } from './schema.js';
import { keepLeaseIfPending, recordInserts } from './sql.js';

/** `commitCodes` of the PostgreSQL store: a batch of commits in one statement, hence one transaction. */
export type PgCommitBatch = Required<Pick<CashCodeStore, 'commitCodes'>>;

/**
 * The batch commit for tables named `<p>…`; $1 is a JSON array of commits (see {@link createPgCommitBatch}).
 *
 * `lock` takes the row locks of every code of the batch in id order (two batches never deadlock) and,
 * being a locking read, sees each row as last committed, after waiting for a concurrent writer: so
 * `judged` tells a landed re-execution (new version, this write id) from a stale version (`false`) and
 * from a refused change (same version, another order or CIP), exactly as `commitCode` does. One refused
 * commit stops every update of the batch (`upd` writes nothing), and the caller rejects. Each code
 * appears at most once per statement (see `rounds`). The entries
 * and events of the commits that landed are inserted in batch order, after the locks, so the outbox
 * numbers of one code follow its commits.
 */
export function commitBatchStatement(p: string): string {
  return `
      WITH input AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
          n integer, id text, order_id text, status text, version integer, cip text, expires_at timestamptz,
          updated_at timestamptz, data text, expected integer, write_id text, entries jsonb, events jsonb)
      ),
      lock AS (
        SELECT c.id, c.version, c.order_id, c.cip, c.write_id FROM ${p}codes c
        WHERE c.id IN (SELECT id FROM input)
        ORDER BY c.id
        FOR NO KEY UPDATE
      ),
      judged AS (
        SELECT i.n,
          l.id IS NOT NULL AND l.version = i.version AND l.write_id IS NOT DISTINCT FROM i.write_id AS replayed,
          l.id IS NOT NULL AND l.version = i.expected AS matches,
          l.id IS NOT NULL AND l.version = i.expected
            AND (l.order_id <> i.order_id OR (l.cip IS NOT NULL AND l.cip IS DISTINCT FROM i.cip)) AS refused,
          l.order_id AS stored_order, l.cip AS stored_cip
        FROM input i LEFT JOIN lock l ON l.id = i.id
        WHERE (SELECT count(*) FROM lock) >= 0
      ),
      upd AS (
        UPDATE ${p}codes c
        SET status = i.status, version = i.version, cip = i.cip, expires_at = i.expires_at,
          updated_at = i.updated_at, data = i.data::jsonb, write_id = i.write_id,
          reserve_until = ${reserveUntil('i.status', 'i.data::jsonb')},${keepLeaseIfPending('i.status')}
        FROM input i JOIN judged j ON j.n = i.n
        WHERE c.id = i.id AND c.version = i.expected AND j.matches AND NOT j.refused
          AND NOT EXISTS (SELECT 1 FROM judged WHERE refused)
        RETURNING i.n
      ),
      landed AS (SELECT i.n, i.entries, i.events FROM upd JOIN input i ON i.n = upd.n),${recordInserts(
        p,
        'landed i',
        'i.entries',
        'i.events',
        'i.n, ',
      )}
      SELECT j.n, EXISTS (SELECT 1 FROM upd WHERE upd.n = j.n) AS updated, j.replayed, j.refused,
        j.stored_order, j.stored_cip
      FROM judged j
      ORDER BY j.n`;
}

/** The JSON row of one commit in the batch statement's input. */
function inputRow(commit: CodeCommit, n: number): Record<string, unknown> {
  const { code } = commit;
  return {
    n,
    id: code.id,
    order_id: code.orderId,
    status: code.status,
    version: code.version,
    cip: code.cip,
    expires_at: code.expiresAt.toISOString(),
    updated_at: code.updatedAt.toISOString(),
    data: serializeCode(code),
    expected: commit.expectedVersion,
    write_id: commit.writeId,
    entries: commit.entries,
    events: commit.events,
  };
}

/** The CIP named by a unique violation's detail (`Key (cip)=(…) already exists.`), if any. */
function violatedCip(error: unknown): string | null {
  const detail = (error as { detail?: unknown }).detail;
  const match = typeof detail === 'string' ? /\(cip\)=\((.*)\)/.exec(detail) : null;
  return match?.[1] ?? null;
}

/**
 * Split a batch into rounds that change each code at most once, keeping the order of each code's
 * commits: round r holds the r-th commit of every code. Most batches (a sweep's) are one round.
 */
function rounds(commits: readonly CodeCommit[]): number[][] {
  const seen = new Map<string, number>();
  const result: number[][] = [];
  for (const [index, commit] of commits.entries()) {
    const round = seen.get(commit.code.id) ?? 0;
    seen.set(commit.code.id, round + 1);
    if (round === result.length) result.push([]);
    result[round]!.push(index);
  }
  return result;
}

/**
 * Create `commitCodes` over `query` for tables named `<prefix>…`. A batch that changes each code once
 * is one statement; one that changes a code several times (each commit then judged on the one before
 * it, as one by one) runs its rounds in one transaction.
 */
export function createPgCommitBatch(query: PgQuery, transaction: PgTransaction, prefix: string): PgCommitBatch {
  const statement = commitBatchStatement(prefix);

  // One round: its answers by batch index, or the refusal that must undo the whole batch.
  async function round(run: PgQuery, commits: readonly CodeCommit[], indexes: readonly number[]) {
    const rows = await run(statement, [JSON.stringify(indexes.map((index) => inputRow(commits[index]!, index)))]);
    const refused = rows.find((row) => row.refused === true);
    if (refused !== undefined) {
      const commit = commits[Number(refused.n)]!;
      if (refused.stored_order !== commit.code.orderId) throw orderChange(refused.stored_order as string);
      throw conflictError('postgres', 'commitCodes', 'cip_immutable', { id: commit.code.id, cip: refused.stored_cip });
    }
    return rows;
  }

  return {
    async commitCodes(commits) {
      if (!Array.isArray(commits)) {
        throw new ValidationError('Invalid argument to store.commitCodes(): commits must be an array.', [
          { path: 'commits', message: 'must be an array of CodeCommit.' },
        ]);
      }
      for (const commit of commits) checkCommit(commit);
      if (commits.length === 0) return [];
      const plan = rounds(commits);
      const answers: boolean[] = commits.map(() => false);
      const record = (rows: PgRow[]): void => {
        for (const row of rows) answers[Number(row.n)] = row.updated === true || row.replayed === true;
      };
      try {
        if (plan.length === 1) record(await round(query, commits, plan[0]!));
        else {
          await transaction(async (run) => {
            for (const indexes of plan) record(await round(run, commits, indexes));
          });
        }
      } catch (error) {
        if (uniqueViolation(error) === `${prefix}codes_cip_key`) {
          throw conflictError('postgres', 'commitCodes', 'cip_conflict', { cip: violatedCip(error) });
        }
        throw error;
      }
      return answers;
    },
  };
}
