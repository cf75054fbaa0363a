/**
 * Faults from outside the library for postgres.test.ts: the codes service on a PostgreSQL store and the
 * in-process fake PagoEfectivo, whose pool connections an admin connection terminates with
 * `pg_terminate_backend` (found by `application_name`), and the money invariants checked afterwards
 * over everything the store and the fake hold.
 */
import pg from 'pg';
import { expect } from 'vitest';
import { createPagoEfectivoClient } from '../../../src/client/index.js';
import { type CashCodes, createCashCodes } from '../../../src/index.js';
import type { CashCode } from '../../../src/model/code.js';
import { type PostgresStore, postgresStore } from '../../../src/storage/adapters/postgres.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../../src/testing/index.js';
import { FAKE_CREDENTIALS } from './protocol.js';

/** The first CIP number the fake hands out (its default); later ones increase by one. */
const FIRST_CIP = 2401557;

/** The service, its store and the fake, plus the controls that kill the pool's backends. */
export interface FaultRig {
  fake: FakePagoEfectivo;
  pool: pg.Pool;
  /** The service's store (its backends get killed). */
  store: PostgresStore;
  /** The same tables over a pool nobody kills, for the test's own reads. */
  check: PostgresStore;
  codes: CashCodes;
  /** Terminate every backend of the service's pool (whatever it is doing); resolves to how many. */
  kill(): Promise<number>;
  /** Kill the backends `delayMs` after the service sends its `statement`-th statement from now. */
  armKill(statement: number, delayMs?: number): void;
  /** Whether the armed kill was sent; disarms it. */
  disarm(): boolean;
  /** Every statement the service sent, in order. */
  readonly statements: string[];
  /** Backends terminated so far. */
  readonly terminated: number;
  close(): Promise<void>;
}

/**
 * Start the rig on tables `prefix*` (migrated here). Writes of log entries and events sleep a few ms
 * in a trigger, so that a kill sent just after such a statement lands while it runs, not after it.
 */
export async function startFaultRig(url: string, prefix: string, app: string): Promise<FaultRig> {
  const admin = new pg.Client({ connectionString: url, application_name: `${app}-admin` });
  await admin.connect();
  const pool = new pg.Pool({ connectionString: url, max: 6, application_name: app });
  // Terminated idle connections surface here; the pool drops them and opens new ones.
  pool.on('error', () => undefined);
  const statements: string[] = [];
  let sent = 0;
  let armed: { at: number; delayMs: number } | null = null;
  let fired = false;
  let terminated = 0;
  const kill = async (): Promise<number> => {
    const { rows } = await admin.query(
      'SELECT count(pg_terminate_backend(pid))::integer AS n FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    terminated += rows[0].n as number;
    return rows[0].n as number;
  };
  const watched = new Proxy(pool, {
    get(target, key) {
      if (key === 'query') {
        return (text: string, values?: unknown[]) => {
          statements.push(text);
          sent += 1;
          const running = target.query(text, values);
          if (armed !== null && sent === armed.at) {
            const { delayMs } = armed;
            armed = null;
            fired = true;
            setTimeout(() => void kill().catch(() => undefined), delayMs);
          }
          return running;
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  const store = postgresStore(watched, { tablePrefix: prefix });
  await store.migrate();
  const checkPool = new pg.Pool({ connectionString: url, max: 2, application_name: `${app}-check` });
  checkPool.on('error', () => undefined);
  const check = postgresStore(checkPool, { tablePrefix: prefix });
  await admin.query(`
    CREATE FUNCTION ${prefix}slow() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(0.02); RETURN NULL; END $$;
    CREATE TRIGGER ${prefix}slow_log AFTER INSERT ON ${prefix}log FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}slow();
    CREATE TRIGGER ${prefix}slow_events AFTER INSERT ON ${prefix}events
      FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}slow();`);

  const fake = createFakePagoEfectivo({ ...FAKE_CREDENTIALS, webhookRetryDelayMs: 0 });
  const client = createPagoEfectivoClient({
    ...FAKE_CREDENTIALS,
    baseUrl: fake.baseUrl,
    fetch: fake.fetch,
    retry: { retries: 0 },
  });
  // The sweeps below move only their `now` forward, so the settlement grace is off.
  const codes = createCashCodes({ client, store, settlementGraceMs: 0 });
  return {
    fake,
    pool,
    store,
    check,
    codes,
    kill,
    armKill(statement, delayMs = 5) {
      armed = { at: sent + statement, delayMs };
      fired = false;
    },
    disarm() {
      armed = null;
      return fired;
    },
    statements,
    get terminated() {
      return terminated;
    },
    async close() {
      await admin.query(`DROP FUNCTION IF EXISTS ${prefix}slow() CASCADE`);
      await admin.end();
      await Promise.all([pool.end(), checkPool.end()]);
    },
  };
}

/** Run `task`; on a rejection run it again, at most `retries` more times (a caller that retries). */
export async function withRetries<T>(task: () => Promise<T>, retries = 3): Promise<T | Error> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= retries) return error as Error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Every code of the rig's tables. */
export async function allCodes(store: PostgresStore): Promise<CashCode[]> {
  const found: CashCode[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listCodes({ limit: 1000, cursor });
    found.push(...page.codes);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return found;
}

/** A payment the fake made that the service must have refused or put in review, with its entry. */
export interface RefusedPayment {
  codeId: string;
  operationNumber: string;
}

/**
 * The money invariants: every paid code has exactly one `paid` entry and one `code.paid` event; no
 * order has two payable CIPs at the fake; no pending code points at a CIP deleted at the fake; every
 * refused payment has its entry; every payment the service answered 200 to is recorded.
 */
export async function expectMoneyInvariants(
  rig: FaultRig,
  refused: readonly RefusedPayment[],
  acknowledged: readonly string[] = [],
): Promise<{ codes: number; paid: number }> {
  const { check: store, fake } = rig;
  const codes = await allCodes(store);
  const byId = new Map(codes.map((code) => [code.id, code]));
  let paid = 0;
  for (const code of codes.filter((candidate) => candidate.status === 'paid')) {
    paid += 1;
    const entries = (await store.readLog(code.id)).filter((entry) => entry.type === 'paid');
    expect(entries, `paid entries of ${code.id}`).toHaveLength(1);
    const events = (await store.listEvents({ codeId: code.id, limit: 1000 })).events;
    expect(
      events.filter((outbox) => outbox.event.type === 'code.paid'),
      `code.paid events of ${code.id}`,
    ).toHaveLength(1);
  }
  const payable = new Map<string, string[]>();
  for (let cip = FIRST_CIP; ; cip += 1) {
    const held = fake.getCip(String(cip));
    if (held === undefined) break;
    const owner = byId.get(held.transactionCode);
    expect(owner, `CIP ${cip} belongs to a stored code`).toBeDefined();
    if (held.state !== 'generated') continue;
    payable.set(owner!.orderId, [...(payable.get(owner!.orderId) ?? []), held.cip]);
  }
  for (const [orderId, cips] of payable) expect(cips, `payable CIPs of order ${orderId}`).toHaveLength(1);
  for (const code of codes.filter((candidate) => candidate.status === 'pending' && candidate.cip !== null)) {
    expect(fake.getCip(code.cip!)?.state, `CIP of pending code ${code.id}`).not.toBe('deleted');
  }
  for (const payment of refused) {
    const entries = await store.readLog(payment.codeId);
    const recorded = entries.filter(
      (entry) =>
        (entry.type === 'payment_rejected' || entry.type === 'review') &&
        entry.data.operationNumber === payment.operationNumber,
    );
    expect(recorded.length, `entry of refused payment ${payment.operationNumber} on ${payment.codeId}`).toBeGreaterThan(
      0,
    );
  }
  for (const codeId of acknowledged) {
    expect(byId.get(codeId)?.status, `code ${codeId} whose payment was answered 200`).toBe('paid');
  }
  return { codes: codes.length, paid };
}
