import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CashCode } from '../../src/model/code.js';
import { migrateSqlite } from '../../src/storage/adapters/_internal/sqlite/schema.js';
import { SQLITE_STORE_SCHEMA_VERSION, sqliteStore } from '../../src/storage/adapters/sqlite.js';
import { describeStoreConformance } from '../../src/testing/conformance.js';
import { faultySqlite } from './_fixtures/faults.js';
import { rejection, sampleCode } from './_fixtures/records.js';

const api = { describe, it, beforeEach, afterEach };
const dir = mkdtempSync(join(tmpdir(), 'pek-sqlite-'));
let files = 0;
const newFile = (): string => join(dir, `store-${files++}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A file database on the wall clock: real fsyncs, WAL, real waits for TTLs.
describeStoreConformance(
  'sqlite (file)',
  ({ faults }) => {
    const db = new Database(newFile());
    return { store: sqliteStore(faultySqlite(db, faults)), dispose: () => void db.close() };
  },
  { api, faultInjection: true },
);

// `:memory:` with the suite's manual clock: the TTL tests move time instead of waiting.
let manual = Date.UTC(2026, 2, 1, 15);
describeStoreConformance(
  'sqlite (:memory:, manual clock)',
  ({ now, faults }) => {
    const db = new Database(':memory:');
    return { store: sqliteStore(faultySqlite(db, faults), { now }), dispose: () => void db.close() };
  },
  {
    api,
    faultInjection: true,
    clock: {
      now: () => manual,
      sleep: async (ms) => {
        manual += ms;
      },
    },
  },
);

function code(overrides: Partial<CashCode> = {}): CashCode {
  return sampleCode({ id: 'code-1', orderId: 'order-1', status: 'pending', cip: '2401557', ...overrides });
}

describe('sqliteStore', () => {
  it('sets busy_timeout and WAL on a file database; :memory: keeps its journal; wal: false keeps yours', () => {
    const file = new Database(newFile());
    sqliteStore(file, { busyTimeoutMs: 1234 });
    expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(file.pragma('busy_timeout', { simple: true })).toBe(1234);
    const memory = new Database(':memory:');
    sqliteStore(memory);
    expect(memory.pragma('journal_mode', { simple: true })).toBe('memory');
    const kept = new Database(newFile());
    sqliteStore(kept, { wal: false });
    expect(kept.pragma('journal_mode', { simple: true })).toBe('delete');
    for (const db of [file, memory, kept]) db.close();
  });

  it('creates its tables once, records the schema version, and keeps prefixes apart', async () => {
    const db = new Database(newFile());
    const first = sqliteStore(db);
    const again = sqliteStore(db);
    const other = sqliteStore(db, { tablePrefix: 'tenant_b_' });
    const versions = db.prepare('SELECT version FROM pagoefectivo_schema_migrations ORDER BY version').all();
    expect(versions).toEqual(
      Array.from({ length: SQLITE_STORE_SCHEMA_VERSION }, (_, index) => ({ version: index + 1 })),
    );
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    for (const prefix of ['pagoefectivo_', 'tenant_b_']) {
      for (const name of ['codes', 'counters', 'events', 'keys', 'log', 'orders', 'schema_migrations']) {
        expect(tables).toContain(`${prefix}${name}`);
      }
    }
    await first.claimOrder(code());
    expect(await again.getCode('code-1')).toEqual(code());
    expect(await other.getCode('code-1')).toBeNull();
    db.close();
  });

  it('refuses a table prefix that is not a lowercase identifier', () => {
    const db = new Database(':memory:');
    for (const tablePrefix of ['', 'Upper_', 'bad-prefix', 'x"; DROP TABLE y; --', '1abc', 'a'.repeat(41)]) {
      expect(() => sqliteStore(db, { tablePrefix })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    }
    db.close();
  });

  it('a failure inside claimOrder rolls the whole claim back: no code, no order pointer', async () => {
    const db = new Database(newFile());
    const store = sqliteStore(db);
    // Make the second write of the claim (the order pointer) fail after the code row was inserted.
    db.exec(`CREATE TRIGGER fail_pointer BEFORE INSERT ON pagoefectivo_orders
             BEGIN SELECT RAISE(ABORT, 'disk full while writing the order pointer'); END`);
    const error = await rejection(store.claimOrder(code()));
    expect(error.code).toBe('storage_error');
    expect(error.message).toContain('sqlite.claimOrder');
    db.exec('DROP TRIGGER fail_pointer');
    expect(await store.getCode('code-1')).toBeNull();
    expect(await store.getCodeByCip('2401557')).toBeNull();
    expect(await store.getCodeByOrder('order-1')).toBeNull();
    expect(await store.claimOrder(code())).toEqual({ claimed: true, code: code() });
    db.close();
  });

  it('a write lock held by another connection past busy_timeout rejects with a StorageError', async () => {
    const file = newFile();
    const other = new Database(file);
    const db = new Database(file);
    const store = sqliteStore(db, { busyTimeoutMs: 0 });
    other.exec('BEGIN IMMEDIATE');
    const error = await rejection(store.claimOrder(code()));
    expect(error.code).toBe('storage_error');
    expect((error.cause as { code?: string }).code).toBe('SQLITE_BUSY');
    other.exec('ROLLBACK');
    expect(await store.getCode('code-1')).toBeNull();
    expect(await store.claimOrder(code())).toEqual({ claimed: true, code: code() });
    other.close();
    db.close();
  });

  it('a closed database makes every operation reject with a StorageError (the factory throws one)', async () => {
    const db = new Database(newFile());
    const store = sqliteStore(db);
    db.close();
    for (const pending of [
      store.claimOrder(code()),
      store.getCode('code-1'),
      store.updateCode(code({ version: 2 }), 1),
      store.consumeOnce('webhook:1', 1000),
      store.hit('ip:1', 3, 1000),
      store.readLog('code-1'),
    ]) {
      expect((await rejection(pending)).code).toBe('storage_error');
    }
    expect(() => sqliteStore(db)).toThrow(expect.objectContaining({ code: 'storage_error' }));
  });

  it('a read-only database without the tables cannot be opened', () => {
    const file = newFile();
    new Database(file).close();
    const readonly = new Database(file, { readonly: true });
    expect(() => sqliteStore(readonly)).toThrow(expect.objectContaining({ code: 'storage_error' }));
    readonly.close();
  });

  it('purgeExpired deletes expired markers, values and counters and keeps live ones', async () => {
    let now = Date.UTC(2026, 2, 1);
    const db = new Database(':memory:');
    const store = sqliteStore(db, { now: () => now });
    await store.consumeOnce('webhook:old', 1000);
    await store.putValue('share:old', 'x', 1000);
    await store.hit('ip:old', 5, 1000);
    await store.consumeOnce('webhook:live', 60_000);
    now += 5000;
    expect(await store.purgeExpired()).toBe(3);
    expect(await store.purgeExpired()).toBe(0);
    expect(await store.consumeOnce('webhook:live', 60_000)).toBe(false);
    db.close();
  });
});

describe('sqliteStore: schema v2 (atomic commits and the event outbox)', () => {
  it('upgrades a 0.1 (schema v1) file in place: its codes, logs, markers, values and counters read back', async () => {
    let now = Date.UTC(2026, 2, 1, 15);
    const db = new Database(newFile());
    migrateSqlite(db, 'pagoefectivo_', now, 1);
    // Rows exactly as 0.1 wrote them: no write id, log entries without ids, no owners, no hit ids.
    const old = code({ status: 'pending' });
    db.prepare(
      `INSERT INTO pagoefectivo_codes (id, order_id, status, version, cip, expires_at, updated_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      old.id,
      old.orderId,
      old.status,
      old.version,
      old.cip,
      old.expiresAt.getTime(),
      old.updatedAt.getTime(),
      JSON.stringify(old),
    );
    db.prepare('INSERT INTO pagoefectivo_orders (order_id, code_id) VALUES (?, ?)').run(old.orderId, old.id);
    const entry = {
      subject: old.id,
      orderId: old.orderId,
      cip: old.cip,
      type: 'created',
      actor: 'merchant',
      at: new Date(now),
      reason: null,
      from: 'reserving',
      to: 'pending',
      data: { n: 1 },
    } as const;
    db.prepare('INSERT INTO pagoefectivo_log (subject, entry) VALUES (?, ?)').run(old.id, JSON.stringify(entry));
    db.prepare(
      "INSERT INTO pagoefectivo_keys (kind, key, value, expires_at) VALUES ('once', 'webhook:1', NULL, ?)",
    ).run(now + 60_000);
    db.prepare(
      "INSERT INTO pagoefectivo_keys (kind, key, value, expires_at) VALUES ('value', 'share:1', 'secret', ?)",
    ).run(now + 60_000);
    db.prepare('INSERT INTO pagoefectivo_counters (key, count, reset_at) VALUES (?, ?, ?)').run(
      'ip:1',
      2,
      now + 60_000,
    );

    const store = sqliteStore(db, { now: () => now });
    const versions = db.prepare('SELECT version FROM pagoefectivo_schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual([1, 2, 3]);
    expect(await store.getCode(old.id)).toEqual(old);
    expect(await store.getCodeByOrder(old.orderId)).toEqual(old);
    expect(await store.getCodeByCip(old.cip!)).toEqual(old);
    expect(await store.readLog(old.id)).toEqual([entry]);
    expect(await store.consumeOnce('webhook:1', 1000)).toBe(false);
    expect(await store.getValue('share:1')).toBe('secret');
    expect(await store.hit('ip:1', 3, 60_000)).toMatchObject({ allowed: true, count: 3 });
    // The new statuses and the outbox work on the upgraded file.
    const review = { ...old, status: 'review' as const, version: 2, updatedAt: new Date(now) };
    const event = {
      id: 'ev-1',
      type: 'payment.review' as const,
      codeId: old.id,
      orderId: old.orderId,
      cip: old.cip,
      at: new Date(now),
      source: 'webhook' as const,
      data: {},
    };
    const commit = {
      code: review,
      expectedVersion: 1,
      writeId: 'w-1',
      entries: [{ ...entry, id: 'e-1', type: 'review' as const }],
      events: [event],
    };
    expect(await store.commitCode(commit)).toBe(true);
    expect(await store.commitCode(commit)).toBe(true);
    expect(await store.readLog(old.id)).toHaveLength(2);
    expect(await store.countEvents('pending')).toBe(1);
    expect(await store.claimExpired({ now: new Date(now + 10 * 86_400_000), limit: 10, leaseMs: 1000 })).toEqual([]);
    now += 1;
    db.close();
  });

  it('claimEvents, countEvents and claimExpired read indexes, never a scan of every event or code', async () => {
    const db = new Database(':memory:');
    const texts: string[] = [];
    const recording = new Proxy(db, {
      get(target, key) {
        if (key === 'prepare') {
          return (text: string) => {
            texts.push(text);
            return target.prepare(text);
          };
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    sqliteStore(recording);
    const plans = texts
      .filter((text) =>
        /FROM pagoefectivo_events e|count\(\*\) AS n FROM pagoefectivo_events|sweep_lease_owner = @owner/.test(text),
      )
      .map((text) => db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(placeholders(text)) as { detail: string }[]);
    expect(plans).toHaveLength(3);
    for (const plan of plans) {
      const details = plan.map((row) => row.detail);
      expect(
        details.filter((detail) => /^SCAN (pagoefectivo_|e\b|o\b|c\b)/.test(detail)),
        details.join('\n'),
      ).toEqual([]);
    }
    db.close();
  });
});

/** Dummy bindings for every parameter of `text` (named `@x` or positional `?`). */
function placeholders(text: string): Record<string, unknown> | unknown[] {
  const named = [...text.matchAll(/@(\w+)/g)].map((match) => match[1]!);
  if (named.length > 0) return Object.fromEntries(named.map((name) => [name, name === 'owner' ? 'w' : 1]));
  return Array.from(text.matchAll(/\?/g), () => 'pending');
}
