/**
 * The SQLite store at scale (issue #12): every sweep, listing and log-page statement reads an index,
 * never a scan of the table; schema v3 upgrades a v2 file with its data in place; and the operations
 * added for scale behave as the contract says.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/12
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { CashCode } from '../../src/model/code.js';
import { purgeCountersSql, purgeKeysSql } from '../../src/storage/adapters/_internal/sqlite/keys.js';
import {
  dueCodesSql,
  type ListShape,
  legacyReservationsSql,
  listCodesShapes,
  listCodesSql,
  staleReservationsSql,
} from '../../src/storage/adapters/_internal/sqlite/listing.js';
import { logPageSql } from '../../src/storage/adapters/_internal/sqlite/records.js';
import { migrateSqlite } from '../../src/storage/adapters/_internal/sqlite/schema.js';
import { SQLITE_STORE_SCHEMA_VERSION, sqliteStore } from '../../src/storage/adapters/sqlite.js';
import { sampleCode } from './_fixtures/records.js';
import { describeScaleMethods } from './_fixtures/scale-methods.js';
import { startWorkers } from './_fixtures/workers.js';

const P = 'pagoefectivo_';
const dir = mkdtempSync(join(tmpdir(), 'pek-sqlite-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeScaleMethods('sqlite', async () => {
  let clock = Date.UTC(2026, 2, 1, 15);
  const store = sqliteStore(new Database(':memory:'), { now: () => clock });
  return {
    store,
    advance: async (ms) => {
      clock += ms;
    },
  };
});

/** Bindings for every named parameter of `text`. */
function bindings(text: string): Record<string, unknown> {
  const value = (name: string): unknown => {
    if (/^s\d+$/.test(name)) return ['pending', 'paid', 'expired'][Number(name.slice(1))];
    if (name === 'after' || name === 'owner' || name === 'subject') return 'code-1000';
    return Date.UTC(2026, 2, 1, 15);
  };
  return Object.fromEntries([...text.matchAll(/@(\w+)/g)].map(([, name]) => [name!, value(name!)]));
}

/** The plan's steps that read a table without an index (a scan of a subquery's few rows is fine). */
function tableScans(details: string[]): string[] {
  return details.filter(
    (detail) =>
      /^SCAN /.test(detail) && !/^SCAN \(subquery-\d+\)/.test(detail) && !/ USING (COVERING )?INDEX /.test(detail),
  );
}

describe('sqlite at scale: every sweep, listing and log-page statement reads an index', () => {
  const db = new Database(':memory:');
  const store = sqliteStore(db);
  const statuses: CashCode['status'][] = ['reserving', 'pending', 'paid', 'expired', 'cancelled', 'review'];

  it('seeds a fresh table with a few thousand codes, log entries, keys and counters (no ANALYZE)', async () => {
    const base = Date.UTC(2026, 2, 1, 15);
    for (let i = 0; i < 3000; i += 1) {
      const status = statuses[i % statuses.length]!;
      await store.claimOrder(
        sampleCode({
          id: `code-${String(i).padStart(5, '0')}`,
          status,
          cip: status === 'reserving' ? null : String(100000 + i),
          leaseUntil: status === 'reserving' ? new Date(base + i) : null,
          expiresAt: new Date(base + i * 1000),
          updatedAt: new Date(base + i * 1000),
        }),
      );
    }
    const append = db.prepare(`INSERT INTO ${P}log (subject, entry_id, entry) VALUES (?, ?, '{}')`);
    const key = db.prepare(`INSERT INTO ${P}keys (kind, key, value, expires_at) VALUES ('once', ?, NULL, ?)`);
    const counter = db.prepare(`INSERT INTO ${P}counters (key, count, reset_at) VALUES (?, 1, ?)`);
    db.transaction(() => {
      for (let i = 0; i < 3000; i += 1) {
        append.run(`code-${String(i % 30).padStart(5, '0')}`, `e-${i}`);
        key.run(`k-${i}`, base + i);
        counter.run(`c-${i}`, base + i);
      }
    })();
    expect(db.prepare(`SELECT count(*) FROM ${P}codes`).pluck().get()).toBe(3000);
  });

  const cases: { name: string; text: string; index: string; sorts: boolean }[] = [
    { name: 'claimExpired (sweep)', text: dueCodesSql(P), index: 'codes_due_idx', sorts: false },
    { name: 'listStaleReservations', text: staleReservationsSql(P), index: 'codes_reserve_idx', sorts: false },
    {
      name: 'listStaleReservations (rows of 0.2 processes)',
      text: legacyReservationsSql(P),
      index: 'codes_reserve_idx',
      sorts: false,
    },
    { name: 'readLogPage (newest)', text: logPageSql(P, false), index: 'log_subject_idx', sorts: false },
    { name: 'readLogPage (before)', text: logPageSql(P, true), index: 'log_subject_idx', sorts: false },
    { name: 'purgeExpired (keys)', text: purgeKeysSql(P), index: 'keys_expiry_idx', sorts: false },
    { name: 'purgeExpired (counters)', text: purgeCountersSql(P), index: 'counters_reset_idx', sorts: false },
    ...listCodesShapes(3).map((shape: ListShape) => ({
      name: `listCodes ${JSON.stringify(shape)}`,
      text: listCodesSql(P, shape),
      index: shape.statuses > 0 ? 'codes_status' : shape.since ? 'codes_updated_idx' : 'autoindex_pagoefectivo_codes',
      // Only a page bounded by update time sorts (the codes updated since then); the others stop at the limit.
      sorts: shape.since,
    })),
  ];

  it.each(cases)('$name', ({ text, index, sorts }) => {
    expect(text).not.toMatch(/@\w+ IS NULL OR/);
    const details = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(bindings(text)) as { detail: string }[]).map(
      (row) => row.detail,
    );
    const plan = details.join('\n');
    expect(tableScans(details), plan).toEqual([]);
    expect(plan).toContain(index);
    // A sort of a branch's own output (at most `limit` rows, merged by id) is not a sort of the table.
    const tableSorts = details.filter(
      (detail, i) => detail.startsWith('USE TEMP B-TREE') && !/^SCAN \(/.test(details[i - 1] ?? ''),
    );
    if (!sorts) expect(tableSorts, plan).toEqual([]);
  });
});

describe('sqlite schema v3: upgrades a v2 file in place', () => {
  it('keeps every row, fills reserve_until from the stored codes, and serves the new queries', async () => {
    const now = Date.UTC(2026, 2, 1, 15);
    const file = join(dir, 'v2.db');
    const db = new Database(file);
    migrateSqlite(db, P, now, 2);
    // A code row as 0.2 (schema v2) writes it: no reserve_until.
    const v2Insert = `INSERT INTO ${P}codes (id, order_id, status, version, cip, expires_at, updated_at, write_id, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    const insert = db.prepare(v2Insert);
    const leased = sampleCode({ id: 'code-leased', leaseUntil: new Date(now - 5000) });
    const unleased = sampleCode({ id: 'code-unleased', leaseUntil: null });
    const live = sampleCode({ id: 'code-live', leaseUntil: new Date(now + 60_000) });
    const paid = sampleCode({ id: 'code-paid', status: 'paid', cip: '2401557', leaseUntil: null });
    for (const code of [leased, unleased, live, paid]) {
      const { id, orderId, status, version, cip, expiresAt, updatedAt } = code;
      insert.run(
        id,
        orderId,
        status,
        version,
        cip,
        expiresAt.getTime(),
        updatedAt.getTime(),
        null,
        JSON.stringify(code),
      );
      db.prepare(`INSERT INTO ${P}orders (order_id, code_id) VALUES (?, ?)`).run(orderId, id);
    }
    for (let n = 0; n < 5; n += 1) {
      const entry = {
        id: `e-${n}`,
        subject: paid.id,
        type: 'note',
        actor: 'merchant',
        at: new Date(now + n),
        data: { n },
      };
      db.prepare(`INSERT INTO ${P}log (subject, entry_id, entry) VALUES (?, ?, ?)`).run(
        paid.id,
        entry.id,
        JSON.stringify(entry),
      );
    }
    db.close();

    // Four processes open the v2 file at once (each store upgrades on open), then two more connections
    // one after the other: v3 is applied exactly once.
    const workers = await startWorkers(4, { kind: 'sqlite', file, prefix: P });
    await workers.stop();
    const first = new Database(file);
    const store = sqliteStore(first, { now: () => now });
    const second = new Database(file);
    sqliteStore(second, { now: () => now });
    const versions = first.prepare(`SELECT version FROM ${P}schema_migrations ORDER BY version`).pluck().all();
    expect(versions).toEqual([1, 2, 3]);
    expect(SQLITE_STORE_SCHEMA_VERSION).toBe(3);
    const reserve = first.prepare(`SELECT id, reserve_until FROM ${P}codes ORDER BY id`).all();
    expect(reserve).toEqual([
      { id: 'code-leased', reserve_until: now - 5000 },
      { id: 'code-live', reserve_until: now + 60_000 },
      { id: 'code-paid', reserve_until: null },
      { id: 'code-unleased', reserve_until: 0 },
    ]);
    expect(await store.listStaleReservations({ now: new Date(now), limit: 10 })).toEqual([unleased, leased]);
    // A 0.2 process still running during the upgrade writes a reservation without reserve_until: listed too.
    const late = first.prepare(v2Insert);
    const straggler = sampleCode({ id: 'code-straggler', leaseUntil: new Date(now - 7000) });
    const { id, orderId, status, version, cip, expiresAt, updatedAt } = straggler;
    late.run(
      id,
      orderId,
      status,
      version,
      cip,
      expiresAt.getTime(),
      updatedAt.getTime(),
      null,
      JSON.stringify(straggler),
    );
    const running = sampleCode({ id: 'code-running', leaseUntil: new Date(now + 7000) });
    const r = running;
    late.run(
      r.id,
      r.orderId,
      r.status,
      r.version,
      r.cip,
      r.expiresAt.getTime(),
      r.updatedAt.getTime(),
      null,
      JSON.stringify(r),
    );
    expect(await store.listStaleReservations({ now: new Date(now), limit: 10 })).toEqual([unleased, straggler, leased]);
    expect(await store.listStaleReservations({ now: new Date(now), limit: 2 })).toEqual([unleased, straggler]);
    expect(await store.getCodeByCip('2401557')).toEqual(paid);
    expect((await store.listCodes({ statuses: ['paid'] })).codes).toEqual([paid]);
    const page = await store.readLogPage(paid.id, { limit: 2 });
    expect(page.entries.map((entry) => entry.data.n)).toEqual([3, 4]);
    expect((await store.readLogPage(paid.id, { limit: 5, before: page.nextCursor })).entries).toHaveLength(3);
    first.close();
    second.close();
  });
});
