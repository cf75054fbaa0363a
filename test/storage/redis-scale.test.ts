/**
 * The Redis store at scale: listings, claims and log pages read index entries near their answer, never
 * every code (the scripts report how many index members they read); `commitCodes` judges each commit
 * on its own in one script; and a store written with the version-1 key layout gets its new indexes
 * from the backfill.
 *
 * @see issue 12 (sweeps, listings and reconciliation linear to a million codes)
 */
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CashCode, CodeStatus, LifecycleEntry } from '../../src/model/code.js';
import { encodeLogCursor } from '../../src/storage/_memory/args.js';
import { LIST_CODES, STALE_RESERVATIONS } from '../../src/storage/adapters/_internal/redis/list-scripts.js';
import { CLAIM_EXPIRED } from '../../src/storage/adapters/_internal/redis/scripts.js';
import { type RedisStore, redisStore } from '../../src/storage/adapters/redis.js';
import type { CodeCommit } from '../../src/storage/contract.js';
import { serializeCode } from '../../src/storage/contract.js';
import { rejection, sampleCode } from './_fixtures/records.js';

const url = process.env.PAGOEFECTIVO_KIT_TEST_REDIS_URL;
const root = `pek-scale:${randomBytes(4).toString('hex')}:`;
const sha = (script: string): string => createHash('sha1').update(script).digest('hex');

/** Index members read by the script calls since the last `take()`, per script. */
interface Meter {
  client: Redis;
  take(script: string): { calls: number; visited: number };
}

/** The client as the store sees it, adding up the `visited` counter of every reply of the metered scripts. */
function metered(client: Redis): Meter {
  const where = new Map([
    [sha(LIST_CODES), 2],
    [sha(CLAIM_EXPIRED), 0],
    [sha(STALE_RESERVATIONS), 0],
  ]);
  const seen = new Map<string, { calls: number; visited: number }>();
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'evalsha' && property !== 'eval') return value;
      return async (...args: unknown[]) => {
        const reply = (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown[];
        const key = property === 'eval' ? sha(String(args[0])) : String(args[0]);
        const at = where.get(key);
        if (at !== undefined) {
          const total = seen.get(key) ?? { calls: 0, visited: 0 };
          seen.set(key, { calls: total.calls + 1, visited: total.visited + Number(reply[at]) });
        }
        return reply;
      };
    },
  });
  return {
    client: proxy,
    take(script) {
      const total = seen.get(sha(script)) ?? { calls: 0, visited: 0 };
      seen.delete(sha(script));
      return total;
    },
  };
}

/** Write codes as version 1 of the store did: hash, pointers, id indexes and the due set only. */
async function writeVersion1(admin: Redis, prefix: string, codes: readonly CashCode[]): Promise<void> {
  const batch = admin.multi();
  for (const code of codes) {
    batch.hset(`${prefix}code:${code.id}`, {
      doc: serializeCode(code),
      status: code.status,
      version: String(code.version),
      cip: code.cip ?? '',
      order: code.orderId,
      exp: String(code.expiresAt.getTime()),
      upd: String(code.updatedAt.getTime()),
      wid: '',
      lown: '',
    });
    batch.set(`${prefix}order:${code.orderId}`, code.id);
    if (code.cip !== null) batch.set(`${prefix}cip:${code.cip}`, code.id);
    batch.zadd(`${prefix}idx:all`, 0, code.id);
    batch.zadd(`${prefix}idx:status:${code.status}`, 0, code.id);
    if (code.status === 'pending') batch.zadd(`${prefix}due`, code.expiresAt.getTime(), code.id);
  }
  await batch.exec();
}

async function claimAll(store: RedisStore, codes: readonly CashCode[]): Promise<void> {
  for (let at = 0; at < codes.length; at += 200) {
    await Promise.all(codes.slice(at, at + 200).map((code) => store.claimOrder(code)));
  }
}

/** Codes with sortable ids `<label>-00000…`, each status picked by `statusOf(index)`. */
function series(label: string, count: number, statusOf: (index: number) => CodeStatus, at = 0): CashCode[] {
  return Array.from({ length: count }, (_, index) => {
    const id = `${label}-${String(index).padStart(6, '0')}`;
    const status = statusOf(index);
    return sampleCode({
      id,
      orderId: `order-${id}`,
      status,
      cip: status === 'reserving' ? null : `${label}-cip-${index}`,
      updatedAt: new Date(at + index),
    });
  });
}

const ids = (codes: readonly CashCode[]): string[] => codes.map((code) => code.id);

async function listAll(store: RedisStore, filter: Parameters<RedisStore['listCodes']>[0]): Promise<CashCode[]> {
  const found: CashCode[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listCodes({ ...filter, cursor });
    found.push(...page.codes);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return found;
}

function note(subject: string, index: number): LifecycleEntry {
  return {
    id: `entry-${index}`,
    subject,
    orderId: null,
    cip: null,
    type: 'note',
    actor: 'system',
    at: new Date(Date.UTC(2026, 2, 1, 15, 0, index)),
    reason: null,
    from: null,
    to: null,
    data: { index },
  };
}

if (!url) {
  describe('redis store at scale', () => {
    it.skip('skipped: set PAGOEFECTIVO_KIT_TEST_REDIS_URL to run the Redis scale tests', () => {});
  });
} else {
  describe('redis store at scale', () => {
    let admin: Redis;
    const clients: Redis[] = [];
    const client = (): Redis => {
      const made = new Redis(url);
      made.on('error', () => undefined);
      clients.push(made);
      return made;
    };

    beforeAll(() => {
      admin = client();
    });

    afterAll(async () => {
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${root}*`, 'COUNT', 1000);
        if (keys.length > 0) await admin.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      for (const made of clients) made.disconnect();
    });

    describe('listings read index entries near the page, not every code', () => {
      const prefix = `${root}cost:`;
      let meter: Meter;
      let store: RedisStore;
      // 3000 codes: mostly paid; every 300th pending, every 300th (offset 150) expired.
      const statusOf = (index: number): CodeStatus =>
        index % 300 === 0 ? 'pending' : index % 300 === 150 ? 'expired' : 'paid';
      const codes = series('c', 3000, statusOf, 1_000_000);

      beforeAll(async () => {
        meter = metered(client());
        store = redisStore(meter.client, { keyPrefix: prefix });
        await claimAll(store, codes);
        await store.migrate();
      }, 60_000);

      it('two rare statuses: each page merges their own indexes (about 2 × (limit + 1) members)', async () => {
        meter.take(LIST_CODES);
        const listed = await listAll(store, { statuses: ['pending', 'expired'], limit: 4 });
        expect(ids(listed)).toEqual(ids(codes.filter((code) => code.status !== 'paid')));
        const { calls, visited } = meter.take(LIST_CODES);
        expect(calls).toBe(5);
        expect(visited).toBeLessThanOrEqual(calls * 2 * 5);
      });

      it('a recent update window: candidates come from the update-time indexes', async () => {
        const since = new Date(1_000_000 + 2990);
        meter.take(LIST_CODES);
        const page = await store.listCodes({ statuses: ['paid'], updatedSince: since, limit: 5 });
        expect(ids(page.codes)).toEqual(ids(codes.slice(2990).filter((code) => code.status === 'paid')).slice(0, 5));
        const rest = await store.listCodes({ statuses: ['paid'], updatedSince: since, cursor: page.nextCursor });
        expect(ids(rest.codes)).toEqual(ids(codes.slice(2990).filter((code) => code.status === 'paid')).slice(5));
        expect(rest.nextCursor).toBeNull();
        expect(meter.take(LIST_CODES)).toEqual({ calls: 2, visited: 10 + 10 });
      });

      it('a window holding most codes: an id walk that reads about one page ahead', async () => {
        meter.take(LIST_CODES);
        const page = await store.listCodes({ updatedSince: new Date(1_000_000 + 100), limit: 50 });
        expect(ids(page.codes)).toEqual(ids(codes.slice(100, 150)));
        const { calls, visited } = meter.take(LIST_CODES);
        expect(calls).toBeLessThanOrEqual(2);
        expect(visited).toBeLessThanOrEqual(100 + 2 * 51 * 2);
      });

      it('gathered candidates sort in byte order, like the id indexes', async () => {
        const local = redisStore(client(), { keyPrefix: `${root}order:` });
        const names = ['b', 'B', 'a-c', 'ab', 'Z', '_x', '0', 'a', 'A~', '~'];
        const mixed = names.map((name, index) =>
          sampleCode({ id: name, orderId: `order-${name}`, status: 'paid', updatedAt: new Date(10_000 + index) }),
        );
        await claimAll(local, mixed);
        const byBytes = [...names].sort((x, y) => (x < y ? -1 : 1));
        const window = await local.listCodes({ statuses: ['paid'], updatedSince: new Date(10_000) });
        const walk = await local.listCodes({ statuses: ['paid', 'pending'] });
        expect(ids(window.codes)).toEqual(byBytes);
        expect(ids(walk.codes)).toEqual(byBytes);
      });

      it('every status, no window: one page reads limit + 1 ids', async () => {
        meter.take(LIST_CODES);
        const page = await store.listCodes({ limit: 20, cursor: null });
        expect(page.codes).toHaveLength(20);
        expect(meter.take(LIST_CODES)).toEqual({ calls: 1, visited: 21 });
      });

      it('claimExpired reads only due codes; listStaleReservations only stale leases', async () => {
        const past = new Date('1990-01-01T00:00:00.000Z');
        const due = series('due', 3, () => 'pending').map((code) => ({ ...code, expiresAt: past }));
        const live = Date.now() + 3_600_000;
        const reserving = series('resv', 40, () => 'reserving').map((code, index) => ({
          ...code,
          leaseUntil: index < 2 ? new Date(Date.UTC(2026, 0, 1 + index)) : new Date(live),
        }));
        await claimAll(store, [...due, ...reserving]);
        meter.take(CLAIM_EXPIRED);
        const taken = await store.claimExpired({
          now: new Date('1990-06-01T00:00:00.000Z'),
          limit: 100,
          leaseMs: 60_000,
        });
        expect(ids(taken)).toEqual(ids(due));
        expect(meter.take(CLAIM_EXPIRED)).toEqual({ calls: 1, visited: 3 });

        meter.take(STALE_RESERVATIONS);
        const stale = await store.listStaleReservations({ now: new Date(Date.UTC(2026, 5, 1)), limit: 100 });
        expect(ids(stale)).toEqual(ids(reserving.slice(0, 2)));
        expect(meter.take(STALE_RESERVATIONS)).toEqual({ calls: 1, visited: 2 });
      });
    });

    describe('listStaleReservations', () => {
      it('oldest lease first, leaseless first of all; leaves the index with the status', async () => {
        const store = redisStore(client(), { keyPrefix: `${root}stale:` });
        const [none, early, late, future] = series('s', 4, () => 'reserving');
        const now = Date.UTC(2026, 2, 1);
        const codes = [
          { ...late!, leaseUntil: new Date(now - 1000) },
          { ...future!, leaseUntil: new Date(now + 1) },
          { ...early!, leaseUntil: new Date(now - 5000) },
          { ...none!, leaseUntil: null },
        ];
        await claimAll(store, codes);
        expect(ids(await store.listStaleReservations({ now: new Date(now), limit: 10 }))).toEqual([
          none!.id,
          early!.id,
          late!.id,
        ]);
        expect(ids(await store.listStaleReservations({ now: new Date(now), limit: 2 }))).toEqual([none!.id, early!.id]);
        // A lease renewed by a commit moves; a code that leaves `reserving` leaves the index.
        const renewed = { ...codes[2]!, version: 2, leaseUntil: new Date(now + 60_000) };
        expect(await store.updateCode(renewed, 1)).toBe(true);
        const failed = { ...codes[3]!, version: 2, status: 'failed' as const };
        expect(await store.updateCode(failed, 1)).toBe(true);
        expect(ids(await store.listStaleReservations({ now: new Date(now), limit: 10 }))).toEqual([late!.id]);
        expect(ids(await store.listStaleReservations({ now: new Date(now + 60_000), limit: 10 }))).toEqual([
          late!.id,
          future!.id,
          renewed.id,
        ]);
        for (const limit of [0, 1001, 1.5]) {
          expect((await rejection(store.listStaleReservations({ now: new Date(now), limit }))).code).toBe(
            'validation_failed',
          );
        }
      });
    });

    describe('readLogPage', () => {
      it('pages a log newest page first, oldest first within a page, and refuses foreign cursors', async () => {
        const store = redisStore(client(), { keyPrefix: `${root}log:` });
        const subject = `code-${randomBytes(4).toString('hex')}`;
        const entries = Array.from({ length: 25 }, (_, index) => note(subject, index));
        await store.appendRecords({ entries, events: [] });
        const pages: LifecycleEntry[][] = [];
        let before: string | null = null;
        do {
          const page = await store.readLogPage(subject, { limit: 10, before });
          pages.push(page.entries);
          before = page.nextCursor;
        } while (before !== null);
        expect(pages).toEqual([entries.slice(15), entries.slice(5, 15), entries.slice(0, 5)]);
        expect(await store.readLogPage('nobody', { limit: 10 })).toEqual({ entries: [], nextCursor: null });
        const exact = await store.readLogPage(subject, { limit: 25 });
        expect(exact).toEqual({ entries, nextCursor: null });

        const first = await store.readLogPage(subject, { limit: 10 });
        const refused = [
          encodeLogCursor('memory', subject, 15),
          encodeLogCursor('redis', 'another-subject', 15),
          encodeLogCursor('redis', subject, 26),
          encodeLogCursor('redis', subject, 0),
          'log1.garbage',
        ];
        for (const cursor of refused) {
          const error = await rejection(store.readLogPage(subject, { limit: 10, before: cursor }));
          expect(error.code).toBe('validation_failed');
        }
        expect((await store.readLogPage(subject, { limit: 10, before: first.nextCursor })).entries).toEqual(
          entries.slice(5, 15),
        );
      });
    });

    describe('commitCodes', () => {
      const commitOf = (code: CashCode, change: Partial<CashCode>, writeId: string): CodeCommit => ({
        code: { ...code, ...change, version: code.version + 1 },
        expectedVersion: code.version,
        writeId,
        entries: [note(code.id, code.version)],
        events: [],
      });

      it('judges each commit on its own, answers in order, and answers the same when re-executed', async () => {
        const store = redisStore(client(), { keyPrefix: `${root}commits:` });
        const [a, b, c] = series('k', 3, () => 'pending');
        await claimAll(store, [a!, b!, c!]);
        const stale = { ...commitOf(b!, { status: 'paid' }, 'w-b'), expectedVersion: 7 };
        stale.code = { ...stale.code, version: 8 };
        const toA2 = commitOf(a!, { status: 'paid' }, 'w-a2');
        const toA3 = commitOf(toA2.code, { status: 'expired', cip: a!.cip }, 'w-a3');
        const batch = [toA2, stale, commitOf(c!, { status: 'expired' }, 'w-c'), toA3];
        expect(await store.commitCodes(batch)).toEqual([true, false, true, true]);
        expect(await store.getCode(a!.id)).toEqual(toA3.code);
        expect(await store.getCode(b!.id)).toEqual(b);
        expect(await store.readLog(a!.id)).toEqual([...toA2.entries, ...toA3.entries]);
        // Re-executed: a's last write is toA3 (toA2 is no longer its last write, so it reads stale).
        expect(await store.commitCodes([toA3, batch[2]!, stale])).toEqual([true, true, false]);
        expect(await store.readLog(c!.id)).toHaveLength(1);
        expect(await store.commitCodes([])).toEqual([]);
        expect(ids(await listAll(store, { statuses: ['expired'] }))).toEqual([a!.id, c!.id]);
      });

      it('a refused commit (CIP conflict) rejects the batch and writes nothing of it', async () => {
        const store = redisStore(client(), { keyPrefix: `${root}commits-refused:` });
        const [a, b] = series('r', 2, () => 'reserving');
        await claimAll(store, [a!, b!]);
        const first = commitOf(a!, { status: 'pending', cip: 'shared-cip' }, 'w-1');
        const second = commitOf(b!, { status: 'pending', cip: 'shared-cip' }, 'w-2');
        const error = await rejection(store.commitCodes([first, second]));
        expect(error).toMatchObject({ code: 'storage_error', details: { reason: 'cip_conflict' } });
        expect(await store.getCode(a!.id)).toEqual(a);
        expect(await store.getCodeByCip('shared-cip')).toBeNull();
        expect(await store.readLog(a!.id)).toEqual([]);
        expect((await rejection(store.commitCodes('nope' as never))).code).toBe('validation_failed');
        const malformed = { ...first, code: { ...first.code, version: 9 } };
        expect((await rejection(store.commitCodes([first, malformed]))).code).toBe('validation_failed');
        expect(await store.getCode(a!.id)).toEqual(a);
      });
    });

    describe('backfill of a store written with the version-1 layout', () => {
      it('indexes every old code once, on first use, shared by concurrent stores', async () => {
        const prefix = `${root}v1:`;
        const now = Date.UTC(2026, 2, 1, 12);
        const statusOf = (index: number): CodeStatus =>
          (['pending', 'paid', 'reserving', 'expired'] as const)[index % 4]!;
        const old = series('old', 1203, statusOf, now).map((code, index) =>
          code.status === 'reserving'
            ? { ...code, leaseUntil: index % 8 === 2 ? new Date(now - 60_000 + index) : new Date(now + 60_000) }
            : code,
        );
        await writeVersion1(admin, prefix, old);
        const [first, second] = [
          redisStore(client(), { keyPrefix: prefix }),
          redisStore(client(), { keyPrefix: prefix }),
        ];

        // Reading an update window triggers the backfill; two stores share it.
        const since = new Date(now + 1000);
        const [paid] = await Promise.all([
          listAll(first, { statuses: ['paid'], updatedSince: since, limit: 100 }),
          second.migrate(),
        ]);
        expect(ids(paid)).toEqual(ids(old.slice(1000).filter((code) => code.status === 'paid')));
        expect(await admin.get(`${prefix}schema`)).toBe('2');
        expect(await admin.exists(`${prefix}schema:cursor`)).toBe(0);
        expect(await second.migrate()).toBe(0);
        expect(await redisStore(client(), { keyPrefix: prefix }).migrate()).toBe(0);
        expect(await admin.zcard(`${prefix}idx:upd:pending`)).toBe(old.filter((c) => c.status === 'pending').length);

        // Reservation leases came from the documents (ISO dates parsed in the script).
        const stale = await first.listStaleReservations({ now: new Date(now), limit: 1000 });
        expect(ids(stale)).toEqual(
          ids(
            old
              .filter((code) => code.status === 'reserving' && code.leaseUntil!.getTime() <= now)
              .sort((x, y) => x.leaseUntil!.getTime() - y.leaseUntil!.getTime()),
          ),
        );
        expect(stale.length).toBeGreaterThan(100);

        // Old codes keep working with the new writers: a paid code moves between the new indexes.
        const moved = old[1]!;
        expect(
          await first.updateCode({ ...moved, version: 2, status: 'review', updatedAt: new Date(now + 5000) }, 1),
        ).toBe(true);
        expect(await admin.zscore(`${prefix}idx:upd:paid`, moved.id)).toBeNull();
        expect(await admin.zscore(`${prefix}idx:upd:review`, moved.id)).toBe(String(now + 5000));
        expect(ids(await listAll(first, { statuses: ['review'], updatedSince: new Date(now) }))).toEqual([moved.id]);
      });

      it('migrate() indexes every old code, in batches, and answers how many', async () => {
        const prefix = `${root}v1-migrate:`;
        const old = series('m', 1203, (index) => (index % 2 === 0 ? 'pending' : 'reserving'), 5000);
        await writeVersion1(admin, prefix, old);
        const store = redisStore(client(), { keyPrefix: prefix });
        expect(await store.migrate()).toBe(1203);
        expect(await store.migrate()).toBe(0);
        // Codes an older instance writes after the backfill (a rolling upgrade) need a reindex.
        const late = series('n', 2, () => 'reserving', 5000);
        await writeVersion1(admin, prefix, late);
        expect(await store.migrate()).toBe(0);
        expect(await store.migrate({ reindex: true })).toBe(1205);
        expect(await admin.zscore(`${prefix}idx:upd:reserving`, late[1]!.id)).toBe('5001');
        // Leaseless reservations are stale at once, oldest id first.
        const stale = await store.listStaleReservations({ now: new Date(0), limit: 1000 });
        expect(ids(stale)).toEqual(ids([...old, ...late].filter((code) => code.status === 'reserving')).slice(0, 603));
      });

      it('a store whose first code this version wrote never walks its codes to backfill', async () => {
        const prefix = `${root}current:`;
        const store = redisStore(client(), { keyPrefix: prefix });
        await claimAll(
          store,
          series('cur', 30, () => 'paid'),
        );
        expect(await admin.get(`${prefix}schema`)).toBe('2');
        expect(await store.migrate()).toBe(0);
        expect(await admin.exists(`${prefix}schema:cursor`)).toBe(0);
      });

      it('a fresh store marks itself current on first use without walking anything', async () => {
        const prefix = `${root}fresh:`;
        const store = redisStore(client(), { keyPrefix: prefix });
        expect(await store.migrate()).toBe(0);
        expect(await admin.get(`${prefix}schema`)).toBe('2');
      });
    });
  });
}
