import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { createCashCodes } from '../../src/codes/index.js';
import { postgresStore } from '../../src/storage/adapters/postgres.js';
import { redisStore } from '../../src/storage/adapters/redis.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { createFakePagoEfectivo } from '../../src/testing/index.js';
import { requireBinary, runCliOnTerminal } from './_bin.js';

const SERVERS = [
  { name: 'PostgreSQL', variable: 'PAGOEFECTIVO_KIT_TEST_POSTGRES_URL' },
  { name: 'Redis', variable: 'PAGOEFECTIVO_KIT_TEST_REDIS_URL' },
] as const;
const run = randomBytes(4).toString('hex');

/** Open the server's store with a fresh prefix; `drop` removes everything it wrote. */
async function openServerStore(
  name: string,
  url: string,
): Promise<{ store: CashCodeStore; prefix: string; drop(): Promise<void> }> {
  if (name === 'PostgreSQL') {
    const prefix = `pek_cli_${run}_`;
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    const store = postgresStore(pool, { tablePrefix: prefix });
    await store.migrate();
    return {
      store,
      prefix,
      async drop() {
        for (const table of ['log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations']) {
          await pool.query(`drop table if exists ${prefix}${table} cascade`);
        }
        await pool.end();
      },
    };
  }
  const prefix = `pek-cli-${run}:`;
  const redis = new Redis(url);
  return {
    store: redisStore(redis, { keyPrefix: prefix }),
    prefix,
    async drop() {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

describe.each(SERVERS)('reconcile against $name (the binary)', ({ name, variable }) => {
  const url = process.env[variable];
  if (!url) {
    it.skip(`set ${variable} to run the CLI against ${name}`, () => {});
    return;
  }
  let dir: string;
  let opened: Awaited<ReturnType<typeof openServerStore>>;
  let cip: string;

  beforeAll(async () => {
    requireBinary();
    dir = await mkdtemp(path.join(tmpdir(), 'pek-server-'));
    opened = await openServerStore(name, url);
    const credentials = { serviceId: '1', accessKey: 'a', secretKey: 'secret-of-the-fake' };
    const fake = createFakePagoEfectivo(credentials);
    const client = createPagoEfectivoClient({ ...credentials, baseUrl: fake.baseUrl, fetch: fake.fetch });
    const codes = createCashCodes({ client, store: opened.store });
    const { code } = await codes.issue({
      orderId: 'ORD-S1',
      amount: '20.00',
      currency: 'USD',
      payer: { email: 'b@example.com' },
    });
    cip = code.cip as string;
    await codes.applyPayment({ cip, amountMinor: 2000, currency: 'USD', operationNumber: '555' });
    await writeFile(path.join(dir, 'settlement.csv'), `CIP,Monto,Moneda\n${cip},20.00,USD\n`);
  });

  afterAll(async () => {
    await opened?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads the store through --store-env and --store-prefix', async () => {
    // On a terminal, so the progress line (which names the store) is written.
    const result = await runCliOnTerminal(
      ['reconcile', 'settlement.csv', '--store-env', 'STORE_URL', '--store-prefix', opened.prefix, '--json'],
      { cwd: dir, env: { STORE_URL: url } },
    );
    expect(result.stderr).toContain('Reconciling');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { items: { kind: string; cip: string }[] };
    expect(report.items).toMatchObject([{ kind: 'matched', cip }]);
  });
});
