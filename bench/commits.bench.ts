/**
 * PostgreSQL commits per logical operation: how many transactions the store commits for one `issue`,
 * one webhook payment and one swept code. The store sends single statements over a Pool (autocommit),
 * so each writing statement is one commit; the count is taken by wrapping the Pool's `query`.
 * Runs when PAGOEFECTIVO_KIT_TEST_POSTGRES_URL is set (a random table prefix, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import { postgresStore } from '../src/storage/adapters/postgres.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const WRITES = /^\s*(insert|update|delete|with|select\s+pg_advisory)/i;
const SAMPLES = 50;

export async function run(): Promise<void> {
  const url = process.env.PAGOEFECTIVO_KIT_TEST_POSTGRES_URL;
  if (!url) {
    console.log('skipped: set PAGOEFECTIVO_KIT_TEST_POSTGRES_URL to count PostgreSQL commits per operation');
    return;
  }
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  let writes = 0;
  let statements = 0;
  const counted = new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return (text: unknown, ...rest: unknown[]) => {
        statements += 1;
        // CTE statements that only read are rare in the store; count them as writes (an upper bound).
        if (typeof text === 'string' && WRITES.test(text)) writes += 1;
        return (target.query as (...args: unknown[]) => unknown).call(target, text, ...rest);
      };
    },
  });
  const prefix = `bench_${randomBytes(4).toString('hex')}_`;
  const store = postgresStore(counted as unknown as pg.Pool, { tablePrefix: prefix });
  await store.migrate();
  const fake = createFakePagoEfectivo({ ...CREDS, webhookRetryDelayMs: 0 });
  const client = createPagoEfectivoClient({ ...CREDS, environment: 'sandbox', fetch: fake.fetch, now: fake.now });
  const codes = createCashCodes({ client, store, now: fake.now, settlementGraceMs: 0 });
  try {
    const measure = async (
      label: string,
      indexes: number[],
      task: (index: number) => Promise<unknown>,
    ): Promise<void> => {
      writes = 0;
      statements = 0;
      for (const index of indexes) await task(index);
      console.log(
        `${label.padEnd(28)} ${(writes / indexes.length).toFixed(2)} commits (writing statements), ` +
          `${(statements / indexes.length).toFixed(2)} statements in all`,
      );
    };
    const all = Array.from({ length: SAMPLES }, (_, index) => index);
    const cips: string[] = [];
    await measure('issue', all, async (index) => {
      const { code } = await codes.issue({
        orderId: `bench-${prefix}-${index}`,
        amount: '150.50',
        currency: 'PEN',
        payer: { email: 'ana@example.pe' },
      });
      cips.push(code.cip as string);
    });
    // Odd codes are paid; even ones stay pending for the sweep below.
    await measure(
      'applyPayment (exact)',
      all.filter((index) => index % 2 === 1),
      async (index) => {
        const cip = cips[index]!;
        await codes.applyPayment({ cip, amountMinor: 15050, currency: 'PEN', operationNumber: `op-${index}` });
      },
    );
    for (let index = 0; index < SAMPLES; index += 2) fake.expire(cips[index]!);
    fake.advance(25 * 3_600_000);
    const swept = SAMPLES / 2;
    writes = 0;
    statements = 0;
    const summary = await codes.sweepExpired({
      limit: swept,
      drain: false,
      now: new Date(fake.now().getTime() + 86_400_000),
    });
    console.log(
      `${'sweep (per swept code)'.padEnd(28)} ${(writes / Math.max(summary.expired, 1)).toFixed(2)} commits, ` +
        `${summary.expired} codes expired in one sweep`,
    );
  } finally {
    await pool.query(
      `DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE tablename LIKE '${prefix}%' LOOP EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(t.tablename) || ' CASCADE'; END LOOP; END $$`,
    );
    await pool.end();
  }
}
