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
import type { CashCode, LifecycleEntry } from '../../src/model/code.js';
import type { CodeEvent } from '../../src/model/events.js';
import { commitBatchStatement } from '../../src/storage/adapters/_internal/postgres/batch.js';
import { listStatements } from '../../src/storage/adapters/_internal/postgres/listing.js';
import { recordStatements } from '../../src/storage/adapters/_internal/postgres/records.js';
import { migrationScript } from '../../src/storage/adapters/_internal/postgres/schema.js';
import { codeStatements, keyStatements } from '../../src/storage/adapters/_internal/postgres/sql.js';
import { POSTGRES_SCHEMA_VERSION, type PostgresStore, postgresStore } from '../../src/storage/adapters/postgres.js';
import type { CodeCommit } from '../../src/storage/contract.js';
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
    it('the sweep, stale reservations, every listCodes shape and log pages never plan a Seq Scan, custom or generic', async () => {
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
