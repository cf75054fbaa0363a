/**
 * PostgreSQL at scale (issue #12): the plans of the sweep, listing and log-paging statements on a
 * fresh table, schema v3 over a v2 database, the batch commit and the new store methods against the
 * real server, and a batch commit whose backend is terminated in the middle.
 *
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/12
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { createCashCodes } from '../../src/index.js';
import type { CashCode, LifecycleEntry } from '../../src/model/code.js';
import type { CodeEvent } from '../../src/model/events.js';
import { commitBatchStatement } from '../../src/storage/adapters/_internal/postgres/batch.js';
import { listStatements } from '../../src/storage/adapters/_internal/postgres/listing.js';
import { recordStatements } from '../../src/storage/adapters/_internal/postgres/records.js';
import { migrationScript } from '../../src/storage/adapters/_internal/postgres/schema.js';
import { codeStatements, keyStatements } from '../../src/storage/adapters/_internal/postgres/sql.js';
import { POSTGRES_SCHEMA_VERSION, type PostgresStore, postgresStore } from '../../src/storage/adapters/postgres.js';
import type { CodeCommit } from '../../src/storage/contract.js';
import { createFakePagoEfectivo } from '../../src/testing/index.js';
import { FAKE_CREDENTIALS } from './_fixtures/protocol.js';
import { rejection, sampleCode } from './_fixtures/records.js';

const url = process.env.PAGOEFECTIVO_KIT_TEST_POSTGRES_URL;
const run = randomBytes(4).toString('hex');
const TABLES = ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'];
const prefixes: string[] = [];
const pools: pg.Pool[] = [];

function freshPrefix(): string {
  const prefix = `pks_${run}_${prefixes.length}_`;
  prefixes.push(prefix);
  return prefix;
}

function newPool(max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

afterAll(async () => {
  if (pools.length === 0) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const prefix of prefixes) {
    await admin.query(`DROP TABLE IF EXISTS ${TABLES.map((name) => prefix + name).join(', ')} CASCADE`);
  }
  await admin.end();
  await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
});

/** The commit that moves `code` one version on, with one entry and one event (like the sweep's). */
function commitOf(code: CashCode, changes: Partial<CashCode>, writeId = `w-${randomBytes(4).toString('hex')}`) {
  const next: CashCode = { ...code, ...changes, version: code.version + 1 };
  const entry: LifecycleEntry = {
    id: `${code.id}:v${next.version}:expired`,
    subject: code.id,
    orderId: code.orderId,
    cip: next.cip,
    type: 'expired',
    actor: 'sweeper',
    at: new Date('2026-03-03T10:00:00.000Z'),
    reason: 'confirmed_with_api',
    from: code.status,
    to: next.status,
    data: {},
  };
  const event: CodeEvent = {
    id: `${code.id}:v${next.version}:code.expired`,
    type: 'code.expired',
    codeId: code.id,
    orderId: code.orderId,
    cip: next.cip,
    at: new Date('2026-03-03T10:00:00.000Z'),
    source: 'sweeper',
    data: { reason: 'confirmed_with_api' },
  };
  const commit: CodeCommit = { code: next, expectedVersion: code.version, writeId, entries: [entry], events: [event] };
  return commit;
}

/** `count` pending codes claimed into `store`, each with its CIP. */
async function pendingCodes(store: PostgresStore, count: number, tag: string): Promise<CashCode[]> {
  const codes: CashCode[] = [];
  for (let index = 0; index < count; index += 1) {
    const code = sampleCode({ status: 'pending', cip: `cip-${run}-${tag}-${index}` });
    await store.claimOrder(code);
    codes.push(code);
  }
  return codes;
}

if (!url) {
  it.skip('PostgreSQL scale suite: set PAGOEFECTIVO_KIT_TEST_POSTGRES_URL to run it', () => undefined);
}

if (url) {
  describe('postgresStore at scale: plans on a fresh table (no ANALYZE)', () => {
    it('the sweep, its batch commit, stale reservations, every listCodes shape, log pages and the bounded purge never plan a Seq Scan, custom or generic', async () => {
      const prefix = freshPrefix();
      const pool = newPool(2);
      await postgresStore(pool, { tablePrefix: prefix }).migrate();
      // Freshly loaded tables, as after an import: no statistics, and no autovacuum to gather them.
      await pool.query(`ALTER TABLE ${prefix}codes SET (autovacuum_enabled = false)`);
      for (const table of ['log', 'keys', 'counters']) {
        await pool.query(`ALTER TABLE ${prefix}${table} SET (autovacuum_enabled = false)`);
      }
      await pool.query(`
        INSERT INTO ${prefix}codes (id, order_id, status, version, cip, expires_at, updated_at, data, reserve_until)
        SELECT 'code-' || lpad(g::text, 6, '0'), 'order-' || g,
          (ARRAY['pending', 'paid', 'expired', 'reserving'])[1 + g % 4], 1, 'cip-' || g,
          now() - g * interval '1 second', now() - g * interval '1 second', '{}'::jsonb,
          CASE WHEN g % 4 = 3 THEN now() + interval '1 minute' END
        FROM generate_series(1, 100000) AS g`);
      await pool.query(`
        INSERT INTO ${prefix}log (subject, entry_id, entry)
        SELECT 'code-' || lpad((g % 1000)::text, 6, '0'), 'e-' || g, '{}'::jsonb FROM generate_series(1, 50000) AS g`);
      await pool.query(`
        INSERT INTO ${prefix}keys (kind, key, value, expires_at)
        SELECT 'once', 'webhook:' || g, NULL, now() + (g - 25000) * interval '1 second' FROM generate_series(1, 50000) AS g`);
      await pool.query(`
        INSERT INTO ${prefix}counters (key, count, reset_at, counted)
        SELECT 'ip:' || g, 1, now() + (g - 25000) * interval '1 second', true FROM generate_series(1, 50000) AS g`);
      const { rows: stats } = await pool.query(`SELECT count(*)::integer AS n FROM pg_stats WHERE tablename LIKE $1`, [
        `${prefix}%`,
      ]);
      expect(stats[0].n, 'the tables must have no statistics').toBe(0);

      const now = new Date();
      // The sweep's batch: 100 expirations of stored codes, as `commitCodes` sends them.
      const batchInput = Array.from({ length: 100 }, (_, n) => {
        const id = `code-${String(4 * n + 4).padStart(6, '0')}`;
        const entry = { id: `${id}:v2:expired`, subject: id, at: now.toISOString() };
        const event = { id: `${id}:v2:code.expired`, codeId: id, at: now.toISOString() };
        return {
          ...{ n, id, order_id: `order-${4 * n + 4}`, status: 'expired', version: 2, cip: `cip-${4 * n + 4}` },
          ...{ expires_at: now.toISOString(), updated_at: now.toISOString(), data: '{}', expected: 1, write_id: 'w' },
          ...{ entries: [entry], events: [event] },
        };
      });
      const since = new Date(now.getTime() - 3_600_000);
      const list = listStatements(prefix);
      const planned: Record<string, { text: string; values: unknown[] }> = {
        claimExpired: { text: codeStatements(prefix).claimExpired, values: [now, 100, 30_000, 'sweeper-1'] },
        listStaleReservations: { text: list.stale, values: [now, 100] },
        'listCodes()': { text: list.all, values: ['', 101] },
        'listCodes({ statuses })': { text: list.statuses, values: ['code-000500', 101, ['pending', 'expired']] },
        'listCodes({ updatedSince })': { text: list.since, values: ['', 101, since] },
        'listCodes({ statuses, updatedSince })': { text: list.statusesSince, values: ['', 101, ['paid'], since] },
        readLogPage: { text: recordStatements(prefix).logPage, values: ['code-000007', '9223372036854775807', 51] },
        'purgeExpired({ limit })': { text: keyStatements(prefix).purgeBatch, values: [1000] },
        commitCodes: { text: commitBatchStatement(prefix), values: [JSON.stringify(batchInput)] },
      };
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const [name, { text, values }] of Object.entries(planned)) {
          const custom = await client.query(`EXPLAIN ${text}`, values);
          await client.query('SET plan_cache_mode = force_generic_plan');
          await client.query(`PREPARE scale_probe AS ${text}`);
          // EXECUTE takes no bind parameters: its arguments are literals (the plan is generic anyway).
          const literal = (value: unknown): string =>
            Array.isArray(value)
              ? `ARRAY[${value.map(literal).join(', ')}]`
              : client.escapeLiteral(value instanceof Date ? value.toISOString() : String(value));
          const generic = await client.query(`EXPLAIN EXECUTE scale_probe(${values.map(literal).join(', ')})`);
          await client.query('DEALLOCATE scale_probe');
          await client.query('RESET plan_cache_mode');
          for (const [mode, result] of [
            ['custom', custom],
            ['generic', generic],
          ] as const) {
            const plan = result.rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
            expect(plan, `${name} (${mode} plan):\n${plan}`).not.toMatch(/Seq Scan/);
            expect(plan, `${name} (${mode} plan):\n${plan}`).toMatch(/Index/);
          }
        }
      } finally {
        await client.end();
      }
    }, 60_000);
  });
}

if (url) {
  describe('postgresStore schema v3: upgrading a v2 database in place', () => {
    it('migrate() from v2, run by four processes at once, fills reserve_until and finds stale reservations', async () => {
      const prefix = freshPrefix();
      const pool = newPool(2);
      await pool.query(migrationScript(prefix, 2));
      const past = new Date(Date.now() - 60_000);
      const future = new Date(Date.now() + 3_600_000);
      const noLease = sampleCode({ leaseUntil: null });
      const lapsed = sampleCode({ leaseUntil: past });
      const live = sampleCode({ leaseUntil: future });
      const pending = sampleCode({ status: 'pending', cip: `cip-${run}-v2`, leaseUntil: null });
      // Rows exactly as 0.2 wrote them: no reserve_until column at all.
      const insertV2 = async (code: CashCode) => {
        await pool.query(
          `INSERT INTO ${prefix}codes (id, order_id, status, version, cip, expires_at, updated_at, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            code.id,
            code.orderId,
            code.status,
            code.version,
            code.cip,
            code.expiresAt,
            code.updatedAt,
            JSON.stringify(code),
          ],
        );
        await pool.query(`INSERT INTO ${prefix}orders (order_id, code_id) VALUES ($1, $2)`, [code.orderId, code.id]);
      };
      for (const code of [noLease, lapsed, live, pending]) await insertV2(code);

      const migrators = Array.from({ length: 4 }, () => newPool(1));
      await Promise.all(migrators.map((one) => postgresStore(one, { tablePrefix: prefix }).migrate()));
      const store = postgresStore(pool, { tablePrefix: prefix });
      await store.migrate();
      const { rows: versions } = await pool.query(`SELECT version FROM ${prefix}schema_migrations ORDER BY version`);
      expect(versions).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => ({ version: index + 1 })));
      expect(POSTGRES_SCHEMA_VERSION).toBe(3);
      const { rows } = await pool.query(
        `SELECT id, reserve_until = '-infinity' AS none, reserve_until FROM ${prefix}codes ORDER BY id`,
      );
      const byId = new Map(rows.map((row: { id: string }) => [row.id, row]));
      expect(byId.get(noLease.id)).toMatchObject({ none: true });
      expect(byId.get(lapsed.id)).toMatchObject({ reserve_until: past });
      expect(byId.get(live.id)).toMatchObject({ reserve_until: future });
      expect(byId.get(pending.id)).toMatchObject({ reserve_until: null });

      // Every row reads back as it was; stale ones come out oldest lease first ("no lease" first).
      expect(await store.getCode(pending.id)).toEqual(pending);
      expect(await store.listStaleReservations({ now: new Date(), limit: 10 })).toEqual([noLease, lapsed]);
      // A 0.2 process still running during the deploy writes reservations without reserve_until.
      const oldLapsed = sampleCode({ leaseUntil: new Date(Date.now() - 120_000) });
      const oldLive = sampleCode({ leaseUntil: future });
      await insertV2(oldLapsed);
      await insertV2(oldLive);
      const stale = await store.listStaleReservations({ now: new Date(), limit: 10 });
      expect(stale.map((code) => code.id).sort()).toEqual([noLease.id, lapsed.id, oldLapsed.id].sort());
      expect(await store.listStaleReservations({ now: new Date(), limit: 1 })).toHaveLength(1);
      // A write by this release keeps the column in step: the live reservation fails, the lapsed one
      // gets a new lease.
      expect(
        await store.commitCode({ ...commitOf(live, { status: 'failed', leaseUntil: null }), entries: [], events: [] }),
      ).toBe(true);
      expect(
        await store.updateCode({ ...lapsed, version: lapsed.version + 1, leaseUntil: future }, lapsed.version),
      ).toBe(true);
      const after = await store.listStaleReservations({ now: new Date(), limit: 10 });
      expect(after.map((code) => code.id).sort()).toEqual([noLease.id, oldLapsed.id].sort());
      expect(await store.listStaleReservations({ now: new Date(future.getTime() + 1), limit: 10 })).toHaveLength(4);
      await expect(store.listStaleReservations({ now: new Date(), limit: 0 })).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });
  });

  describe('postgresStore.commitCodes against PostgreSQL', () => {
    const logOf = async (pool: pg.Pool, prefix: string, ids: readonly string[]) => {
      const { rows } = await pool.query(
        `SELECT (SELECT count(*) FROM ${prefix}log WHERE subject = ANY ($1))::integer AS entries,
                (SELECT count(*) FROM ${prefix}events WHERE code_id = ANY ($1))::integer AS events`,
        [ids],
      );
      return rows[0] as { entries: number; events: number };
    };

    it('judges each commit like commitCode, in one transaction, and answers the same when re-executed', async () => {
      const prefix = freshPrefix();
      const pool = newPool(3);
      const store = postgresStore(pool, { tablePrefix: prefix, autoMigrate: true });
      const [fresh, stale, replayed, unknown] = await pendingCodes(store, 4, 'batch');
      const replay = commitOf(replayed!, { status: 'expired' });
      expect(await store.commitCode(replay)).toBe(true);
      const batch = [
        commitOf(fresh!, { status: 'expired' }),
        { ...commitOf(stale!, { status: 'expired' }), expectedVersion: stale!.version + 5 },
        replay,
        commitOf({ ...unknown!, id: `missing-${run}` }, { status: 'expired' }),
      ];
      batch[1]!.code.version = stale!.version + 6;
      expect(await store.commitCodes(batch)).toEqual([true, false, true, false]);
      expect(await store.getCode(fresh!.id)).toEqual(batch[0]!.code);
      expect(await store.getCode(stale!.id)).toEqual(stale);
      expect(await logOf(pool, prefix, [fresh!.id, stale!.id, replayed!.id])).toEqual({ entries: 2, events: 2 });
      // Re-executed after a lost reply: the same answers, nothing written twice.
      expect(await store.commitCodes(batch)).toEqual([true, false, true, false]);
      expect(await logOf(pool, prefix, [fresh!.id, stale!.id, replayed!.id])).toEqual({ entries: 2, events: 2 });
      expect(await store.commitCodes([])).toEqual([]);
      // The landed commit's sweeper lease is dropped with its pending status, as commitCode does.
      const { rows } = await pool.query(`SELECT sweep_lease_until, reserve_until FROM ${prefix}codes WHERE id = $1`, [
        fresh!.id,
      ]);
      expect(rows[0]).toEqual({ sweep_lease_until: null, reserve_until: null });
    });

    it('a batch that changes a code twice judges the second commit on the first, in one transaction', async () => {
      const prefix = freshPrefix();
      const pool = newPool(3);
      const store = postgresStore(pool, { tablePrefix: prefix, autoMigrate: true });
      const [a, b] = await pendingCodes(store, 2, 'chain');
      const first = commitOf(a!, { status: 'expired' });
      const second = { ...commitOf(first.code, { status: 'cancelled' }), entries: [], events: [] };
      const stale = commitOf(a!, { status: 'cancelled' });
      const other = commitOf(b!, { status: 'expired' });
      const batch = [first, other, second, stale];
      expect(await store.commitCodes(batch)).toEqual([true, true, true, false]);
      expect(await store.getCode(a!.id)).toEqual(second.code);
      // Re-executed, it writes nothing more; the first commit is no longer the code's last write, so it
      // answers what commitCode one by one would answer too.
      expect(await store.commitCodes(batch)).toEqual([false, true, true, false]);
      expect(await logOf(pool, prefix, [a!.id, b!.id])).toEqual({ entries: 2, events: 2 });
      // Over a single Client too: the transaction is one unit of its queue.
      const single = new pg.Client({ connectionString: url });
      await single.connect();
      try {
        const over = postgresStore(single, { tablePrefix: prefix });
        const [c] = await pendingCodes(store, 1, 'chain-client');
        const one = commitOf(c!, { status: 'expired' });
        const two = { ...commitOf(one.code, { status: 'cancelled' }), entries: [], events: [] };
        const [answers, read] = await Promise.all([over.commitCodes([one, two]), over.getCode(c!.id)]);
        expect(answers).toEqual([true, true]);
        expect(read).toEqual(two.code);
      } finally {
        await single.end();
      }
    });

    it('events of a batch enter the outbox in batch order', async () => {
      const store = postgresStore(newPool(2), { tablePrefix: freshPrefix(), autoMigrate: true });
      const codes = await pendingCodes(store, 6, 'order');
      const batch = [...codes].reverse().map((code) => commitOf(code, { status: 'expired' }));
      expect(await store.commitCodes(batch)).toEqual(batch.map(() => true));
      const { events } = await store.listEvents({ limit: 100 });
      expect(events.map((outbox) => outbox.event.codeId)).toEqual(batch.map((commit) => commit.code.id));
    });

    it('a refused or conflicting commit rejects the whole batch and writes nothing of it', async () => {
      const prefix = freshPrefix();
      const pool = newPool(2);
      const store = postgresStore(pool, { tablePrefix: prefix, autoMigrate: true });
      const [a, b, c] = await pendingCodes(store, 3, 'refused');
      const ids = [a!.id, b!.id, c!.id];
      const good = commitOf(a!, { status: 'expired' });
      const moved = commitOf(b!, { status: 'expired', orderId: `elsewhere-${run}` });
      expect((await rejection(store.commitCodes([good, moved]))).code).toBe('validation_failed');
      const recip = commitOf(b!, { cip: `other-${run}` });
      const refused = await rejection(store.commitCodes([good, recip]));
      expect(refused).toMatchObject({ code: 'storage_error', details: { reason: 'cip_immutable', id: b!.id } });
      // c takes a's CIP: a unique violation of the statement, which undoes the batch.
      const taken = commitOf({ ...c!, cip: null }, { cip: a!.cip });
      await pool.query(`UPDATE ${prefix}codes SET cip = NULL, data = jsonb_set(data, '{cip}', 'null') WHERE id = $1`, [
        c!.id,
      ]);
      const conflict = await rejection(store.commitCodes([good, taken]));
      expect(conflict).toMatchObject({ code: 'storage_error', details: { reason: 'cip_conflict', cip: a!.cip } });
      // A batch that changes a code twice runs in one transaction: a refusal in its second round
      // undoes the first round too.
      const chained = commitOf(good.code, { cip: `other-${run}` });
      const undone = await rejection(store.commitCodes([good, chained]));
      expect(undone).toMatchObject({ code: 'storage_error', details: { reason: 'cip_immutable' } });
      expect((await rejection(store.commitCodes([good, { ...moved, writeId: '' }]))).code).toBe('validation_failed');
      expect(await store.getCode(a!.id)).toEqual(a);
      expect(await logOf(pool, prefix, ids)).toEqual({ entries: 0, events: 0 });
      // The same good commit alone lands.
      expect(await store.commitCodes([good])).toEqual([true]);
    });
  });

  describe('postgresStore: log pages, bounded purge and listing shapes against PostgreSQL', () => {
    it('readLogPage pages a log newest page first, oldest first within a page, and refuses foreign cursors', async () => {
      const store = postgresStore(newPool(2), { tablePrefix: freshPrefix(), autoMigrate: true });
      const subject = `code-${run}-log`;
      const entries = Array.from(
        { length: 7 },
        (_, index): LifecycleEntry => ({
          id: `e-${index}`,
          subject,
          orderId: 'o',
          cip: null,
          type: 'note',
          actor: 'support',
          at: new Date(Date.UTC(2026, 2, 1, 0, index)),
          reason: null,
          from: null,
          to: null,
          data: { index },
        }),
      );
      for (const entry of entries) await store.appendLog(entry);
      await store.appendLog({ ...entries[0]!, subject: `${subject}-other` });
      const first = await store.readLogPage(subject, { limit: 3 });
      expect(first.entries).toEqual(entries.slice(4));
      const second = await store.readLogPage(subject, { limit: 3, before: first.nextCursor });
      expect(second.entries).toEqual(entries.slice(1, 4));
      const last = await store.readLogPage(subject, { limit: 3, before: second.nextCursor });
      expect(last).toEqual({ entries: entries.slice(0, 1), nextCursor: null });
      expect(await store.readLogPage(subject, { limit: 7 })).toEqual({ entries, nextCursor: null });
      expect(await store.readLogPage(`${subject}-none`, { limit: 5 })).toEqual({ entries: [], nextCursor: null });
      for (const before of [first.nextCursor!.replace('postgres', 'memory'), 'log1.garbage', 42]) {
        const error = await rejection(store.readLogPage(subject, { limit: 3, before: before as string }));
        expect(error.code).toBe('validation_failed');
      }
      expect(
        (await rejection(store.readLogPage(`${subject}-other`, { limit: 3, before: first.nextCursor }))).code,
      ).toBe('validation_failed');
      expect((await rejection(store.readLogPage(subject, { limit: 1001 }))).code).toBe('validation_failed');
    });

    it('purgeExpired({ limit }) deletes at most limit expired rows per call and keeps live ones', async () => {
      const store = postgresStore(newPool(2), { tablePrefix: freshPrefix(), autoMigrate: true });
      for (let index = 0; index < 5; index += 1) await store.consumeOnce(`webhook:old-${index}`, 1);
      for (let index = 0; index < 3; index += 1) await store.hit(`ip:old-${index}`, 5, 1);
      await store.putValue('share:live', 'x', 60_000);
      await store.hit('ip:live', 5, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await store.purgeExpired({ limit: 3 })).toBe(3);
      expect(await store.purgeExpired({ limit: 3 })).toBe(3);
      expect(await store.purgeExpired({ limit: 3 })).toBe(2);
      expect(await store.purgeExpired({ limit: 3 })).toBe(0);
      expect(await store.getValue('share:live')).toBe('x');
      expect((await store.hit('ip:live', 5, 60_000)).count).toBe(2);
      for (const limit of [0, 100_001, 1.5]) {
        expect((await rejection(store.purgeExpired({ limit }))).code).toBe('validation_failed');
      }
    });

    it('listCodes with several statuses merges their index walks in id order, page after page', async () => {
      const store = postgresStore(newPool(2), { tablePrefix: freshPrefix(), autoMigrate: true });
      const statuses = ['pending', 'expired', 'paid'] as const;
      const codes = Array.from({ length: 12 }, (_, index) =>
        sampleCode({
          id: `c-${String(index).padStart(2, '0')}`,
          status: statuses[index % 3],
          orderId: `o-${run}-${index}`,
        }),
      );
      for (const code of codes) await store.claimOrder(code);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.listCodes({ statuses: ['expired', 'pending'], limit: 3, cursor });
        seen.push(...page.codes.map((code) => code.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(codes.filter((code) => code.status !== 'paid').map((code) => code.id));
      const since = await store.listCodes({ statuses: ['paid'], updatedSince: new Date(0), limit: 2 });
      expect(since.codes.map((code) => code.id)).toEqual(['c-02', 'c-05']);
    });
  });
}

if (url) {
  describe('postgresStore: a batch commit whose backend is terminated in the middle', () => {
    it('leaves every code fully committed or untouched, and a re-run sweep finishes the job', async () => {
      const prefix = freshPrefix();
      const pool = newPool(4);
      const store = postgresStore(pool, { tablePrefix: prefix });
      await store.migrate();
      const fake = createFakePagoEfectivo({ ...FAKE_CREDENTIALS, webhookRetryDelayMs: 0 });
      const client = createPagoEfectivoClient({
        ...FAKE_CREDENTIALS,
        baseUrl: fake.baseUrl,
        fetch: fake.fetch,
        retry: { retries: 0 },
      });
      const service = (over: PostgresStore) =>
        createCashCodes({ client, store: over, settlementGraceMs: 0, leaseMs: 1_000 });
      const issued: CashCode[] = [];
      for (let index = 0; index < 6; index += 1) {
        const { code } = await service(store).issue({
          orderId: `kill-${run}-${index}`,
          amount: '12.50',
          currency: 'PEN',
          payer: { email: 'comprador@example.pe' },
          expiresInHours: 1,
        });
        fake.expire(code.cip!);
        issued.push(code);
      }
      const victim = new pg.Client({ connectionString: url });
      victim.on('error', () => undefined);
      await victim.connect();
      const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      // Another transaction takes the row of a code in the middle of the batch once the sweeper has
      // claimed its codes (while it asks the API): the batch statement locks the codes before it in id
      // order, then waits there, and is terminated while it waits.
      const middle = issued.map((code) => code.id).sort()[3]!;
      const blocker = await pool.connect();
      const blocking = new Proxy(client, {
        get(target, key, receiver) {
          // Without the exchange log the service calls this proxy's searchCips, not a logging copy's.
          if (key === 'withExchangeLog') return undefined;
          if (key !== 'searchCips') return Reflect.get(target, key, receiver);
          return async (...args: Parameters<typeof client.searchCips>) => {
            await blocker.query('BEGIN');
            await blocker.query(`SELECT 1 FROM ${prefix}codes WHERE id = $1 FOR UPDATE`, [middle]);
            return target.searchCips(...args);
          };
        },
      });
      const now = new Date(Date.now() + 2 * 3_600_000);
      const sweeper = createCashCodes({
        client: blocking,
        store: postgresStore(victim, { tablePrefix: prefix }),
        settlementGraceMs: 0,
        leaseMs: 1_000,
      });
      const sweeping = sweeper.sweepExpired({ now, limit: 10, drain: false }).catch((error: unknown) => error);
      for (;;) {
        const { rows } = await pool.query('SELECT wait_event_type, query FROM pg_stat_activity WHERE pid = $1', [pid]);
        if (rows[0]?.wait_event_type === 'Lock' && String(rows[0].query).includes('jsonb_to_recordset')) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await blocker.query('ROLLBACK');
      blocker.release();
      await sweeping;

      const expiredOnce = async (code: CashCode) => {
        const stored = (await store.getCode(code.id))!;
        const entries = (await store.readLog(code.id)).filter((entry) => entry.type === 'expired');
        const events = (await store.listEvents({ codeId: code.id })).events.filter(
          (outbox) => outbox.event.type === 'code.expired',
        );
        return { status: stored.status, version: stored.version, entries: entries.length, events: events.length };
      };
      for (const code of issued) {
        const state = await expiredOnce(code);
        // All or nothing per code: the status, its entry and its event together.
        expect([
          { status: 'pending', version: code.version, entries: 0, events: 0 },
          { status: 'expired', version: code.version + 1, entries: 1, events: 1 },
        ]).toContainEqual(state);
      }
      // The terminated statement had not committed: nothing of the batch is there.
      expect((await Promise.all(issued.map(expiredOnce))).every((state) => state.status === 'pending')).toBe(true);

      // Another sweeper, once the first one's leases lapse, expires every code exactly once.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const summary = await service(store).sweepExpired({ now, limit: 10, drain: false });
      expect(summary).toMatchObject({ expired: 6, errors: 0 });
      for (const code of issued) {
        expect(await expiredOnce(code)).toEqual({
          status: 'expired',
          version: code.version + 1,
          entries: 1,
          events: 1,
        });
      }
    }, 30_000);
  });
}
