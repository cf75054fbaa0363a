/**
 * The CLI's `--store mysql://USER@HOST:PORT/DB` (issue 17): the password comes from
 * PAGOEFECTIVO_KIT_MYSQL_PASSWORD (or a URL in --store-env), never from argv. Runs the CLI in process
 * against the MariaDB / MySQL server named by PAGOEFECTIVO_KIT_TEST_MYSQL_URL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../src/cli/index.js';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { createCashCodes } from '../../src/codes/index.js';
import { mysqlStore } from '../../src/storage/adapters/mysql.js';
import { createFakePagoEfectivo } from '../../src/testing/index.js';

const url = process.env.PAGOEFECTIVO_KIT_TEST_MYSQL_URL;
const run = randomBytes(4).toString('hex');
const prefix = `pek_cli_${run}_`;

/** Run the CLI in this process with `env` only; resolves to its exit code and output. */
async function cli(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    cwd,
    untilStopped: () => new Promise(() => undefined),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe('--store mysql:// (the CLI in process)', () => {
  if (!url) {
    it.skip('set PAGOEFECTIVO_KIT_TEST_MYSQL_URL to run the CLI against MySQL / MariaDB', () => {});
    return;
  }
  let dir: string;
  let pool: mysql.Pool;
  let cip: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pek-cli-mysql-'));
    pool = mysql.createPool({ uri: url, connectionLimit: 2 });
    const store = mysqlStore(pool, { tablePrefix: prefix });
    await store.migrate();
    const credentials = { serviceId: '1', accessKey: 'a', secretKey: 'secret-of-the-fake' };
    const fake = createFakePagoEfectivo(credentials);
    const client = createPagoEfectivoClient({ ...credentials, baseUrl: fake.baseUrl, fetch: fake.fetch });
    const codes = createCashCodes({ client, store });
    const { code } = await codes.issue({
      orderId: 'ORD-M1',
      amount: '20.00',
      currency: 'USD',
      payer: { email: 'b@example.com' },
    });
    cip = code.cip as string;
    await codes.applyPayment({ cip, amountMinor: 2000, currency: 'USD', operationNumber: '777' });
    await writeFile(path.join(dir, 'settlement.csv'), `CIP,Monto,Moneda\n${cip},20.00,USD\n`);
  });

  afterAll(async () => {
    if (pool) {
      for (const table of ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations']) {
        await pool.query(`DROP TABLE IF EXISTS ${prefix}${table}`);
      }
      await pool.end();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reconcile reads the store named by --store mysql://USER@HOST:PORT/DB and --store-prefix', async () => {
    const result = await cli(
      ['reconcile', 'settlement.csv', '--store', url, '--store-prefix', prefix, '--json'],
      {},
      dir,
    );
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { items: unknown[] }).items).toMatchObject([{ kind: 'matched', cip }]);
  });

  it('takes the password from PAGOEFECTIVO_KIT_MYSQL_PASSWORD (a wrong one is refused by the server)', async () => {
    const result = await cli(
      ['reconcile', 'settlement.csv', '--store', url, '--store-prefix', prefix],
      { PAGOEFECTIVO_KIT_MYSQL_PASSWORD: 'not-the-password' },
      dir,
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Access denied/i);
    expect(result.stderr).not.toContain('not-the-password');
  });

  it('refuses a password on the command line and points at the environment', async () => {
    const withPassword = url.replace('://', '://root:hunter2@').replace(/:\/\/([^@/]*)@([^@/]*)@/, '://$1@');
    const result = await cli(['reconcile', 'settlement.csv', '--store', withPassword], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PAGOEFECTIVO_KIT_MYSQL_PASSWORD');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('reads a URL with its password from --store-env', async () => {
    const result = await cli(
      ['reconcile', 'settlement.csv', '--store-env', 'SHOP_DB', '--store-prefix', prefix, '--json'],
      { SHOP_DB: url },
      dir,
    );
    expect(result.code).toBe(0);
  });
});
