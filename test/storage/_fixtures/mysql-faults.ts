/**
 * MySQL / MariaDB fixtures for mysql.test.ts: a pool whose statements run through the conformance
 * suite's fault controller, and a pool whose connections an admin connection kills with `KILL <id>`
 * (mid-transaction, at a chosen statement of the service) for the money-path fault tests.
 */
import mysql from 'mysql2/promise';
import { createPagoEfectivoClient } from '../../../src/client/index.js';
import { createCashCodes } from '../../../src/codes/index.js';
import type { CashCodeProvider } from '../../../src/model/provider.js';
import type { CashCodeStore } from '../../../src/storage/contract.js';
import type { StoreFaults } from '../../../src/testing/conformance.js';
import { noticeFromBody } from '../../codes/_harness.js';
import { type ServiceRig, serviceRig } from './service-faults.js';

/** The credentials of service-faults.ts's fake PagoEfectivo. */
const CREDENTIALS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };

type Call = (...args: unknown[]) => unknown;

/** Open a pool on `url` whose sessions use `timeZone` (a session time_zone other than UTC by default). */
export function mysqlPool(url: string, connectionLimit = 10, timeZone = '+09:00'): mysql.Pool {
  const pool = mysql.createPool({ uri: url, connectionLimit, charset: 'utf8mb4' });
  // Every new connection gets a session time zone far from UTC: instants must not move with it.
  pool.pool.on('connection', (connection) => {
    connection.query(`SET time_zone = '${timeZone}'`);
  });
  return pool;
}

/** A connection (or the pool) whose `query`/`execute` go through `wrap`; everything else is the target. */
function routed<T extends object>(target: T, wrap: (run: () => unknown) => unknown): T {
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key, object) as unknown;
      if ((key === 'query' || key === 'execute') && typeof value === 'function') {
        return (...args: unknown[]) => wrap(() => (value as Call).apply(object, args));
      }
      return typeof value === 'function' ? (value as Call).bind(object) : value;
    },
  });
}

/**
 * A mysql2/promise Pool whose statements (on the pool and on every checked-out connection) run through
 * `faults.intercept`. A fault before a statement never reaches the server; a fault after COMMIT is a
 * commit whose acknowledgement was lost; a fault after any other statement rolls its transaction back.
 */
export function faultyMysqlPool(pool: mysql.Pool, faults: StoreFaults): mysql.Pool {
  const wrap = (run: () => unknown): unknown => faults.intercept(run);
  return new Proxy(pool, {
    get(target, key) {
      if (key === 'getConnection') {
        return async () => routed(await target.getConnection(), wrap);
      }
      const value = Reflect.get(target, key, target) as unknown;
      if ((key === 'query' || key === 'execute') && typeof value === 'function') {
        return (...args: unknown[]) => wrap(() => (value as Call).apply(target, args));
      }
      return typeof value === 'function' ? (value as Call).bind(target) : value;
    },
  });
}

/** A pool whose statements are counted, and whose connections an admin connection can kill. */
export interface KillablePool {
  /** Hand this to the store under test. */
  pool: mysql.Pool;
  /** `KILL` every connection of the pool (whatever it is doing); resolves to how many. */
  kill(): Promise<number>;
  /**
   * Kill the connections at the `statement`-th statement from now: `before` it is sent (its
   * transaction so far is rolled back by the server, and the statement meets a dead connection), or
   * `delayMs` after it was sent (while it runs, or just after: a lost reply).
   */
  armKill(statement: number, when?: 'before' | 'after', delayMs?: number): void;
  /** Whether the armed kill was sent; disarms it. */
  disarm(): boolean;
  /** Every statement sent, in order. */
  readonly statements: string[];
  /** Connections killed so far. */
  readonly killed: number;
  close(): Promise<void>;
}

/**
 * A pool on `url` whose connections are tracked by their server thread id, plus an admin connection
 * that kills them with `KILL <id>` (the server rolls back whatever transaction the connection had open).
 */
export async function killablePool(url: string, connectionLimit = 6): Promise<KillablePool> {
  const admin = await mysql.createConnection({ uri: url });
  const pool = mysqlPool(url, connectionLimit);
  const threads = new Set<number>();
  pool.pool.on('connection', (connection) => {
    const id = connection.threadId;
    if (id !== null) threads.add(id);
    connection.on('error', () => undefined);
    connection.on('end', () => id !== null && threads.delete(id));
  });
  const statements: string[] = [];
  let sent = 0;
  let armed: { at: number; when: 'before' | 'after'; delayMs: number } | null = null;
  let fired = false;
  let killed = 0;
  const kill = async (): Promise<number> => {
    let count = 0;
    for (const id of [...threads]) {
      threads.delete(id);
      // A thread that already ended answers "unknown thread": nothing to kill.
      if (
        await admin.query(`KILL ${id}`).then(
          () => true,
          () => false,
        )
      )
        count += 1;
    }
    killed += count;
    return count;
  };
  const count = (run: () => unknown, args: unknown[]): unknown => {
    statements.push(String(args[0]));
    sent += 1;
    if (armed === null || sent !== armed.at) return run();
    const { when, delayMs } = armed;
    armed = null;
    fired = true;
    if (when === 'before') return kill().then(run);
    const running = run();
    setTimeout(() => void kill().catch(() => undefined), delayMs);
    return running;
  };
  const watched = new Proxy(pool, {
    get(target, key) {
      if (key === 'getConnection') {
        return async () => {
          const connection = await target.getConnection();
          return new Proxy(connection, {
            get(object, name) {
              const value = Reflect.get(object, name, object) as unknown;
              if ((name === 'query' || name === 'execute') && typeof value === 'function') {
                return (...args: unknown[]) => count(() => (value as Call).apply(object, args), args);
              }
              return typeof value === 'function' ? (value as Call).bind(object) : value;
            },
          });
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      if ((key === 'query' || key === 'execute') && typeof value === 'function') {
        return (...args: unknown[]) => count(() => (value as Call).apply(target, args), args);
      }
      return typeof value === 'function' ? (value as Call).bind(target) : value;
    },
  });
  return {
    pool: watched,
    kill,
    armKill(statement, when = 'before', delayMs = 1) {
      armed = { at: sent + statement, when, delayMs };
      fired = false;
    },
    disarm() {
      armed = null;
      return fired;
    },
    statements,
    get killed() {
      return killed;
    },
    async close() {
      await admin.end();
      await pool.end();
    },
  };
}

/**
 * {@link serviceRig} with a short reservation lease (`leaseMs`): in the chaos run a kill can orphan a
 * `reserving` code, which holds its order until the lease lapses (60 s by default) and is then taken
 * over; a short lease keeps the run bounded and exercises those take-overs.
 */
export function shortLeaseRig(store: CashCodeStore, leaseMs: number): ServiceRig {
  const rig = serviceRig(store);
  const client = createPagoEfectivoClient({
    ...CREDENTIALS,
    baseUrl: rig.fake.baseUrl,
    fetch: rig.fake.fetch,
    retry: { retries: 0 },
  });
  const provider: CashCodeProvider = {
    createCip: async (input) => {
      const created = await client.createCip(input);
      rig.cips.push(created.cip);
      return created;
    },
    searchCips: (numbers) => client.searchCips(numbers),
    updateCipExpiry: (cip, date) => client.updateCipExpiry(cip, date),
    deleteCip: (cip) => client.deleteCip(cip),
  };
  const fast = createCashCodes({
    client: provider,
    store,
    settlementGraceMs: 0,
    leaseMs,
    onEvent: (event) => void rig.delivered.push(event),
  });
  rig.fake.setWebhookTarget({
    handler: async (request) => {
      try {
        const outcome = await fast.applyPayment(noticeFromBody(await request.text()));
        return new Response(outcome.kind, { status: 200 });
      } catch {
        return new Response('store unavailable', { status: 503 });
      }
    },
  });
  return { ...rig, codes: fast };
}
