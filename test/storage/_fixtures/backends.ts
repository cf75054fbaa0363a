import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { CashCode } from '../../../src/model/code.js';
import { mysqlStore } from '../../../src/storage/adapters/mysql.js';
import { postgresStore } from '../../../src/storage/adapters/postgres.js';
import { redisStore } from '../../../src/storage/adapters/redis.js';
import { sqliteStore } from '../../../src/storage/adapters/sqlite.js';
import type { CashCodeStore } from '../../../src/storage/contract.js';
import type { StoreSpec } from './protocol.js';

// The shared stores of multiprocess.test.ts: what the workers open, the test process's own store on
// the same backend, and how to remove everything the run wrote.

/** One shared store, seen from the test process. */
export interface Backend {
  /** What each worker opens with its own connection. */
  spec: StoreSpec;
  /** The test process's own store on the same backend (opened after the workers). */
  open(): CashCodeStore;
  /** Remove every table, key or file of this run. */
  cleanup(): Promise<void>;
}

/** One SQLite file in a temporary folder. */
export function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'pek-multiprocess-'));
  const file = join(dir, 'store.db');
  let db: Database.Database | null = null;
  return {
    spec: { kind: 'sqlite', file, prefix: 'mp_' },
    open: () => {
      db = new Database(file);
      return sqliteStore(db, { tablePrefix: 'mp_' });
    },
    cleanup: async () => {
      db?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Tables `pek_mp_<run>_*` in the PostgreSQL database at `url` (the workers migrate them). */
export function postgresBackend(url: string, run: string): Backend {
  const prefix = `pek_mp_${run}_`;
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  pool.on('error', () => undefined);
  return {
    spec: { kind: 'postgres', url, prefix },
    open: () => postgresStore(pool, { tablePrefix: prefix }),
    cleanup: async () => {
      const tables = ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'].map(
        (name) => prefix + name,
      );
      await pool.query(`DROP TABLE IF EXISTS ${tables.join(', ')} CASCADE`);
      await pool.end();
    },
  };
}

/** Tables `pek_mp_<run>_*` in the MySQL / MariaDB database at `url` (the workers migrate them). */
export function mysqlBackend(url: string, run: string): Backend {
  const prefix = `pek_mp_${run}_`;
  const pool = mysql.createPool({ uri: url, connectionLimit: 5 });
  return {
    spec: { kind: 'mysql', url, prefix },
    open: () => mysqlStore(pool, { tablePrefix: prefix }),
    cleanup: async () => {
      const tables = ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'].map(
        (name) => prefix + name,
      );
      await pool.query(`DROP TABLE IF EXISTS ${tables.join(', ')}`);
      await pool.end();
    },
  };
}

/** Keys `pek-mp:<run>:*` in the Redis at `url`. */
export function redisBackend(url: string, run: string): Backend {
  const prefix = `pek-mp:${run}:`;
  const redis = new Redis(url);
  redis.on('error', () => undefined);
  return {
    spec: { kind: 'redis', url, prefix },
    open: () => redisStore(redis, { keyPrefix: prefix }),
    cleanup: async () => {
      // Nothing to remove when the server was never reached (the workers failed first).
      if (redis.status !== 'ready') return void redis.disconnect();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** A pending code without CIP, alone on its order, expiring at `expiresAtMs`. */
export function dueCode(id: string, expiresAtMs: number): CashCode {
  const now = new Date();
  return {
    id,
    orderId: `order-${id}`,
    status: 'pending',
    version: 1,
    cip: null,
    cipUrl: null,
    amount: '25.00',
    amountMinor: 2500,
    currency: 'PEN',
    fx: null,
    payer: { email: 'comprador@example.pe' },
    expiresAt: new Date(expiresAtMs),
    createdAt: now,
    updatedAt: now,
    leaseUntil: null,
    payment: null,
    metadata: {},
  };
}
