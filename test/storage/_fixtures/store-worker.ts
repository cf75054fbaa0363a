// A worker OS process for multiprocess.test.ts, started with `node --import tsx`. It opens its own
// connection to the shared store named in argv[2], tells the parent it is ready, then runs each task
// the parent sends over IPC with many concurrent calls and sends the results back.
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createPagoEfectivoClient } from '../../../src/client/index.js';
import { createCashCodes } from '../../../src/codes/index.js';
import type { CashCode } from '../../../src/model/code.js';
import { mysqlStore } from '../../../src/storage/adapters/mysql.js';
import { postgresStore } from '../../../src/storage/adapters/postgres.js';
import { redisStore } from '../../../src/storage/adapters/redis.js';
import { sqliteStore } from '../../../src/storage/adapters/sqlite.js';
import type { CashCodeStore } from '../../../src/storage/contract.js';
import { FAKE_CREDENTIALS, type StoreSpec, type Task, type WorkerMessage } from './protocol.js';

interface Opened {
  store: CashCodeStore;
  close(): Promise<void>;
}

async function open(spec: StoreSpec): Promise<Opened> {
  if (spec.kind === 'sqlite') {
    const db = new Database(spec.file);
    return { store: sqliteStore(db, { tablePrefix: spec.prefix }), close: async () => void db.close() };
  }
  if (spec.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: spec.url, max: 5 });
    pool.on('error', () => undefined);
    const store = postgresStore(pool, { tablePrefix: spec.prefix });
    // Every worker migrates at start-up, at the same time: the advisory lock must serialise them.
    await store.migrate();
    return { store, close: () => pool.end() };
  }
  if (spec.kind === 'mysql') {
    const pool = mysql.createPool({ uri: spec.url, connectionLimit: 5 });
    const store = mysqlStore(pool, { tablePrefix: spec.prefix });
    // Every worker migrates at start-up, at the same time: the named lock must serialise them.
    await store.migrate();
    return { store, close: () => pool.end() };
  }
  // Connect up front: an unreachable server makes the worker exit at once (and the test fail).
  const redis = new Redis(spec.url, { lazyConnect: true });
  await redis.connect();
  return { store: redisStore(redis, { keyPrefix: spec.prefix }), close: async () => void redis.disconnect() };
}

/** A reservation as the codes service writes it (no CIP yet), unique to this worker and call. */
function reservation(orderId: string, id: string): CashCode {
  const now = new Date();
  return {
    id,
    orderId,
    status: 'reserving',
    version: 1,
    cip: null,
    cipUrl: null,
    amount: '25.00',
    amountMinor: 2500,
    currency: 'PEN',
    fx: null,
    payer: { email: 'comprador@example.pe' },
    expiresAt: new Date(now.getTime() + 86_400_000),
    createdAt: now,
    updatedAt: now,
    leaseUntil: new Date(now.getTime() + 60_000),
    payment: null,
    metadata: {},
  };
}

async function run(store: CashCodeStore, task: Task): Promise<unknown> {
  const calls = Array.from({ length: task.calls }, (_, index) => index);
  switch (task.type) {
    case 'claim':
      return Promise.all(
        calls.map(async (index) => {
          const orderId = task.orderIds[index % task.orderIds.length]!;
          const result = await store.claimOrder(reservation(orderId, `${task.tag}-${process.pid}-${index}`));
          return { orderId, winner: result.claimed ? result.code.id : result.current.id, claimed: result.claimed };
        }),
      );
    case 'consume':
      return Promise.all(calls.map((index) => store.consumeOnce(task.keys[index % task.keys.length]!, 60_000)));
    case 'drain': {
      const taken: string[] = [];
      const options = { now: new Date(task.cutoffMs), limit: task.limit, leaseMs: 60_000 };
      const drainOne = async (): Promise<void> => {
        for (
          let batch = await store.claimExpired(options);
          batch.length > 0;
          batch = await store.claimExpired(options)
        ) {
          taken.push(...batch.map((code) => code.id));
        }
      };
      await Promise.all(calls.map(drainOne));
      return taken;
    }
    case 'issue': {
      const client = createPagoEfectivoClient({ ...FAKE_CREDENTIALS, baseUrl: task.baseUrl, retry: { retries: 0 } });
      const codes = createCashCodes({ client, store });
      return Promise.all(
        calls.map(async (index) => {
          const orderId = task.orderIds[index % task.orderIds.length]!;
          const payer = { email: 'comprador@example.pe', firstName: 'José' };
          const { code, created } = await codes.issue({ orderId, amount: '25.00', currency: 'PEN', payer });
          return { orderId, codeId: code.id, cip: code.cip, created };
        }),
      );
    }
    case 'sweep': {
      const client = createPagoEfectivoClient({ ...FAKE_CREDENTIALS, baseUrl: task.baseUrl, retry: { retries: 0 } });
      // The test moves only the sweep's `now` forward (the fake's CIPs expire at real time), so the
      // settlement grace, judged on the service clock, is turned off: this test is about two sweepers.
      const codes = createCashCodes({ client, store, settlementGraceMs: 0 });
      const summaries = [];
      // Sweep until a pass finds nothing due: the other sweeper holds or has settled the rest.
      for (let pass = 0; pass < 50; pass += 1) {
        const summary = await codes.sweepExpired({ now: new Date(task.nowMs), limit: task.limit });
        summaries.push(summary);
        if (summary.expired + summary.skipped + summary.errors + summary.paid === 0) break;
      }
      return summaries;
    }
  }
}

const send = (message: WorkerMessage): void => {
  process.send?.(message);
};

const spec = JSON.parse(process.argv[2] ?? '{}') as StoreSpec;
const opened = await open(spec);
let queue = Promise.resolve();
process.on('message', (message: Task | { type: 'stop' }) => {
  queue = queue.then(async () => {
    if (message.type === 'stop') {
      await opened.close();
      process.disconnect();
      return;
    }
    try {
      send({ type: 'result', value: await run(opened.store, message) });
    } catch (error) {
      send({ type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  });
});
send({ type: 'ready' });
