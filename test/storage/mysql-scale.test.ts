/**
 * The MySQL / MariaDB store at scale (issue #12): `EXPLAIN` of every sweep, listing, log-page and purge
 * statement shows an index, never a full table scan (type ALL); schema v2 upgrades a v1 database with
 * its data in place, also when several processes migrate at once; and the operations added for scale
 * behave as the contract says.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/12
 */
import { randomBytes } from 'node:crypto';
import type mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import type { CashCode } from '../../src/model/code.js';
import { checkStore } from '../../src/ops/doctor/store.js';
import {
  type ListShape,
  legacyReservationsSql,
  listCodesSql,
  listCodesValues,
  logPageSql,
  staleReservationsSql,
} from '../../src/storage/adapters/_internal/mysql/listing.js';
import { migrate } from '../../src/storage/adapters/_internal/mysql/schema.js';
import { codeStatements, keyStatements } from '../../src/storage/adapters/_internal/mysql/sql.js';
import { MYSQL_SCHEMA_VERSION, mysqlStore } from '../../src/storage/adapters/mysql.js';
import { mysqlPool } from './_fixtures/mysql-faults.js';
import { sampleCode } from './_fixtures/records.js';
import { describeScaleMethods } from './_fixtures/scale-methods.js';

const url = process.env.PAGOEFECTIVO_KIT_TEST_MYSQL_URL;
const run = randomBytes(4).toString('hex');
const TABLES = ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'];
const prefixes: string[] = [];
const pools: mysql.Pool[] = [];

function freshPrefix(): string {
  const prefix = `pks_${run}_${prefixes.length}_`;
  prefixes.push(prefix);
  return prefix;
}

function newPool(max = 4): mysql.Pool {
  const pool = mysqlPool(url!, max);
  pools.push(pool);
  return pool;
}

afterAll(async () => {
  if (pools.length === 0) return;
  for (const prefix of prefixes) {
    await pools[0]!.query(`DROP TABLE IF EXISTS ${TABLES.map((name) => prefix + name).join(', ')}`);
  }
  await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
});

/** A code row as schema v1 (and a 0.2 process during an upgrade) writes it: no reserve_until. */
async function insertV1Code(pool: mysql.Pool, prefix: string, c: CashCode): Promise<void> {
  await pool.query(
    `INSERT INTO ${prefix}codes (id, order_id, status, version, cip, expires_at, updated_at, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [c.id, c.orderId, c.status, c.version, c.cip, c.expiresAt.getTime(), c.updatedAt.getTime(), JSON.stringify(c)],
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

if (!url) {
  describe('mysql at scale', () => {
    it.skip('set PAGOEFECTIVO_KIT_TEST_MYSQL_URL to run the MySQL / MariaDB scale suite', () => {});
  });
} else {
  let shared: mysql.Pool | null = null;
  describeScaleMethods('mysql', async () => {
    shared ??= newPool();
    const store = mysqlStore(shared, { tablePrefix: freshPrefix() });
    await store.migrate();
    return { store, advance: sleep };
  });

  describe('mysql at scale: every sweep, listing, log-page and purge statement reads an index', () => {
    const P = freshPrefix();
    const statuses: CashCode['status'][] = ['reserving', 'pending', 'paid', 'expired', 'cancelled', 'review'];
    const base = Date.UTC(2026, 2, 1, 15);
    let pool: mysql.Pool;

    it('seeds a fresh table with a few thousand codes, log entries, keys and counters (no ANALYZE)', async () => {
      pool = newPool();
      await mysqlStore(pool, { tablePrefix: P }).migrate();
      for (let batch = 0; batch < 6; batch += 1) {
        const rows = Array.from({ length: 500 }, (_, j) => {
          const i = batch * 500 + j;
          const status = statuses[i % statuses.length]!;
          const code = sampleCode({
            id: `code-${String(i).padStart(5, '0')}`,
            status,
            leaseUntil: status === 'reserving' ? new Date(base + i) : null,
          });
          const lease = status === 'reserving' ? base + i : null;
          return [
            code.id,
            code.orderId,
            status,
            1,
            null,
            base + i * 1000,
            base + i * 1000,
            lease,
            JSON.stringify(code),
          ];
        });
        await pool.query(
          `INSERT INTO ${P}codes (id, order_id, status, version, cip, expires_at, updated_at, reserve_until, data) VALUES ?`,
          [rows],
        );
        const index = Array.from({ length: 500 }, (_, j) => batch * 500 + j);
        await pool.query(`INSERT INTO ${P}log (subject, entry_id, entry) VALUES ?`, [
          index.map((i) => [`code-${String(i % 30).padStart(5, '0')}`, `e-${i}`, '{}']),
        ]);
        await pool.query(`INSERT INTO ${P}keys (kind, \`key\`, value, expires_at) VALUES ?`, [
          index.map((i) => ['once', `k-${i}`, null, base + i]),
        ]);
        await pool.query(`INSERT INTO ${P}counters (\`key\`, \`count\`, reset_at, counted) VALUES ?`, [
          index.map((i) => [`c-${i}`, 1, base + i, 1]),
        ]);
      }
      const [count] = await pool.query(`SELECT COUNT(*) AS n FROM ${P}codes`);
      expect(Number((count as { n: unknown }[])[0]!.n)).toBe(3000);
    });

    const code = codeStatements(P);
    const keys = keyStatements(P);
    const shapes: ListShape[] = [];
    for (let n = 0; n <= 3; n += 1) {
      for (const since of [false, true]) for (const after of [false, true]) shapes.push({ statuses: n, since, after });
    }
    const cases: { name: string; text: string; values: unknown[]; index: RegExp; sorts: boolean }[] = [
      { name: 'claimExpired: held', text: code.held, values: ['sweeper-1', 50], index: /codes_held_idx/, sorts: false },
      { name: 'claimExpired: due', text: code.due, values: [base + 10 ** 9, 50], index: /codes_due_idx/, sorts: false },
      {
        name: 'listStaleReservations',
        text: staleReservationsSql(P),
        values: [base + 10 ** 6, 50],
        index: /codes_reserve_idx/,
        sorts: false,
      },
      {
        name: 'listStaleReservations (rows of 0.2 processes)',
        text: legacyReservationsSql(P),
        values: [],
        index: /codes_status_idx/,
        sorts: false,
      },
      {
        name: 'readLogPage (newest)',
        text: logPageSql(P, false),
        values: ['code-00001', 51],
        index: /log_subject_idx/,
        sorts: false,
      },
      {
        name: 'readLogPage (before)',
        text: logPageSql(P, true),
        values: ['code-00001', 2000, 51],
        index: /log_subject_idx/,
        sorts: false,
      },
      { name: 'purgeExpired (keys)', text: keys.purgeSomeKeys, values: [100], index: /keys_expiry_idx/, sorts: false },
      {
        name: 'purgeExpired (counters)',
        text: keys.purgeSomeCounters,
        values: [100],
        index: /counters_reset_idx/,
        sorts: false,
      },
      ...shapes.map((shape) => ({
        name: `listCodes ${JSON.stringify(shape)}`,
        text: listCodesSql(P, shape),
        values: listCodesValues(
          ['pending', 'paid', 'expired'].slice(0, shape.statuses),
          shape.since ? base + 2_000_000 : null,
          shape.after ? 'code-01000' : null,
          51,
        ),
        index: shape.statuses > 0 ? /codes_status/ : shape.since ? /codes_updated_idx/ : /PRIMARY/,
        // Only a page bounded by update time sorts (the codes updated since then); the others stop at the limit.
        sorts: shape.since,
      })),
    ];

    it.each(cases)('$name', async ({ text, values, index, sorts }) => {
      expect(text).not.toMatch(/\? IS NULL OR/);
      const [plan] = await pool.query(`EXPLAIN ${text.replace(/FOR UPDATE SKIP LOCKED/, '')}`, values);
      // Steps over our tables (by name or alias); `<union…>` and `<derived…>` are the few rows a branch returned.
      const steps = (plan as { table: string; type: string; key: string | null; Extra: string | null }[]).filter(
        (step) => !String(step.table).startsWith('<'),
      );
      const shown = JSON.stringify(plan);
      expect(steps.length, shown).toBeGreaterThan(0);
      for (const step of steps) {
        expect(step.type, shown).not.toBe('ALL');
        expect(step.key, shown).not.toBeNull();
        if (!sorts) expect(String(step.Extra ?? ''), shown).not.toContain('filesort');
      }
      expect(
        steps.some((step) => index.test(String(step.key))),
        shown,
      ).toBe(true);
    });
  });

  describe('mysql schema v2: upgrades a v1 database in place', () => {
    it('keeps every row, fills reserve_until, and several processes migrating at once apply v2 once', async () => {
      const prefix = freshPrefix();
      const pool = newPool();
      await migrate(pool, prefix, 1);
      const now = Date.UTC(2026, 2, 1, 15);
      const leased = sampleCode({ id: 'code-leased', leaseUntil: new Date(now - 5000) });
      const unleased = sampleCode({ id: 'code-unleased', leaseUntil: null });
      const live = sampleCode({ id: 'code-live', leaseUntil: new Date(now + 60_000) });
      const paid = sampleCode({ id: 'code-paid', status: 'paid', cip: '2401557' });
      for (const c of [leased, unleased, live, paid]) {
        await insertV1Code(pool, prefix, c);
        await pool.query(`INSERT INTO ${prefix}orders (order_id, code_id) VALUES (?, ?)`, [c.orderId, c.id]);
      }
      for (let n = 0; n < 5; n += 1) {
        const entry = {
          id: `e-${n}`,
          subject: paid.id,
          type: 'note',
          actor: 'merchant',
          at: new Date(now + n),
          data: { n },
        };
        await pool.query(`INSERT INTO ${prefix}log (subject, entry_id, entry) VALUES (?, ?, ?)`, [
          paid.id,
          entry.id,
          JSON.stringify(entry),
        ]);
      }
      const outdated = mysqlStore(pool, { tablePrefix: prefix });
      await expect(outdated.getCode(paid.id)).rejects.toMatchObject({
        details: { reason: 'schema_outdated', found: 1, required: MYSQL_SCHEMA_VERSION },
      });

      // The doctor's store check reads the schema version through the store: "not migrated", with the fix.
      const before = await checkStore({ environment: 'production', store: outdated });
      expect(before.find((check) => check.id === 'store_reachable')).toMatchObject({
        status: 'fail',
        message: expect.stringContaining('not migrated'),
        fix: expect.stringContaining('migrate()'),
      });

      const many = Array.from({ length: 4 }, () => newPool(1));
      await Promise.all(many.map((each) => mysqlStore(each, { tablePrefix: prefix }).migrate()));
      const [versions] = await pool.query(`SELECT version FROM ${prefix}schema_migrations ORDER BY version`);
      expect(versions).toEqual([{ version: 1 }, { version: 2 }]);
      const [reserve] = await pool.query(`SELECT id, reserve_until FROM ${prefix}codes ORDER BY id`);
      expect(reserve).toEqual([
        { id: 'code-leased', reserve_until: now - 5000 },
        { id: 'code-live', reserve_until: now + 60_000 },
        { id: 'code-paid', reserve_until: null },
        { id: 'code-unleased', reserve_until: 0 },
      ]);
      const store = mysqlStore(pool, { tablePrefix: prefix });
      expect(await store.listStaleReservations({ now: new Date(now), limit: 10 })).toEqual([unleased, leased]);
      // A 0.2 process still running during the upgrade writes reservations without reserve_until: the
      // stale one is listed in lease order, the live one is not.
      const straggler = sampleCode({ id: 'code-straggler', leaseUntil: new Date(now - 7000) });
      const running = sampleCode({ id: 'code-running', leaseUntil: new Date(now + 7000) });
      for (const c of [straggler, running]) {
        await insertV1Code(pool, prefix, c);
      }
      expect(await store.listStaleReservations({ now: new Date(now), limit: 10 })).toEqual([
        unleased,
        straggler,
        leased,
      ]);
      expect(await store.listStaleReservations({ now: new Date(now), limit: 2 })).toEqual([unleased, straggler]);
      expect(await store.getCodeByCip('2401557')).toEqual(paid);
      expect((await store.listCodes({ statuses: ['paid'] })).codes).toEqual([paid]);
      const page = await store.readLogPage(paid.id, { limit: 2 });
      expect(page.entries.map((entry) => entry.data.n)).toEqual([3, 4]);
      expect((await store.readLogPage(paid.id, { limit: 5, before: page.nextCursor })).entries).toHaveLength(3);
      const after = await checkStore({ environment: 'production', store });
      expect(after.find((check) => check.id === 'store_reachable')).toMatchObject({ status: 'ok' });
      // Done is done: another migrate() changes nothing.
      await store.migrate();
      expect((await pool.query(`SELECT COUNT(*) AS n FROM ${prefix}schema_migrations`))[0]).toEqual([{ n: 2 }]);
    });
  });
}
