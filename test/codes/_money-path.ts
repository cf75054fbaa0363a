/**
 * Shared fixtures of the money-path tests (judgement matrix, event delivery, resolve, faults, webhook
 * answers): the stores to run on, a "world" (fake PagoEfectivo + real client + codes service + real
 * webhook handler, all on the fake's clock), a fault-injecting store wrapper, and invariant checks.
 */
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createPagoEfectivoClient, type PagoEfectivoClient } from '../../src/client/index.js';
import { type CashCodes, type CashCodesOptions, createCashCodes } from '../../src/codes/index.js';
import { StorageError } from '../../src/errors.js';
import type { CashCode, LifecycleEntry } from '../../src/model/code.js';
import type { CodeEvent } from '../../src/model/events.js';
import { postgresStore } from '../../src/storage/adapters/postgres.js';
import { redisStore } from '../../src/storage/adapters/redis.js';
import { sqliteStore } from '../../src/storage/adapters/sqlite.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';
import type { FakePagoEfectivoOptions } from '../../src/testing/fake/types.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { formatLimaTimestamp } from '../../src/time/index.js';
import { createWebhookHandler, type WebhookHandlerOptions } from '../../src/webhooks/index.js';

export const SECRET = 'exampleSecretKey/abc+123=';
export const ACCESS_KEY = 'EXAMPLEACCESSKEY0001';
/** Monday 2 March 2026, 10:00 Lima time. */
export const START = new Date('2026-03-02T15:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** The default expiry of an issued code (policy default 24 h). */
export const EXPIRY_MS = 24 * HOUR;
/** The default settlement grace (10 min). */
export const GRACE_MS = 10 * MINUTE;

// ---------------------------------------------------------------------------------------------------
// Stores

/** An opened store and how to dispose of it. */
export interface OpenedStore {
  store: CashCodeStore;
  close(): Promise<void>;
}

/** A store the money-path tests run on; `skip` says why it cannot run here (shown in the test name). */
export interface StoreFactory {
  name: string;
  skip: string | null;
  /** Open a fresh, empty store whose TTLs and leases follow `now`. */
  open(now: () => Date): Promise<OpenedStore>;
}

function sqliteSkip(): string | null {
  try {
    const db = new Database(':memory:');
    const probe = sqliteStore(db) as Partial<CashCodeStore>;
    const ok = typeof probe.commitCode === 'function' && typeof probe.claimEvents === 'function';
    db.close();
    return ok ? null : 'the SQLite adapter has no commitCode/claimEvents yet';
  } catch (error) {
    return `the SQLite adapter cannot be opened: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const PG_URL = process.env.PAGOEFECTIVO_KIT_TEST_POSTGRES_URL;
const REDIS_URL = process.env.PAGOEFECTIVO_KIT_TEST_REDIS_URL;

function postgresSkip(): string | null {
  if (!PG_URL) return 'PAGOEFECTIVO_KIT_TEST_POSTGRES_URL is not set';
  const probe = postgresStore({ query: async () => ({ rows: [] }) } as never) as Partial<CashCodeStore>;
  return typeof probe.commitCode === 'function' && typeof probe.claimEvents === 'function'
    ? null
    : 'the PostgreSQL adapter has no commitCode/claimEvents yet';
}

let pgRun = 0;
const PG_RUN = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

export const STORES: readonly StoreFactory[] = [
  {
    name: 'memory',
    skip: null,
    open: async (now) => ({ store: memoryStore({ now }), close: async () => undefined }),
  },
  {
    name: 'sqlite',
    skip: sqliteSkip(),
    open: async (now) => {
      const db = new Database(':memory:');
      return { store: sqliteStore(db, { now: () => now().getTime() }), close: async () => void db.close() };
    },
  },
  {
    name: 'postgres',
    skip: postgresSkip(),
    open: async () => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
      pool.on('error', () => undefined);
      pgRun += 1;
      const prefix = `pek_mp_${PG_RUN}_${pgRun}_`;
      const store = postgresStore(pool, { tablePrefix: prefix });
      await store.migrate();
      return {
        store,
        close: async () => {
          const tables = ['events', 'log', 'counters', 'keys', 'orders', 'codes', 'schema_migrations'];
          await pool.query(`DROP TABLE IF EXISTS ${tables.map((name) => prefix + name).join(', ')} CASCADE`);
          await pool.end();
        },
      };
    },
  },
  {
    name: 'redis',
    skip: REDIS_URL ? null : 'PAGOEFECTIVO_KIT_TEST_REDIS_URL is not set',
    open: async () => {
      const redis = new Redis(REDIS_URL!, { lazyConnect: false });
      pgRun += 1;
      const prefix = `pek:mp:${PG_RUN}:${pgRun}:`;
      return {
        store: redisStore(redis, { keyPrefix: prefix }),
        close: async () => {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
            if (keys.length > 0) await redis.del(...keys);
            cursor = next;
          } while (cursor !== '0');
          redis.disconnect();
        },
      };
    },
  },
];

/** `describe` title of a store, naming why it is skipped. */
export const storeTitle = (factory: StoreFactory): string =>
  factory.skip === null ? `store: ${factory.name}` : `store: ${factory.name} (skipped: ${factory.skip})`;

// ---------------------------------------------------------------------------------------------------
// The world

/** One notification answer of the webhook handler, as the fake's delivery received it. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface World {
  fake: FakePagoEfectivo;
  client: PagoEfectivoClient;
  /** The store as the service sees it (possibly wrapped). */
  store: CashCodeStore;
  /** The store underneath any wrapper. */
  raw: CashCodeStore;
  codes: CashCodes;
  /** Every event `onEvent` received, in delivery order (redeliveries included). */
  delivered: CodeEvent[];
  /** What the webhook handler answered, in order. */
  answers: Answer[];
  handle: (request: Request) => Promise<Response>;
  now(): Date;
  advance(ms: number): Promise<void>;
  /** Another service instance on the same store and clock. */
  instance(overrides?: Partial<CashCodesOptions>): CashCodes;
  close(): Promise<void>;
}

export interface WorldOptions {
  codes?: Partial<CashCodesOptions>;
  fake?: Partial<FakePagoEfectivoOptions>;
  handler?: Partial<WebhookHandlerOptions>;
  /** Put something between the service (and the handler's dedupe) and the store. */
  wrapStore?: (store: CashCodeStore) => CashCodeStore;
  /** Do not wire the webhook handler as the fake's target. */
  noHandler?: boolean;
}

/** The fake PagoEfectivo + the real client + a store + the codes service + the real webhook handler. */
export async function createWorld(factory: StoreFactory, options: WorldOptions = {}): Promise<World> {
  const fake = createFakePagoEfectivo({
    serviceId: 1234,
    accessKey: ACCESS_KEY,
    secretKey: SECRET,
    start: START,
    ...options.fake,
  });
  const now = (): Date => fake.now();
  const client = createPagoEfectivoClient({
    serviceId: 1234,
    accessKey: ACCESS_KEY,
    secretKey: SECRET,
    baseUrl: fake.baseUrl,
    fetch: fake.fetch,
    now,
    retry: { retries: 0 },
  });
  const opened = await factory.open(now);
  const store = options.wrapStore?.(opened.store) ?? opened.store;
  const delivered: CodeEvent[] = [];
  const userOnEvent = options.codes?.onEvent;
  const codes = createCashCodes({
    client,
    store,
    now,
    ...options.codes,
    onEvent: async (event) => {
      delivered.push(event);
      await userOnEvent?.(event);
    },
  });
  const handler = createWebhookHandler({ secretKey: SECRET, codes, store, ...options.handler });
  const answers: Answer[] = [];
  const handle = async (request: Request): Promise<Response> => {
    const response = await handler(request);
    const text = await response.clone().text();
    answers.push({ status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) });
    return response;
  };
  if (options.noHandler !== true) fake.setWebhookTarget({ handler: handle });
  return {
    fake,
    client,
    store,
    raw: opened.store,
    codes,
    delivered,
    answers,
    handle,
    now,
    advance: async (ms) => {
      await fake.advance(ms);
    },
    instance: (overrides = {}) => createCashCodes({ client, store, now, ...overrides }),
    close: () => opened.close(),
  };
}

/** A valid issue input. */
export function order(orderId: string, amount = '120.00', currency: 'PEN' | 'USD' = 'PEN') {
  return { orderId, amount, currency, payer: { email: 'cliente@example.pe', firstName: 'Ana', lastName: 'Quispe' } };
}

let orderSeq = 0;
/** A fresh order id (unique per process, so shared durable stores never mix tests). */
export const newOrderId = (label: string): string => `${label}-${process.pid}-${++orderSeq}`;

// ---------------------------------------------------------------------------------------------------
// Reading back

/** Every outbox event (all states), oldest first, optionally of one code. */
export async function allEvents(store: CashCodeStore, codeId?: string): Promise<CodeEvent[]> {
  const events: CodeEvent[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listEvents({ limit: 1000, cursor, ...(codeId !== undefined && { codeId }) });
    events.push(...page.events.map((outbox) => outbox.event));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return events;
}

/** Every stored code. */
export async function allCodes(store: CashCodeStore): Promise<CashCode[]> {
  const codes: CashCode[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listCodes({ limit: 1000, cursor });
    codes.push(...page.codes);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return codes;
}

/** The event types that are about money (what a merchant ships, refunds or investigates on). */
export const MONEY_EVENTS: ReadonlySet<string> = new Set([
  'code.paid',
  'payment.review',
  'payment.rejected',
  'payment.refund_required',
]);

export const moneyTypes = (events: readonly CodeEvent[]): string[] =>
  events.filter((event) => MONEY_EVENTS.has(event.type)).map((event) => event.type);

export const entriesOf = (log: readonly LifecycleEntry[], type: string): LifecycleEntry[] =>
  log.filter((entry) => entry.type === type);

/** Deliver everything deliverable: move past every backoff and lease, drain until nothing is due. */
export async function drainAll(world: Pick<World, 'advance'>, codes: CashCodes, rounds = 6): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    const result = await codes.events.drain({ limit: 1000 });
    if (result.pending === 0) return;
    await world.advance(2 * HOUR);
  }
}

/** A settlement export with the default column mapping (src/reconcile/columns.ts). */
export function settlementCsv(
  rows: readonly {
    cip: string;
    amount: string;
    currency: string;
    paidAt: Date;
    operationNumber?: string;
    transactionCode?: string;
  }[],
): string {
  const header = 'CIP,Monto,Moneda,Fecha de Pago,Nro. Operación,Código de Transacción';
  const lines = rows.map((row) =>
    [
      row.cip,
      row.amount,
      row.currency,
      formatLimaTimestamp(row.paidAt),
      row.operationNumber ?? '',
      row.transactionCode ?? '',
    ].join(','),
  );
  return `${[header, ...lines].join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------------
// Fault injection

/** The methods of the store contract (everything the service may call). */
export const STORE_METHODS = [
  'claimOrder',
  'getCode',
  'getCodeByCip',
  'getCodeByOrder',
  'updateCode',
  'commitCode',
  'listCodes',
  'claimExpired',
  'consumeOnce',
  'putValue',
  'getValue',
  'takeValue',
  'deleteKey',
  'hit',
  'appendLog',
  'readLog',
  'appendRecords',
  'claimEvents',
  'settleEvent',
  'listEvents',
  'countEvents',
  'redriveEvent',
] as const;

export type StoreMethod = (typeof STORE_METHODS)[number];

/**
 * A fault rule: among the calls of `methods` (all if omitted), let `skip` through, then fail the next
 * `count` either `before` delegating (nothing happened) or `after` (it happened; the reply is lost).
 */
export interface FaultRule {
  methods?: readonly StoreMethod[];
  skip?: number;
  count?: number;
  when: 'before' | 'after';
}

export interface FaultyStore {
  store: CashCodeStore;
  /** Store calls made while recording, in order. */
  calls: StoreMethod[];
  /** Faults injected so far. */
  injected: { method: StoreMethod; when: 'before' | 'after' }[];
  record(on: boolean): void;
  arm(rule: FaultRule): void;
  disarm(): void;
}

/** Wrap any store so that chosen calls throw a `StorageError` before or after taking effect. */
export function faultyStore(inner: CashCodeStore): FaultyStore {
  let rule: (FaultRule & { skip: number; count: number }) | null = null;
  let recording = false;
  const calls: StoreMethod[] = [];
  const injected: FaultyStore['injected'] = [];
  const wrapped: Record<string, unknown> = { name: inner.name };
  for (const method of STORE_METHODS) {
    const original = (inner as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method];
    if (typeof original !== 'function') continue;
    wrapped[method] = async (...args: unknown[]): Promise<unknown> => {
      if (recording) calls.push(method);
      let fail: 'before' | 'after' | null = null;
      if (rule !== null && (rule.methods === undefined || rule.methods.includes(method))) {
        if (rule.skip > 0) rule.skip -= 1;
        else if (rule.count > 0) {
          rule.count -= 1;
          fail = rule.when;
        }
      }
      const fault = (): StorageError => {
        injected.push({ method, when: fail! });
        return new StorageError(`Store operation "${method}" failed: injected fault (${fail})`, {
          details: { operation: method, injected: true },
        });
      };
      if (fail === 'before') throw fault();
      const result = await original.apply(inner, args);
      if (fail === 'after') throw fault();
      return result;
    };
  }
  return {
    store: wrapped as unknown as CashCodeStore,
    calls,
    injected,
    record(on) {
      recording = on;
    },
    arm(next) {
      rule = { ...next, skip: next.skip ?? 0, count: next.count ?? 1 };
    },
    disarm() {
      rule = null;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Invariants of issue 10 at the service level

/** Every CIP the fake ever issued (numbers increase by one from `firstCip`). */
export function fakeCips(
  fake: FakePagoEfectivo,
  firstCip = 2_401_557,
): NonNullable<ReturnType<FakePagoEfectivo['getCip']>>[] {
  const cips = [];
  for (let number = firstCip; ; number += 1) {
    const cip = fake.getCip(String(number));
    if (cip === undefined) break;
    cips.push(cip);
  }
  return cips;
}

/**
 * The money-path invariants: each paid code has one `paid` entry (or one accepting `resolved` entry)
 * and one `code.paid` event that `onEvent` saw; no order has two payable CIPs; no pending code points at
 * a deleted CIP. Returns a list of violations (empty when all hold), so a failure names them all.
 */
export async function violations(world: World, seen: ReadonlySet<string>): Promise<string[]> {
  const problems: string[] = [];
  const codes = await allCodes(world.raw);
  for (const code of codes) {
    const log = await world.raw.readLog(code.id);
    const events = await allEvents(world.raw, code.id);
    const paidEvents = events.filter((event) => event.type === 'code.paid');
    if (code.status === 'paid') {
      const paidEntries =
        entriesOf(log, 'paid').length + log.filter((e) => e.type === 'resolved' && e.reason === 'accept').length;
      if (paidEntries !== 1) problems.push(`paid code ${code.id} has ${paidEntries} paid entries`);
      if (paidEvents.length !== 1) problems.push(`paid code ${code.id} has ${paidEvents.length} code.paid events`);
      for (const event of paidEvents) {
        if (!seen.has(event.id)) problems.push(`onEvent never saw ${event.id}`);
      }
    } else if (paidEvents.length > 0) {
      problems.push(`${code.status} code ${code.id} has a code.paid event`);
    }
    if (code.status === 'review' && entriesOf(log, 'review').length !== 1) {
      problems.push(`review code ${code.id} has ${entriesOf(log, 'review').length} review entries`);
    }
    if (code.status === 'pending' && code.cip !== null) {
      const state = world.fake.getCip(code.cip)?.state;
      if (state === 'deleted' || state === undefined)
        problems.push(`pending code ${code.id} holds CIP ${code.cip} (${String(state)})`);
    }
  }
  const byId = new Map(codes.map((code) => [code.id, code]));
  const payable = new Map<string, string[]>();
  for (const cip of fakeCips(world.fake)) {
    if (cip.state !== 'generated') continue;
    const owner = byId.get(cip.transactionCode);
    const orderId = owner?.orderId ?? `(no stored code ${cip.transactionCode})`;
    payable.set(orderId, [...(payable.get(orderId) ?? []), cip.cip]);
  }
  for (const [orderId, cips] of payable) {
    if (cips.length > 1) problems.push(`order ${orderId} has ${cips.length} payable CIPs: ${cips.join(', ')}`);
    if (orderId.startsWith('(no stored code'))
      problems.push(`payable CIP ${cips.join(', ')} belongs to no stored code`);
  }
  return problems;
}
