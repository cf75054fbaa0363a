import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { CashCode } from '../../src/model/code.js';
import { mysqlStore } from '../../src/storage/adapters/mysql.js';
import { postgresStore } from '../../src/storage/adapters/postgres.js';
import { redisStore } from '../../src/storage/adapters/redis.js';
import { sqliteStore } from '../../src/storage/adapters/sqlite.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';
import type { Population } from './population.js';
import { claimAll, finalCodes } from './seed-memory.js';
import { mysqlSeeder } from './seed-mysql.js';
import { postgresSeeder } from './seed-postgres.js';
import { redisSeeder } from './seed-redis.js';
import { sqliteSeeder } from './seed-sqlite.js';

/** One store instance of the series, under its own table or key prefix. */
export interface ScaleStore {
  store: CashCodeStore;
  /** Write the final codes (paid, expired, cancelled) numbered `[from, to)` the fast way for this store. */
  seedFinal(population: Population, from: number, to: number): Promise<void>;
  /** Write these codes (the drain's due codes) the fast way for this store. */
  seedCodes(codes: readonly CashCode[]): Promise<void>;
  /** Remove everything this instance wrote. */
  drop(): Promise<void>;
}

/** A kind of store: opens fresh instances (each with a random prefix) on one shared connection. */
export interface StoreKind {
  name: string;
  open(): Promise<ScaleStore>;
  /** Drop every instance still open and release the connection. */
  close(): Promise<void>;
}

const run = randomBytes(3).toString('hex');
let instances = 0;
const nextPrefix = (separator: string): string => `pek_scale_${run}_${++instances}${separator}`;

/** Track open instances so that `close()` drops them even when the series failed half-way. */
function kind(name: string, openOne: () => Promise<ScaleStore>, release: () => Promise<void>): StoreKind {
  const open = new Set<ScaleStore>();
  let closed = false;
  return {
    name,
    async open() {
      const instance = await openOne();
      const tracked: ScaleStore = {
        ...instance,
        async drop() {
          open.delete(tracked);
          await instance.drop();
        },
      };
      open.add(tracked);
      return tracked;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const instance of [...open])
        await instance.drop().catch((error) => console.error(`${name}: drop failed`, error));
      await release();
    },
  };
}

function memoryKind(): StoreKind {
  return kind(
    'memory',
    async () => {
      const store = memoryStore();
      return {
        store,
        seedFinal: (population, from, to) => claimAll(store, finalCodes(population, from, to)),
        seedCodes: (codes) => claimAll(store, codes),
        drop: async () => undefined,
      };
    },
    async () => undefined,
  );
}

function sqliteKind(): StoreKind {
  const folder = mkdtempSync(join(tmpdir(), 'pek-scale-'));
  const db = new Database(join(folder, 'scale.db'));
  return kind(
    'sqlite',
    async () => {
      const prefix = nextPrefix('_');
      const store = sqliteStore(db, { tablePrefix: prefix });
      const drop = async (): Promise<void> => {
        const tables = db
          .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?`)
          .all(`${prefix}%`) as { name: string }[];
        for (const { name } of tables) db.exec(`DROP TABLE IF EXISTS "${name}"`);
      };
      const seeder = sqliteSeeder(db, prefix);
      return { store, seedFinal: seeder.final, seedCodes: seeder.codes, drop };
    },
    async () => {
      db.close();
      rmSync(folder, { recursive: true, force: true });
    },
  );
}

function postgresKind(url: string): StoreKind {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  return kind(
    'postgres',
    async () => {
      const prefix = nextPrefix('_');
      const store = postgresStore(pool, { tablePrefix: prefix });
      await store.migrate();
      const drop = async (): Promise<void> => {
        const { rows } = await pool.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE $1`, [`${prefix}%`]);
        if (rows.length > 0)
          await pool.query(`DROP TABLE ${rows.map((row) => `"${row.tablename}"`).join(', ')} CASCADE`);
      };
      const seeder = postgresSeeder(pool, prefix);
      return { store, seedFinal: seeder.final, seedCodes: seeder.codes, drop };
    },
    () => pool.end(),
  );
}

function mysqlKind(url: string): StoreKind {
  const pool = mysql.createPool({ uri: url, connectionLimit: 4 });
  return kind(
    'mysql',
    async () => {
      const prefix = nextPrefix('_');
      const store = mysqlStore(pool, { tablePrefix: prefix });
      await store.migrate();
      const drop = async (): Promise<void> => {
        const [rows] = await pool.query(
          'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?',
          [`${prefix}%`],
        );
        const names = (rows as { name: string }[]).map((row) => `\`${row.name}\``);
        if (names.length > 0) await pool.query(`DROP TABLE ${names.join(', ')}`);
      };
      const seeder = mysqlSeeder(pool, prefix);
      return { store, seedFinal: seeder.final, seedCodes: seeder.codes, drop };
    },
    () => pool.end(),
  );
}

function redisKind(url: string): StoreKind {
  const redis = new Redis(url);
  return kind(
    'redis',
    async () => {
      const prefix = nextPrefix(':').replaceAll('_', '-');
      const store = redisStore(redis, { keyPrefix: prefix });
      const drop = async (): Promise<void> => {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
          cursor = next;
          if (keys.length > 0) await redis.unlink(...keys);
        } while (cursor !== '0');
      };
      // Due codes through the store's own script (pipelined by ioredis): its `due` index stays its own.
      const seedCodes = (codes: readonly CashCode[]): Promise<void> => claimAll(store, codes, 64);
      return { store, seedFinal: redisSeeder(redis, prefix), seedCodes, drop };
    },
    async () => {
      redis.disconnect();
    },
  );
}

const SERVERS = [
  { name: 'postgres', env: 'PAGOEFECTIVO_KIT_TEST_POSTGRES_URL', make: postgresKind },
  { name: 'redis', env: 'PAGOEFECTIVO_KIT_TEST_REDIS_URL', make: redisKind },
  { name: 'mysql', env: 'PAGOEFECTIVO_KIT_TEST_MYSQL_URL', make: mysqlKind },
] as const;

/**
 * The stores of the series: memory and SQLite (a WAL file in a temporary folder) always, the server
 * stores when their `PAGOEFECTIVO_KIT_TEST_*_URL` is set (a note is printed for each one skipped).
 * `only` picks stores by name.
 */
export function storeKinds(only: readonly string[] = []): StoreKind[] {
  const wanted = (name: string): boolean => only.length === 0 || only.includes(name);
  const kinds: StoreKind[] = [];
  if (wanted('memory')) kinds.push(memoryKind());
  if (wanted('sqlite')) kinds.push(sqliteKind());
  for (const server of SERVERS) {
    if (!wanted(server.name)) continue;
    const url = process.env[server.env];
    if (url) kinds.push(server.make(url));
    else console.log(`scale: ${server.name} skipped: set ${server.env} to measure it`);
  }
  return kinds;
}
