import { randomBytes } from 'node:crypto';
import type mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CashCode, PaymentNotice } from '../../src/model/code.js';
import { MYSQL_SCHEMA_VERSION, type MysqlStore, mysqlStore } from '../../src/storage/adapters/mysql.js';
import { describeStoreConformance } from '../../src/testing/conformance.js';
import {
  faultyMysqlPool,
  type KillablePool,
  killablePool,
  mysqlPool,
  shortLeaseRig,
} from './_fixtures/mysql-faults.js';
import { rejection, sampleCode } from './_fixtures/records.js';
import { checkInvariants, type ServiceRig, serviceRig, withOneRetry } from './_fixtures/service-faults.js';

const api = { describe, it, beforeEach, afterEach };
const url = process.env.PAGOEFECTIVO_KIT_TEST_MYSQL_URL;
const run = randomBytes(4).toString('hex');
const TABLES = ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'];
const prefixes: string[] = [];
const pools: mysql.Pool[] = [];

/** A fresh table prefix for this run, dropped after the file. */
function freshPrefix(): string {
  const prefix = `pek_${run}_${prefixes.length}_`;
  prefixes.push(prefix);
  return prefix;
}

function newPool(max = 10): mysql.Pool {
  const pool = mysqlPool(url!, max);
  pools.push(pool);
  return pool;
}

let shared: { pool: mysql.Pool; prefix: string; migrated: Promise<void> } | null = null;

describeStoreConformance(
  'mysql',
  async ({ faults }) => {
    if (shared === null) {
      const pool = newPool();
      const prefix = freshPrefix();
      shared = { pool, prefix, migrated: mysqlStore(pool, { tablePrefix: prefix }).migrate() };
    }
    await shared.migrated;
    return mysqlStore(faultyMysqlPool(shared.pool, faults), { tablePrefix: shared.prefix });
  },
  {
    api,
    faultInjection: true,
    skipReason: url ? undefined : 'set PAGOEFECTIVO_KIT_TEST_MYSQL_URL to run the MySQL / MariaDB suite',
  },
);

afterAll(async () => {
  if (pools.length === 0) return;
  const admin = pools[0]!;
  for (const prefix of prefixes) {
    await admin.query(`DROP TABLE IF EXISTS ${TABLES.map((name) => prefix + name).join(', ')}`);
  }
  await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
});

// Registered only with a database, so that a run without one shows exactly one skipped test above.
if (url) {
  describe('mysqlStore: schema and migrations', () => {
    it('before migrate() every operation rejects with a StorageError that says how to fix it', async () => {
      const store = mysqlStore(newPool(2), { tablePrefix: freshPrefix() });
      const error = await rejection(store.getCode('code-1'));
      expect(error.code).toBe('storage_error');
      expect(error.message).toContain('await store.migrate()');
      expect(error.details).toMatchObject({ reason: 'schema_outdated', found: null, required: MYSQL_SCHEMA_VERSION });
      await store.migrate();
      expect(await store.getCode('code-1')).toBeNull();
    });

    it('migrate() run by many connections at once creates the schema exactly once (GET_LOCK)', async () => {
      const prefix = freshPrefix();
      const many = Array.from({ length: 6 }, () => newPool(1));
      await Promise.all(many.map((pool) => mysqlStore(pool, { tablePrefix: prefix }).migrate()));
      await mysqlStore(many[0]!, { tablePrefix: prefix }).migrate();
      const [rows] = await many[0]!.query(`SELECT version FROM ${prefix}schema_migrations ORDER BY version`);
      expect(rows).toEqual(Array.from({ length: MYSQL_SCHEMA_VERSION }, (_, index) => ({ version: index + 1 })));
      const [tables] = await many[0]!.query(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ? ORDER BY table_name',
        [`${prefix}%`],
      );
      expect((tables as { name: string }[]).map((row) => row.name)).toEqual([...TABLES].sort().map((n) => prefix + n));
    });

    it('a migration cut short (a table dropped, its version unrecorded) is finished by the next migrate()', async () => {
      const prefix = freshPrefix();
      const pool = newPool(2);
      await mysqlStore(pool, { tablePrefix: prefix }).migrate();
      await pool.query(`DROP TABLE ${prefix}events`);
      await pool.query(`DELETE FROM ${prefix}schema_migrations`);
      const store = mysqlStore(pool, { tablePrefix: prefix });
      expect((await rejection(store.countEvents('pending'))).details).toMatchObject({ reason: 'schema_outdated' });
      await store.migrate();
      expect(await store.countEvents('pending')).toBe(0);
    });

    it('autoMigrate creates the tables on first use', async () => {
      const store = mysqlStore(newPool(2), { tablePrefix: freshPrefix(), autoMigrate: true });
      const fresh = sampleCode();
      expect(await store.claimOrder(fresh)).toEqual({ claimed: true, code: fresh });
    });

    it('stores instants as BIGINT epoch ms and amounts as integers: a +09:00 and a -05:00 session read the same', async () => {
      const prefix = freshPrefix();
      const tokyo = newPool(2);
      const lima = mysqlPool(url!, 2, '-05:00');
      pools.push(lima);
      const [zone] = await tokyo.query('SELECT @@session.time_zone AS tz');
      expect(zone).toEqual([{ tz: '+09:00' }]);
      const store = mysqlStore(tokyo, { tablePrefix: prefix, autoMigrate: true });
      const code = sampleCode({ expiresAt: new Date('2026-03-01T04:59:59.999Z'), amountMinor: 15050 });
      await store.claimOrder(code);
      const other = mysqlStore(lima, { tablePrefix: prefix });
      expect(await other.getCode(code.id)).toEqual(code);
      const [rows] = await lima.query(`SELECT expires_at, updated_at FROM ${prefix}codes WHERE id = ?`, [code.id]);
      expect(rows).toEqual([{ expires_at: code.expiresAt.getTime(), updated_at: code.updatedAt.getTime() }]);
      // TTLs use the database clock in UTC whatever the session zone: a 60 s value is live, a 1 ms one not.
      await store.putValue('tz:live', 'x', 60_000);
      expect(await other.getValue('tz:live')).toBe('x');
      const [columns] = await tokyo.query(
        `SELECT column_name AS name, data_type AS type FROM information_schema.columns
         WHERE table_schema = DATABASE() AND table_name LIKE ? AND (column_name LIKE '%\\_at' OR column_name LIKE '%until')`,
        [`${prefix}%`],
      );
      for (const column of columns as { name: string; type: string }[]) expect(column.type, column.name).toBe('bigint');
    });

    it('ids compare by code point (utf8mb4_bin): case and accents are distinct orders', async () => {
      const store = mysqlStore(newPool(2), { tablePrefix: freshPrefix(), autoMigrate: true });
      for (const orderId of ['ORD-á', 'ORD-a', 'ord-a', 'ORD-A']) {
        expect((await store.claimOrder(sampleCode({ orderId }))).claimed).toBe(true);
      }
    });

    it('refuses a table prefix that is not a lowercase identifier, and a client that is not a pool', () => {
      const pool = newPool(1);
      for (const tablePrefix of ['', 'Upper_', 'bad-prefix', 'x; DROP TABLE y; --', '9abc', 'a'.repeat(41)]) {
        expect(() => mysqlStore(pool, { tablePrefix })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
      }
      expect(() => mysqlStore({} as mysql.Pool)).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    });

    it('claimEvents, countEvents and claimExpired use indexes, never a full scan of events or codes', async () => {
      const prefix = freshPrefix();
      const pool = newPool(2);
      await mysqlStore(pool, { tablePrefix: prefix }).migrate();
      const statements: { text: string; values: unknown[] }[] = [];
      const recording = new Proxy(pool, {
        get(target, key) {
          if (key === 'getConnection') {
            return async () => {
              const connection = await target.getConnection();
              return new Proxy(connection, {
                get(object, name) {
                  const value = Reflect.get(object, name, object) as unknown;
                  if (name === 'query') {
                    return (text: string, values?: unknown[]) => {
                      statements.push({ text, values: values ?? [] });
                      return object.query(text, values);
                    };
                  }
                  return typeof value === 'function' ? (value as () => unknown).bind(object) : value;
                },
              });
            };
          }
          if (key === 'query') {
            return (text: string, values?: unknown[]) => {
              statements.push({ text, values: values ?? [] });
              return target.query(text, values);
            };
          }
          const value = Reflect.get(target, key, target) as unknown;
          return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
        },
      });
      const store = mysqlStore(recording, { tablePrefix: prefix });
      const now = new Date();
      await store.claimEvents({ now, owner: 'worker-1', leaseMs: 30_000, limit: 50 });
      await store.countEvents('pending');
      await store.claimExpired({ now, limit: 50, leaseMs: 30_000, owner: 'sweeper-1' });
      const selects = statements.filter(({ text }) => /^\s*SELECT/.test(text) && !text.includes('schema_migrations'));
      expect(selects).toHaveLength(4);
      for (const { text, values } of selects) {
        const [plan] = await pool.query(`EXPLAIN ${text.replace(/FOR UPDATE SKIP LOCKED/, '')}`, values);
        for (const step of plan as { table: string; type: string; key: string | null }[]) {
          if (!String(step.table).startsWith(prefix) && !['e', 'o'].includes(step.table)) continue;
          expect(step.type, JSON.stringify(step)).not.toBe('ALL');
          expect(step.key, JSON.stringify(step)).not.toBeNull();
        }
      }
    });
  });
}

// Faults from outside the library (issue 17, as issue 10 for PostgreSQL): the codes service on a store
// whose pool connections an admin connection kills with `KILL <id>` at the service's k-th statement:
// before it is sent (mid-transaction: the server rolls back what the transaction did so far) or just
// after (while it runs, or a COMMIT whose acknowledgement is lost). Judged on the final state.
if (url) {
  describe('mysqlStore: connections killed (KILL <id>) during issue, payment, cancel and sweep', () => {
    const payer = { email: 'comprador@example.pe' };
    let killable: KillablePool;
    let check: MysqlStore;
    let rig: ServiceRig;
    const orderIds: string[] = [];
    const refused: string[] = [];

    beforeAll(async () => {
      const prefix = freshPrefix();
      killable = await killablePool(url);
      check = mysqlStore(newPool(2), { tablePrefix: prefix });
      await check.migrate();
      rig = serviceRig(mysqlStore(killable.pool, { tablePrefix: prefix }));
    }, 60_000);
    afterAll(async () => {
      await killable?.close();
    });

    /** Kill at the service's k-th statement, before and after it, for k = 1, 2, … until one goes unhurt. */
    async function atEveryStatement(name: string, scenario: (k: number, when: 'before' | 'after') => Promise<void>) {
      const before = killable.killed;
      for (let k = 1; k <= 60; k += 1) {
        let struck = false;
        for (const when of ['before', 'after'] as const) {
          await scenario(k, when);
          struck = killable.disarm() || struck;
        }
        if (!struck) {
          expect(killable.killed - before, `${name}: connections killed`).toBeGreaterThan(0);
          return;
        }
      }
      throw new Error(`${name} still sends statements after 60: is it looping?`);
    }

    const issueOne = async (orderId: string, amount = '25.00', expiresInHours?: number): Promise<CashCode> => {
      orderIds.push(orderId);
      const input = { orderId, amount, currency: 'PEN' as const, payer, ...(expiresInHours && { expiresInHours }) };
      const result = await withOneRetry(() => rig.codes.issue(input));
      const code = result instanceof Error ? (await rig.codes.issue(input)).code : result.code;
      return code;
    };

    it('issue: a kill at any statement, then the checkout retries: one code, one payable CIP', async () => {
      await atEveryStatement('issue', async (k, when) => {
        const orderId = `issue-${run}-${k}-${when}`;
        orderIds.push(orderId);
        killable.armKill(k, when);
        const result = await withOneRetry(() => rig.codes.issue({ orderId, amount: '25.00', currency: 'PEN', payer }));
        if (result instanceof Error) await issueOne(orderId);
        expect(await check.getCodeByOrder(orderId)).toMatchObject({ status: 'pending' });
      });
      await checkInvariants(check, rig, orderIds, refused);
    }, 120_000);

    it('payment (webhook, PagoEfectivo retries once): exact payments paid once, partial ones recorded', async () => {
      await atEveryStatement('payment', async (k, when) => {
        const exact = await issueOne(`pay-${run}-${k}-${when}`);
        killable.armKill(k, when);
        const report = await rig.fake.pay(exact.cip!);
        if (!report.delivered)
          await rig.codes.applyPayment({
            cip: exact.cip!,
            amountMinor: exact.amountMinor,
            currency: 'PEN',
            operationNumber: report.operationNumber,
          });
        expect(await check.getCode(exact.id)).toMatchObject({ status: 'paid' });
      });
      await atEveryStatement('partial payment', async (k, when) => {
        const code = await issueOne(`partial-${run}-${k}-${when}`);
        killable.armKill(k, when);
        const report = await rig.fake.pay(code.cip!, { amount: '5.00' });
        if (!report.delivered)
          await rig.codes.applyPayment({
            cip: code.cip!,
            amountMinor: 500,
            currency: 'PEN',
            operationNumber: report.operationNumber,
          });
        refused.push(code.id);
        expect((await check.getCode(code.id))?.status).not.toBe('paid');
      });
      await checkInvariants(check, rig, orderIds, refused);
    }, 120_000);

    it('cancel: a kill at any statement, the merchant retries: cancelled, its CIP deleted', async () => {
      await atEveryStatement('cancel', async (k, when) => {
        const code = await issueOne(`cancel-${run}-${k}-${when}`);
        killable.armKill(k, when);
        const result = await withOneRetry(() => rig.codes.cancel(code.orderId));
        if (result instanceof Error) await rig.codes.cancel(code.orderId);
        expect(await check.getCode(code.id)).toMatchObject({ status: 'cancelled' });
        expect(rig.fake.getCip(code.cip!)?.state).toBe('deleted');
      });
      await checkInvariants(check, rig, orderIds, refused);
    }, 120_000);

    it('sweep: a kill at any statement, the next pass finishes: expired exactly once', async () => {
      await atEveryStatement('sweep', async (k, when) => {
        const code = await issueOne(`sweep-${run}-${k}-${when}`, '12.50', 1);
        rig.fake.expire(code.cip!);
        const now = new Date(Date.now() + 2 * 3_600_000);
        killable.armKill(k, when);
        // A pass that failed is simply run again, as a cron would; its leases are the sweeper's own.
        for (let pass = 0; pass < 4 && (await check.getCode(code.id))?.status === 'pending'; pass += 1) {
          await rig.codes.sweepExpired({ now, limit: 10 }).catch(() => undefined);
        }
        expect(await check.getCode(code.id)).toMatchObject({ status: 'expired' });
        expect((await check.readLog(code.id)).filter((entry) => entry.type === 'expired')).toHaveLength(1);
      });
      await checkInvariants(check, rig, orderIds, refused);
    }, 120_000);
  });

  describe('mysqlStore: chaos', () => {
    it('30 issues and 30 payments while connections are killed every 15 ms: the invariants hold', async () => {
      const prefix = freshPrefix();
      const killable = await killablePool(url);
      const check = mysqlStore(newPool(2), { tablePrefix: prefix });
      await check.migrate();
      // A kill can orphan a reservation: a 2 s lease lets the retries take it over within the run.
      const rig = shortLeaseRig(mysqlStore(killable.pool, { tablePrefix: prefix }), 2_000);
      try {
        const deadline = Date.now() + 15_000;
        let chaos = true;
        const killer = (async () => {
          while (chaos && Date.now() < deadline) {
            await killable.kill().catch(() => undefined);
            await new Promise((resolve) => setTimeout(resolve, 15));
          }
        })();
        const orderIds = Array.from({ length: 30 }, (_, index) => `chaos-${run}-${index}`);
        const refused: string[] = [];
        const late: PaymentNotice[] = [];
        const outcomes = await Promise.all(
          orderIds.map(async (orderId, index) => {
            let issued: { code: CashCode } | Error = new Error('not tried');
            // A checkout retries until it holds a payable code (an answer may be another attempt's
            // reservation, still without its CIP, while that attempt is being killed).
            const payable = (value: { code: CashCode } | Error): value is { code: CashCode } =>
              !(value instanceof Error) && value.code.status === 'pending' && value.code.cip !== null;
            for (let attempt = 0; attempt < 40 && !payable(issued); attempt += 1) {
              if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
              const input = { orderId, amount: '30.00', currency: 'PEN' as const, payer: { email: 'c@example.pe' } };
              issued = await rig.codes.issue(input).catch((error: Error) => error);
            }
            if (!payable(issued)) return 'issue failed';
            // Every fifth buyer pays too little: refused into review, never paid.
            const partial = index % 5 === 4;
            const report = await rig.fake.pay(issued.code.cip!, partial ? { amount: '3.00' } : {});
            if (partial) refused.push(issued.code.id);
            if (!report.delivered) {
              // Both deliveries failed: the payment reaches the service later (reconciliation, a sweep).
              const amountMinor = partial ? 300 : issued.code.amountMinor;
              late.push({
                cip: issued.code.cip!,
                amountMinor,
                currency: 'PEN',
                operationNumber: report.operationNumber,
              });
            }
            return report.delivered ? 'delivered' : 'undelivered';
          }),
        );
        chaos = false;
        await killer;
        for (const notice of late) await rig.codes.applyPayment(notice);
        expect(killable.killed).toBeGreaterThan(0);
        await checkInvariants(check, rig, orderIds, refused);
        console.info(
          `mysql chaos: ${killable.killed} connections killed; ${outcomes.filter((o) => o === 'delivered').length} ` +
            `deliveries answered 200, ${outcomes.filter((o) => o === 'undelivered').length} undelivered, ` +
            `${outcomes.filter((o) => o === 'issue failed').length} issues given up`,
        );
      } finally {
        await killable.close();
      }
    }, 120_000); // ~15 s alone; the margin is for a loaded machine
  });
}
