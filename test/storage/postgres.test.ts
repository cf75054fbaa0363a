import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CashCode } from '../../src/model/code.js';
import { migrationScript } from '../../src/storage/adapters/_internal/postgres/schema.js';
import { POSTGRES_SCHEMA_VERSION, postgresStore } from '../../src/storage/adapters/postgres.js';
import { describeStoreConformance } from '../../src/testing/conformance.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { faultyPool } from './_fixtures/faults.js';
import {
  expectMoneyInvariants,
  type FaultRig,
  type RefusedPayment,
  startFaultRig,
  withRetries,
} from './_fixtures/pg-faults.js';
import { FAKE_CREDENTIALS } from './_fixtures/protocol.js';
import { rejection, sampleCode } from './_fixtures/records.js';

const api = { describe, it, beforeEach, afterEach };
const url = process.env.PAGOEFECTIVO_KIT_TEST_POSTGRES_URL;
const run = randomBytes(4).toString('hex');
const TABLES = ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'];
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
  async ({ faults }) => {
    if (shared === null) {
      const pool = newPool();
      const prefix = freshPrefix();
      shared = { pool, prefix, migrated: postgresStore(pool, { tablePrefix: prefix }).migrate() };
    }
    await shared.migrated;
    return postgresStore(faultyPool(shared.pool, faults), { tablePrefix: shared.prefix });
  },
  {
    api,
    faultInjection: true,
    skipReason: url ? undefined : 'set PAGOEFECTIVO_KIT_TEST_POSTGRES_URL to run the PostgreSQL suite',
  },
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
      const { rows } = await pools[0]!.query(`SELECT version FROM ${prefix}schema_migrations ORDER BY version`);
      expect(rows).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => ({ version: index + 1 })));
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

if (url) {
  describe('postgresStore: schema v2 (atomic commits and the event outbox)', () => {
    it('migrate() upgrades a 0.1 (schema v1) database in place: its rows read back and the outbox works', async () => {
      const prefix = freshPrefix();
      const pool = newPool(2);
      await pool.query(migrationScript(prefix, 1));
      const old = sampleCode({ status: 'pending', cip: `cip-${run}-v1` });
      const entry = {
        subject: old.id,
        orderId: old.orderId,
        cip: old.cip,
        type: 'created',
        actor: 'merchant',
        at: new Date('2026-03-01T15:00:00.123Z'),
        reason: null,
        from: 'reserving',
        to: 'pending',
        data: { amountMinor: 1000 },
      } as const;
      // Rows exactly as 0.1 wrote them: no write id, log entries without ids, no owners, no hit ids.
      await pool.query(
        `INSERT INTO ${prefix}codes (id, order_id, status, version, cip, expires_at, updated_at, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [old.id, old.orderId, old.status, old.version, old.cip, old.expiresAt, old.updatedAt, JSON.stringify(old)],
      );
      await pool.query(`INSERT INTO ${prefix}orders (order_id, code_id) VALUES ($1, $2)`, [old.orderId, old.id]);
      await pool.query(`INSERT INTO ${prefix}log (subject, entry) VALUES ($1, $2)`, [old.id, JSON.stringify(entry)]);
      await pool.query(
        `INSERT INTO ${prefix}keys (kind, key, value, expires_at) VALUES
           ('once', 'webhook:1', NULL, now() + interval '1 hour'), ('value', 'share:1', 'secret', now() + interval '1 hour')`,
      );
      await pool.query(
        `INSERT INTO ${prefix}counters (key, count, reset_at, counted) VALUES ('ip:1', 2, now() + interval '1 hour', true)`,
      );

      const store = postgresStore(pool, { tablePrefix: prefix });
      await store.migrate();
      const { rows } = await pool.query(`SELECT version FROM ${prefix}schema_migrations ORDER BY version`);
      expect(rows).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => ({ version: index + 1 })));
      expect(await store.getCode(old.id)).toEqual(old);
      expect(await store.getCodeByOrder(old.orderId)).toEqual(old);
      expect(await store.getCodeByCip(old.cip!)).toEqual(old);
      expect(await store.readLog(old.id)).toEqual([entry]);
      expect(await store.consumeOnce('webhook:1', 1000)).toBe(false);
      expect(await store.getValue('share:1')).toBe('secret');
      expect(await store.hit('ip:1', 3, 60_000)).toMatchObject({ allowed: true, count: 3 });
      const review = { ...old, status: 'review' as const, version: 2 };
      const event = {
        id: `ev-${run}-v1`,
        type: 'payment.review' as const,
        codeId: old.id,
        orderId: old.orderId,
        cip: old.cip,
        at: new Date('2026-03-01T15:00:01.001Z'),
        source: 'webhook' as const,
        data: { amountMinor: 400 },
      };
      const commit = {
        code: review,
        expectedVersion: 1,
        writeId: 'w-1',
        entries: [{ ...entry, id: 'e-1', type: 'review' as const }],
        events: [event],
      };
      expect(await store.commitCode(commit)).toBe(true);
      expect(await store.commitCode(commit)).toBe(true);
      expect(await store.readLog(old.id)).toHaveLength(2);
      expect((await store.listEvents({ codeId: old.id })).events).toEqual([
        { event, state: 'pending', attempts: 0, nextAttemptAt: event.at, lastError: null },
      ]);
    });

    it('claimEvents, countEvents and claimExpired plan index scans, never a Seq Scan of the events or codes', async () => {
      const prefix = freshPrefix();
      const pool = newPool(2);
      await postgresStore(pool, { tablePrefix: prefix }).migrate();
      const statements: { text: string; values: unknown[] }[] = [];
      const recording = new Proxy(pool, {
        get(target, key) {
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
      const store = postgresStore(recording, { tablePrefix: prefix });
      const now = new Date();
      await store.claimEvents({ now, owner: 'worker-1', leaseMs: 30_000, limit: 50 });
      await store.countEvents('pending');
      await store.countEvents('dead');
      await store.claimExpired({ now, limit: 50, leaseMs: 30_000, owner: 'sweeper-1' });
      const planned = statements.filter(({ text }) => !text.includes('schema_migrations'));
      expect(planned).toHaveLength(4);
      for (const { text, values } of planned) {
        const { rows } = await pool.query(`EXPLAIN ${text}`, values);
        const plan = rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
        expect(plan, plan).not.toMatch(new RegExp(`Seq Scan on ${prefix}(events|codes)`));
        expect(plan).toMatch(/Index/);
      }
    });
  });
}

// Faults from outside the library (issue 10): the codes service, the fake PagoEfectivo and a store
// whose pool backends an admin connection terminates while the service talks to them.
if (url) {
  describe('postgresStore: backends terminated during issue, payment, cancel and sweep', () => {
    const payer = { email: 'comprador@example.pe' };
    let rig: FaultRig;
    const refused: RefusedPayment[] = [];
    const acknowledged: string[] = [];

    beforeAll(async () => {
      rig = await startFaultRig(url, freshPrefix(), `pek-faults-${run}`);
    }, 60_000);
    afterAll(async () => {
      await rig?.close();
    });

    /** Kill the pool's backends at the service's k-th statement, for k = 1, 2, … until one goes unhurt. */
    async function atEveryStatement(name: string, scenario: (k: number) => Promise<void>): Promise<void> {
      const before = rig.terminated;
      for (let k = 1; k <= 16; k += 1) {
        await scenario(k);
        if (!rig.disarm()) {
          expect(rig.terminated - before, `${name}: backends terminated`).toBeGreaterThan(0);
          return;
        }
      }
      throw new Error(`${name} still sends statements after 16: is it looping?`);
    }

    const issueOne = async (orderId: string, amount = '25.00', expiresInHours?: number) => {
      const result = await withRetries(() =>
        rig.codes.issue({ orderId, amount, currency: 'PEN', payer, ...(expiresInHours && { expiresInHours }) }),
      );
      expect(result, `issue ${orderId}`).not.toBeInstanceOf(Error);
      return (result as { code: CashCode }).code;
    };

    it('issue: a killed backend at any statement, then the checkout retries: one code, one payable CIP', async () => {
      await atEveryStatement('issue', async (k) => {
        const orderId = `issue-${run}-${k}`;
        rig.armKill(k);
        const result = await withRetries(() => rig.codes.issue({ orderId, amount: '25.00', currency: 'PEN', payer }));
        if (result instanceof Error) await issueOne(orderId);
        const code = await rig.check.getCodeByOrder(orderId);
        expect(code).toMatchObject({ status: 'pending' });
      });
      await expectMoneyInvariants(rig, refused);
    });

    it('applyPayment: a killed backend at any statement, PagoEfectivo retries once: paid exactly once', async () => {
      rig.fake.setWebhookTarget(null);
      await atEveryStatement('applyPayment', async (k) => {
        const code = await issueOne(`apply-${run}-${k}`);
        const report = await rig.fake.pay(code.cip!);
        const notice = {
          cip: code.cip!,
          amountMinor: code.amountMinor,
          currency: 'PEN',
          operationNumber: report.operationNumber,
          paidAt: new Date(),
          source: 'webhook' as const,
        };
        rig.armKill(k);
        const first = await rig.codes.applyPayment(notice).catch((error: unknown) => error as Error);
        if (first instanceof Error) await rig.codes.applyPayment(notice);
        acknowledged.push(code.id);
      });
      await expectMoneyInvariants(rig, refused, acknowledged);
    });

    it('webhook handler: exact and partial payments with a killed backend; a 200 means recorded', async () => {
      rig.fake.setWebhookTarget({
        handler: createWebhookHandler({ secretKey: FAKE_CREDENTIALS.secretKey, codes: rig.codes }),
      });
      await atEveryStatement('webhook (exact)', async (k) => {
        const code = await issueOne(`hook-${run}-${k}`);
        rig.armKill(k);
        const report = await rig.fake.pay(code.cip!);
        if (report.delivered) acknowledged.push(code.id);
      });
      await atEveryStatement('webhook (partial)', async (k) => {
        const code = await issueOne(`partial-${run}-${k}`);
        rig.armKill(k);
        const report = await rig.fake.pay(code.cip!, { amount: '5.00' });
        if (report.delivered) refused.push({ codeId: code.id, operationNumber: report.operationNumber });
      });
      await expectMoneyInvariants(rig, refused, acknowledged);
    });

    it('cancel: a killed backend at any statement, the merchant retries: cancelled, its CIP deleted', async () => {
      await atEveryStatement('cancel', async (k) => {
        const code = await issueOne(`cancel-${run}-${k}`);
        rig.armKill(k);
        const result = await withRetries(() => rig.codes.cancel(code.orderId));
        expect(result, `cancel ${code.orderId}`).not.toBeInstanceOf(Error);
        expect(await rig.check.getCode(code.id)).toMatchObject({ status: 'cancelled' });
        expect(rig.fake.getCip(code.cip!)?.state).toBe('deleted');
      });
      await expectMoneyInvariants(rig, refused, acknowledged);
    });

    it('commits per operation: issue writes in ≤ 2 statements (claim + commit), each one transaction', async () => {
      const writes = (texts: readonly string[]) => texts.filter((text) => !/^\s*SELECT\b/.test(text)).length;
      rig.statements.length = 0;
      await issueOne(`count-${run}`);
      const issue = { statements: rig.statements.length, writes: writes(rig.statements) };
      const swept = [];
      for (let index = 0; index < 5; index += 1) swept.push(await issueOne(`count-sweep-${run}-${index}`, '10.00', 1));
      for (const code of swept) rig.fake.expire(code.cip!);
      rig.statements.length = 0;
      const summary = await rig.codes.sweepExpired({ now: new Date(Date.now() + 2 * 3_600_000), limit: 10 });
      expect(summary.expired).toBe(5);
      const sweep = { statements: rig.statements.length / 5, writes: writes(rig.statements) / 5 };
      console.info(`postgres transactions: issue ${JSON.stringify(issue)}, per swept code ${JSON.stringify(sweep)}`);
      // Every statement is one transaction (autocommit), so writes are the commits that change data.
      expect(issue.writes).toBeLessThanOrEqual(2);
    });

    it('sweep: a killed backend at any statement, the next pass finishes: expired exactly once', async () => {
      await atEveryStatement('sweep', async (k) => {
        const code = await issueOne(`sweep-${run}-${k}`, '12.50', 1);
        rig.fake.expire(code.cip!);
        const now = new Date(Date.now() + 2 * 3_600_000);
        rig.armKill(k);
        // A pass that failed is simply run again, as a cron would; its leases are the sweeper's own.
        for (let pass = 0; pass < 4 && (await rig.check.getCode(code.id))?.status === 'pending'; pass += 1) {
          await rig.codes.sweepExpired({ now, limit: 10 }).catch(() => undefined);
          if ((await rig.check.getCode(code.id))?.status === 'pending') await new Promise((r) => setTimeout(r, 50));
        }
        expect(await rig.check.getCode(code.id)).toMatchObject({ status: 'expired' });
        expect((await rig.check.readLog(code.id)).filter((entry) => entry.type === 'expired')).toHaveLength(1);
      });
      await expectMoneyInvariants(rig, refused, acknowledged);
    });
  });
}

// Chaos (issue 10): issues and payments while a loop terminates the pool's backends every few ms.
if (url) {
  describe('postgresStore: chaos', () => {
    it('30 issues and 30 payments while backends are killed every 15 ms: the money invariants hold', async () => {
      const rig = await startFaultRig(url, freshPrefix(), `pek-chaos-${run}`);
      try {
        rig.fake.setWebhookTarget({
          handler: createWebhookHandler({ secretKey: FAKE_CREDENTIALS.secretKey, codes: rig.codes }),
        });
        const deadline = Date.now() + 20_000;
        let chaos = true;
        const killer = (async () => {
          while (chaos && Date.now() < deadline) {
            await rig.kill().catch(() => undefined);
            await new Promise((resolve) => setTimeout(resolve, 15));
          }
        })();
        const acknowledged: string[] = [];
        const refused: RefusedPayment[] = [];
        const outcomes = await Promise.all(
          Array.from({ length: 30 }, async (_, index) => {
            const orderId = `chaos-${run}-${index}`;
            const payer = { email: 'comprador@example.pe' };
            const issued = await withRetries(
              () => rig.codes.issue({ orderId, amount: '30.00', currency: 'PEN', payer }),
              20,
            );
            if (issued instanceof Error) return 'issue failed';
            const { code } = issued;
            // Every fifth buyer pays too little: refused into review, never paid.
            const partial = index % 5 === 4;
            const report = await rig.fake.pay(code.cip!, partial ? { amount: '3.00' } : {});
            if (report.delivered && partial) refused.push({ codeId: code.id, operationNumber: report.operationNumber });
            if (report.delivered && !partial) acknowledged.push(code.id);
            return report.delivered ? 'delivered' : 'undelivered';
          }),
        );
        chaos = false;
        await killer;
        expect(rig.terminated).toBeGreaterThan(0);
        const { paid } = await expectMoneyInvariants(rig, refused, acknowledged);
        console.info(
          `postgres chaos: ${rig.terminated} backends terminated; ${outcomes.filter((o) => o === 'delivered').length} ` +
            `deliveries answered 200, ${outcomes.filter((o) => o === 'undelivered').length} undelivered, ` +
            `${outcomes.filter((o) => o === 'issue failed').length} issues given up; ${paid} codes paid`,
        );
      } finally {
        await rig.close();
      }
    }, 120_000); // ~20 s alone; the margin is for a loaded machine, the kill loop itself stops at 20 s
  });
}
