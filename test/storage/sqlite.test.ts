import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CashCode } from '../../src/model/code.js';
import { SQLITE_STORE_SCHEMA_VERSION, sqliteStore } from '../../src/storage/adapters/sqlite.js';
import { describeStoreConformance } from '../../src/testing/conformance.js';
import { rejection, sampleCode } from './_fixtures/records.js';

const api = { describe, it, beforeEach, afterEach };
const dir = mkdtempSync(join(tmpdir(), 'pek-sqlite-'));
let files = 0;
const newFile = (): string => join(dir, `store-${files++}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A file database on the wall clock: real fsyncs, WAL, real waits for TTLs.
describeStoreConformance(
  'sqlite (file)',
  () => {
    const db = new Database(newFile());
    return { store: sqliteStore(db), dispose: () => void db.close() };
  },
  { api },
);

// `:memory:` with the suite's manual clock: the TTL tests move time instead of waiting.
let manual = Date.UTC(2026, 2, 1, 15);
describeStoreConformance(
  'sqlite (:memory:, manual clock)',
  ({ now }) => {
    const db = new Database(':memory:');
    return { store: sqliteStore(db, { now }), dispose: () => void db.close() };
  },
  {
    api,
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
    const versions = db.prepare('SELECT version FROM pagoefectivo_schema_migrations').all();
    expect(versions).toEqual([{ version: SQLITE_STORE_SCHEMA_VERSION }]);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    for (const prefix of ['pagoefectivo_', 'tenant_b_']) {
      for (const name of ['codes', 'counters', 'keys', 'log', 'orders', 'schema_migrations']) {
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
