/**
 * PostgreSQL commits per logical operation: how many transactions the store commits for one `issue`,
 * one webhook payment and one sweep batch. The store sends single statements over a Pool, each one
 * its own transaction (autocommit), so the count is taken by wrapping the Pool's `query`: every
 * statement is one commit, and the writing ones (INSERT, UPDATE or DELETE anywhere in the statement)
 * are the commits that change data. The sweep is measured twice on the same codes and data: with the
 * store's `commitCodes` (the batch of expirations in one transaction) and, as the baseline, with it
 * hidden (one commit per code, what a store without it gets).
 * Runs when PAGOEFECTIVO_KIT_TEST_POSTGRES_URL is set (a random table prefix, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import { postgresStore } from '../src/storage/adapters/postgres.js';
import type { CashCodeStore } from '../src/storage/contract.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const WRITES = /\b(insert|update|delete)\b/i;
const SAMPLES = 50;

export async function run(): Promise<void> {
  const url = process.env.PAGOEFECTIVO_KIT_TEST_POSTGRES_URL;
  if (!url) {
    console.log('skipped: set PAGOEFECTIVO_KIT_TEST_POSTGRES_URL to count PostgreSQL commits per operation');
    return;
  }
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const count = { commits: 0, writes: 0 };
  const counted = new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'connect') throw new Error('the store checked out a connection: count its transactions too');
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return (text: unknown, ...rest: unknown[]) => {
        // One statement outside an explicit transaction: one transaction, one commit.
        count.commits += 1;
        if (typeof text === 'string' && WRITES.test(text)) count.writes += 1;
        return (target.query as (...args: unknown[]) => unknown).call(target, text, ...rest);
      };
    },
  });
  const prefix = `bench_${randomBytes(4).toString('hex')}_`;
  const store = postgresStore(counted as unknown as pg.Pool, { tablePrefix: prefix });
  await store.migrate();
  const fake = createFakePagoEfectivo({ ...CREDS, webhookRetryDelayMs: 0 });
  const client = createPagoEfectivoClient({ ...CREDS, environment: 'sandbox', fetch: fake.fetch, now: fake.now });
  const service = (over: CashCodeStore) =>
    createCashCodes({ client, store: over, now: fake.now, settlementGraceMs: 0 });
  const codes = service(store);
  const reset = () => {
    count.commits = 0;
    count.writes = 0;
  };
  const line = (label: string, per: number, note = '') =>
    console.log(
      `${label.padEnd(36)} ${(count.commits / per).toFixed(2)} commits, ${(count.writes / per).toFixed(2)} writing${note}`,
    );
  try {
    const all = Array.from({ length: SAMPLES * 2 }, (_, index) => index);
    const cips: string[] = [];
    reset();
    for (const index of all) {
      const { code } = await codes.issue({
        orderId: `bench-${prefix}-${index}`,
        amount: '150.50',
        currency: 'PEN',
        payer: { email: 'ana@example.pe' },
      });
      cips.push(code.cip as string);
    }
    line('issue (new order)', all.length, '   (goal ≤ 2)');
    reset();
    await codes.issue({ orderId: `bench-${prefix}-0`, amount: '150.50', currency: 'PEN', payer: { email: 'a@x.pe' } });
    line('issue (same order again: reuse)', 1);
    // Codes 0–9 are paid; the rest wait for the sweeps below.
    reset();
    for (let index = 0; index < 10; index += 1) {
      await codes.applyPayment({
        cip: cips[index]!,
        amountMinor: 15050,
        currency: 'PEN',
        operationNumber: `op-${index}`,
      });
    }
    line('applyPayment (exact)', 10);
    for (let index = 10; index < all.length; index += 1) fake.expire(cips[index]!);
    fake.advance(25 * 3_600_000);
    const now = new Date(fake.now().getTime() + 86_400_000);
    const batch = 40;
    // Baseline first: the same store with `commitCodes` hidden commits each expiration on its own.
    const { commitCodes: _hidden, ...perCode } = store;
    reset();
    const single = await service(perCode).sweepExpired({ limit: batch, drain: false, now });
    line(
      `sweep of ${single.expired} codes, one commit each`,
      1,
      ` (${(count.writes / single.expired).toFixed(2)} per code)`,
    );
    const perCodeWrites = count.writes;
    reset();
    const batched = await codes.sweepExpired({ limit: batch, drain: false, now });
    line(
      `sweep of ${batched.expired} codes, commitCodes`,
      1,
      ` (${(count.writes / batched.expired).toFixed(2)} per code)`,
    );
    console.log(
      `${'sweep writing commits, batch / per code'.padEnd(36)} ${(count.writes / perCodeWrites).toFixed(2)}x ` +
        '(claimExpired + one commitCodes vs claimExpired + one commit per code)',
    );
  } finally {
    await pool.query(
      `DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE tablename LIKE '${prefix}%' LOOP EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(t.tablename) || ' CASCADE'; END LOOP; END $$`,
    );
    await pool.end();
  }
}
