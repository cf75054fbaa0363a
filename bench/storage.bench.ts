/**
 * Store throughput: the `claimOrder` primitive alone and a whole `codes.issue` (new order each time,
 * against the in-process fake PagoEfectivo) on every store, printed as ops/s beside the memory store
 * measured in the same run. Calls are sequential, so the numbers are per-connection latency bound: a
 * server store serves many such callers at once. PostgreSQL and Redis run when
 * PAGOEFECTIVO_KIT_TEST_POSTGRES_URL / PAGOEFECTIVO_KIT_TEST_REDIS_URL are set, MySQL / MariaDB when
 * PAGOEFECTIVO_KIT_TEST_MYSQL_URL is (random table/key
 * prefix, removed afterwards) and are skipped with a note otherwise.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { Bench } from 'tinybench';
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import type { CashCode } from '../src/model/code.js';
import { mysqlStore } from '../src/storage/adapters/mysql.js';
import { postgresStore } from '../src/storage/adapters/postgres.js';
import { redisStore } from '../src/storage/adapters/redis.js';
import { sqliteStore } from '../src/storage/adapters/sqlite.js';
import type { CashCodeStore } from '../src/storage/contract.js';
import { memoryStore } from '../src/storage/memory.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const runId = randomBytes(4).toString('hex');

interface Subject {
  name: string;
  store: CashCodeStore;
  close(): Promise<void>;
}

let sequence = 0;
function freshCode(): CashCode {
  sequence += 1;
  const now = new Date();
  return {
    id: `bench-${runId}-${sequence}`,
    orderId: `bench-order-${runId}-${sequence}`,
    status: 'reserving',
    version: 1,
    cip: null,
    cipUrl: null,
    amount: '150.50',
    amountMinor: 15050,
    currency: 'PEN',
    fx: null,
    payer: { email: 'ana@example.pe', firstName: 'Ana' },
    expiresAt: new Date(now.getTime() + 86_400_000),
    createdAt: now,
    updatedAt: now,
    leaseUntil: new Date(now.getTime() + 60_000),
    payment: null,
    metadata: {},
  };
}

async function subjects(): Promise<Subject[]> {
  const folder = mkdtempSync(join(tmpdir(), 'pek-bench-'));
  const db = new Database(join(folder, 'bench.db'));
  const list: Subject[] = [
    { name: 'memory', store: memoryStore(), close: async () => undefined },
    {
      name: 'sqlite (file, WAL)',
      store: sqliteStore(db),
      close: async () => {
        db.close();
        rmSync(folder, { recursive: true, force: true });
      },
    },
  ];
  const pgUrl = process.env.PAGOEFECTIVO_KIT_TEST_POSTGRES_URL;
  if (pgUrl) {
    const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
    pool.on('error', () => undefined);
    const store = postgresStore(pool, { tablePrefix: `pek_bench_${runId}_` });
    await store.migrate();
    const tables = ['log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'];
    const drop = `DROP TABLE ${tables.map((name) => store.tablePrefix + name).join(', ')} CASCADE`;
    const close = async (): Promise<void> => {
      await pool.query(drop);
      await pool.end();
    };
    list.push({ name: 'postgres', store, close });
  } else console.log('postgres skipped: set PAGOEFECTIVO_KIT_TEST_POSTGRES_URL to measure it');
  const redisUrl = process.env.PAGOEFECTIVO_KIT_TEST_REDIS_URL;
  if (redisUrl) {
    const redis = new Redis(redisUrl);
    const prefix = `pek-bench:${runId}:`;
    const close = async (): Promise<void> => {
      const keys = await redis.keys(`${prefix}*`);
      for (let start = 0; start < keys.length; start += 1000) await redis.del(...keys.slice(start, start + 1000));
      redis.disconnect();
    };
    list.push({ name: 'redis', store: redisStore(redis, { keyPrefix: prefix }), close });
  } else console.log('redis skipped: set PAGOEFECTIVO_KIT_TEST_REDIS_URL to measure it');
  const mysqlUrl = process.env.PAGOEFECTIVO_KIT_TEST_MYSQL_URL;
  if (mysqlUrl) {
    const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 4 });
    const store = mysqlStore(pool, { tablePrefix: `pek_bench_${runId}_` });
    await store.migrate();
    const tables = ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'];
    const close = async (): Promise<void> => {
      await pool.query(`DROP TABLE ${tables.map((name) => store.tablePrefix + name).join(', ')}`);
      await pool.end();
    };
    list.push({ name: 'mysql', store, close });
  } else console.log('mysql skipped: set PAGOEFECTIVO_KIT_TEST_MYSQL_URL to measure it');
  return list;
}

function opsPerSecond(bench: Bench, name: string): number {
  const result = bench.getTask(name)?.result;
  if (result === undefined || !('throughput' in result)) throw new Error(`benchmark task "${name}" did not complete`);
  return result.throughput.mean;
}

/** Run the benchmark and print claimOrder/s and issues/s per store, with ratios to the memory store. */
export async function run(): Promise<void> {
  const fake = createFakePagoEfectivo({ ...CREDS, tokenLifetimeMs: 24 * 3600_000 });
  const client = createPagoEfectivoClient({ ...CREDS, baseUrl: fake.baseUrl, fetch: fake.fetch });
  const payer = { email: 'ana@example.pe', firstName: 'Ana' };
  const bench = new Bench({ time: 1000, warmupTime: 200 });
  const list = await subjects();
  for (const { name, store } of list) {
    const codes = createCashCodes({ client, store });
    bench.add(`${name} claimOrder`, () => store.claimOrder(freshCode()));
    bench.add(`${name} issue`, () => {
      sequence += 1;
      return codes.issue({ orderId: `ORD-${runId}-${sequence}`, amount: '150.50', currency: 'PEN', payer });
    });
  }
  try {
    await bench.run();
  } finally {
    for (const subject of list) await subject.close();
  }
  const claimBase = opsPerSecond(bench, 'memory claimOrder');
  const issueBase = opsPerSecond(bench, 'memory issue');
  for (const { name } of list) {
    const claims = opsPerSecond(bench, `${name} claimOrder`);
    const issues = opsPerSecond(bench, `${name} issue`);
    console.log(
      `storage  ${name.padEnd(18)} claimOrder ${claims.toFixed(0).padStart(7)} ops/s (${(claims / claimBase).toFixed(3)}x memory)` +
        ` | issue ${issues.toFixed(0).padStart(6)} ops/s (${(issues / issueBase).toFixed(3)}x memory)`,
    );
  }
}
