import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POSTGRES_SCHEMA_VERSION, postgresStore } from '../../src/storage/adapters/postgres.js';
import { describeStoreConformance } from '../../src/testing/conformance.js';
import { rejection, sampleCode } from './_fixtures/records.js';

const api = { describe, it, beforeEach, afterEach };
const url = process.env.PAGOEFECTIVO_KIT_TEST_POSTGRES_URL;
const run = randomBytes(4).toString('hex');
const TABLES = ['log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'];
const prefixes: string[] = [];
const pools: pg.Pool[] = [];

/** A fresh table prefix for this run, dropped after the file. */
function freshPrefix(): string {
  const prefix = `pek_${run}_${prefixes.length}_`;
  prefixes.push(prefix);
  return prefix;
}

function newPool(max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // pg emits errors of idle connections on the pool; an application must listen, and so do the tests.
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

let shared: { pool: pg.Pool; prefix: string; migrated: Promise<void> } | null = null;

describeStoreConformance(
  'postgres',
  async () => {
    if (shared === null) {
      const pool = newPool();
      const prefix = freshPrefix();
      shared = { pool, prefix, migrated: postgresStore(pool, { tablePrefix: prefix }).migrate() };
    }
    await shared.migrated;
    return postgresStore(shared.pool, { tablePrefix: shared.prefix });
  },
  { api, skipReason: url ? undefined : 'set PAGOEFECTIVO_KIT_TEST_POSTGRES_URL to run the PostgreSQL suite' },
);

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

// Registered only with a database, so that a run without one shows exactly one skipped test above.
if (url) {
  describe('postgresStore: schema and migrations', () => {
    it('before migrate() every operation rejects with a StorageError that says how to fix it', async () => {
      const store = postgresStore(newPool(2), { tablePrefix: freshPrefix() });
      const error = await rejection(store.getCode('code-1'));
      expect(error.code).toBe('storage_error');
      expect(error.message).toContain('await store.migrate()');
      expect(error.details).toMatchObject({
        reason: 'schema_outdated',
        found: null,
        required: POSTGRES_SCHEMA_VERSION,
      });
      // Once migrated, the same store works: the failed check is not cached.
      await store.migrate();
      expect(await store.getCode('code-1')).toBeNull();
    });

    it('migrate() run by many connections at once creates the schema exactly once', async () => {
      const prefix = freshPrefix();
      const pools = Array.from({ length: 6 }, () => newPool(1));
      await Promise.all(pools.map((pool) => postgresStore(pool, { tablePrefix: prefix }).migrate()));
      await postgresStore(pools[0]!, { tablePrefix: prefix }).migrate();
      const { rows } = await pools[0]!.query(`SELECT version FROM ${prefix}schema_migrations`);
      expect(rows).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
      const tables = await pools[0]!.query(
        'SELECT table_name FROM information_schema.tables WHERE table_name LIKE $1 ORDER BY table_name',
        [`${prefix}%`],
      );
      expect(tables.rows.map((row: { table_name: string }) => row.table_name)).toEqual(
        [...TABLES].sort().map((name) => prefix + name),
      );
    });

    it('autoMigrate creates the tables on first use', async () => {
      const store = postgresStore(newPool(2), { tablePrefix: freshPrefix(), autoMigrate: true });
      const fresh = sampleCode();
      expect(await store.claimOrder(fresh)).toEqual({ claimed: true, code: fresh });
    });

    it('refuses a table prefix that is not a lowercase identifier', () => {
      const pool = newPool(1);
      for (const tablePrefix of ['', 'Upper_', 'bad-prefix', 'x; DROP TABLE y; --', '9abc', 'a'.repeat(41)]) {
        expect(() => postgresStore(pool, { tablePrefix })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
      }
    });
  });

  describe('postgresStore: clients and failures', () => {
    it('works over a single pg.Client: 30 concurrent claims for one order, one winner', async () => {
      const prefix = freshPrefix();
      await postgresStore(newPool(1), { tablePrefix: prefix }).migrate();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const store = postgresStore(client, { tablePrefix: prefix });
      const orderId = `order-${run}-single-client`;
      const results = await Promise.all(Array.from({ length: 30 }, () => store.claimOrder(sampleCode({ orderId }))));
      expect(results.filter((result) => result.claimed)).toHaveLength(1);
      await client.end();
    });

    it('a connection killed in the middle of claimOrder rejects with a StorageError and writes nothing', async () => {
      const prefix = freshPrefix();
      const admin = newPool(3);
      await postgresStore(admin, { tablePrefix: prefix }).migrate();
      const victim = new pg.Client({ connectionString: url });
      victim.on('error', () => undefined);
      await victim.connect();
      const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      const blocker = await admin.connect();
      const claim = sampleCode();
      // An uncommitted claim of the same order makes the victim's INSERT wait on the order's row lock.
      await blocker.query('BEGIN');
      await blocker.query(`INSERT INTO ${prefix}orders (order_id, code_id) VALUES ($1, 'someone-else')`, [
        claim.orderId,
      ]);
      const pending = rejection(postgresStore(victim, { tablePrefix: prefix }).claimOrder(claim));
      for (;;) {
        const { rows } = await admin.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [pid]);
        if (rows[0]?.wait_event_type === 'Lock') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const error = await pending;
      expect(error.code).toBe('storage_error');
      expect(error.message).toContain('postgres.claimOrder');
      await blocker.query('ROLLBACK');
      blocker.release();
      const store = postgresStore(admin, { tablePrefix: prefix });
      expect(await store.getCode(claim.id)).toBeNull();
      expect(await store.getCodeByOrder(claim.orderId)).toBeNull();
      expect(await store.claimOrder(claim)).toEqual({ claimed: true, code: claim });
    });

    it('an ended pool makes operations reject with a StorageError', async () => {
      const prefix = freshPrefix();
      const pool = newPool(2);
      const store = postgresStore(pool, { tablePrefix: prefix });
      await store.migrate();
      await pool.end();
      for (const pending of [
        store.claimOrder(sampleCode()),
        store.consumeOnce('webhook:1', 1000),
        store.readLog('x'),
      ]) {
        expect((await rejection(pending)).code).toBe('storage_error');
      }
    });

    it('purgeExpired deletes expired markers, values and counters and keeps live ones', async () => {
      const store = postgresStore(newPool(2), { tablePrefix: freshPrefix(), autoMigrate: true });
      await store.consumeOnce('webhook:old', 1);
      await store.putValue('share:old', 'x', 1);
      await store.hit('ip:old', 5, 1);
      await store.consumeOnce('webhook:live', 60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await store.purgeExpired()).toBe(3);
      expect(await store.purgeExpired()).toBe(0);
      expect(await store.consumeOnce('webhook:live', 60_000)).toBe(false);
    });
  });
}
