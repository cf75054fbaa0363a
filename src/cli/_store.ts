import path from 'node:path';
import { ConfigurationError, toStorageError } from '../errors.js';
import type { CashCodeStore } from '../storage/contract.js';
import { type ParsedArgs, stringOption } from './_args.js';
import { type CliIo, CliUsageError } from './_io.js';

/** The `--store` part of a command's help. */
export const STORE_HELP = `Store (exactly one):
  --store sqlite:PATH          a SQLite file written by sqliteStore (better-sqlite3)
  --store postgres://HOST/DB   PostgreSQL (pg); password from PGPASSWORD or --store-env
  --store redis://HOST:PORT    Redis (ioredis)
  --store mysql://USER@HOST:PORT/DB
                               MySQL 8 / MariaDB 10.6+ (mysql2); password from
                               PAGOEFECTIVO_KIT_MYSQL_PASSWORD or --store-env
  --store-env NAME             read the store URL from environment variable NAME (use this when
                               the URL contains a password: arguments are visible to other users)
  --store-prefix P             the table prefix (SQLite, PostgreSQL, MySQL) or key prefix (Redis) your
                               app's store uses, if not the default`;

/** Which store to open: its URL and the table/key prefix the app's store uses. */
export interface StoreSpec {
  url: string;
  prefix: string | undefined;
}

/** The `--store`, `--store-env` and `--store-prefix` options, for a command's option table. */
export const STORE_OPTIONS = {
  store: { type: 'string' },
  'store-env': { type: 'string' },
  'store-prefix': { type: 'string' },
} as const;

/** An opened store and how to release its connection. */
export interface OpenedStore {
  store: CashCodeStore;
  close(): Promise<void>;
}

/**
 * The store URL from `--store` or `--store-env`. A URL with a password on the command line is refused.
 * @throws {CliUsageError}
 */
export function storeSpec(parsed: ParsedArgs, io: CliIo): StoreSpec {
  return { url: storeUrl(parsed, io), prefix: stringOption(parsed, 'store-prefix') };
}

function storeUrl(parsed: ParsedArgs, io: CliIo): string {
  const direct = stringOption(parsed, 'store');
  const envName = stringOption(parsed, 'store-env');
  if ((direct === undefined) === (envName === undefined)) {
    throw new CliUsageError('give the store with exactly one of --store URL or --store-env NAME.');
  }
  if (direct !== undefined) {
    if (/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(direct)) {
      throw new CliUsageError(
        '--store contains a password, which other users can read from the process list: ' +
          'put the URL in an environment variable and pass --store-env NAME (or use PGPASSWORD, ' +
          'PAGOEFECTIVO_KIT_MYSQL_PASSWORD).',
      );
    }
    return direct;
  }
  const value = io.env[envName as string]?.trim();
  if (!value) throw new CliUsageError(`environment variable ${envName} (the store URL) is not set or empty.`);
  return value;
}

function missingDriver(name: string, error: unknown): ConfigurationError {
  return new ConfigurationError(`The ${name} driver is not installed: npm install ${name}.`, {
    code: 'dependency_missing',
    cause: error,
    details: { package: name },
  });
}

async function importDriver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw missingDriver(name, error);
  }
}

/** Where a store URL points, without its credentials (for messages). */
export function describeStore(spec: string): string {
  return spec.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * Open the store a URL names, with the driver the user installed. SQLite files must exist (a typo must
 * not reconcile against a new, empty store).
 * @throws {CliUsageError} for an unknown scheme; {@link ConfigurationError} `dependency_missing`;
 * {@link StorageError} when the database cannot be opened or reached.
 */
export async function openStore({ url: spec, prefix }: StoreSpec, io: CliIo): Promise<OpenedStore> {
  if (spec.startsWith('sqlite:')) {
    const file = path.resolve(io.cwd, spec.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
    const { default: Database } = await importDriver('better-sqlite3', () => import('better-sqlite3'));
    const { sqliteStore } = await import('../storage/adapters/sqlite.js');
    let db: InstanceType<typeof Database>;
    try {
      db = new Database(file, { fileMustExist: true });
    } catch (error) {
      throw toStorageError(error, `open sqlite:${file}`);
    }
    let store: CashCodeStore;
    try {
      store = sqliteStore(db, prefix === undefined ? {} : { tablePrefix: prefix });
    } catch (error) {
      db.close();
      throw error;
    }
    return {
      store,
      close: async () => {
        db.close();
      },
    };
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const pg = await importDriver('pg', () => import('pg'));
    const { postgresStore } = await import('../storage/adapters/postgres.js');
    const pool = new pg.default.Pool({ connectionString: spec, max: 4, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => undefined);
    return openPool(spec, pool, () => postgresStore(pool, prefix === undefined ? {} : { tablePrefix: prefix }));
  }
  if (/^(mysql|mariadb):\/\//.test(spec)) return openMysql(spec, prefix, io);
  if (/^rediss?:\/\//.test(spec)) {
    const { Redis } = await importDriver('ioredis', () => import('ioredis'));
    const { redisStore } = await import('../storage/adapters/redis.js');
    const redis = new Redis(spec, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw toStorageError(error, `connect ${describeStore(spec)}`);
    }
    try {
      const store = redisStore(redis, prefix === undefined ? {} : { keyPrefix: prefix });
      return {
        store,
        close: async () => {
          await redis.quit();
        },
      };
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }
  throw new CliUsageError(
    `unknown store ${JSON.stringify(describeStore(spec))}: use sqlite:PATH, postgres://…, mysql://… or redis://….`,
  );
}

/** The environment variable the MySQL password is read from when the store URL carries none. */
export const MYSQL_PASSWORD_ENV = 'PAGOEFECTIVO_KIT_MYSQL_PASSWORD';

/** Open a MySQL / MariaDB store: `mysql://user[:password]@host:port/db` (a password only from the environment). */
async function openMysql(spec: string, prefix: string | undefined, io: CliIo): Promise<OpenedStore> {
  let url: URL;
  try {
    url = new URL(spec.replace(/^mariadb:/, 'mysql:'));
  } catch {
    throw new CliUsageError(`--store ${JSON.stringify(describeStore(spec))} is not a valid mysql:// URL.`);
  }
  const database = decodeURIComponent(url.pathname.slice(1));
  if (database === '') throw new CliUsageError('the mysql:// store URL names no database: mysql://USER@HOST:PORT/DB.');
  const password = url.password !== '' ? decodeURIComponent(url.password) : io.env[MYSQL_PASSWORD_ENV];
  const mysql = await importDriver('mysql2', () => import('mysql2/promise'));
  const { mysqlStore } = await import('../storage/adapters/mysql.js');
  const pool = mysql.default.createPool({
    host: url.hostname || '127.0.0.1',
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username) || 'root',
    ...(password === undefined || password === '' ? {} : { password }),
    database,
    connectionLimit: 4,
    connectTimeout: 10_000,
    charset: 'utf8mb4',
  });
  return openPool(spec, pool, () => mysqlStore(pool, prefix === undefined ? {} : { tablePrefix: prefix }));
}

/** Check that a SQL pool connects, then wrap it in its store; the pool is ended on any failure. */
async function openPool(
  spec: string,
  pool: { query(sql: string): Promise<unknown>; end(): Promise<void> },
  makeStore: () => CashCodeStore,
): Promise<OpenedStore> {
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw toStorageError(error, `connect ${describeStore(spec)}`);
  }
  try {
    return { store: makeStore(), close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
