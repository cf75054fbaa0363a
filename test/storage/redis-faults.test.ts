/**
 * The Redis store under lost replies, from outside the library: ioredis (default settings, so it
 * re-sends unfulfilled commands after a reconnect) talks to Redis through a loopback TCP proxy that
 * lets a command through, drops its reply and closes the connection. The server ran the command once;
 * ioredis reconnects and runs it again. Every store operation must answer what the first run answered
 * and write nothing more.
 *
 * @see issue 10 (Redis writes are not safe to re-execute)
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CashCode, LifecycleEntry } from '../../src/model/code.js';
import type { CodeEvent } from '../../src/model/events.js';
import { type RedisStore, redisStore } from '../../src/storage/adapters/redis.js';
import { serializeCode } from '../../src/storage/contract.js';
import { order } from '../codes/_harness.js';
import { sampleCode } from './_fixtures/records.js';
import { expectIndexesInStep } from './_fixtures/redis-indexes.js';
import { checkInvariants, serviceRig, withOneRetry } from './_fixtures/service-faults.js';
import { startTcpProxy, type TcpProxy } from './_fixtures/tcp-proxy.js';

const url = process.env.PAGOEFECTIVO_KIT_TEST_REDIS_URL;
const run = randomBytes(4).toString('hex');
const root = `pek-faults:${run}:`;

/** Where the proxy forwards to, and the database the clients select (from the URL). */
function target(): { host: string; port: number; db: number } {
  const parsed = new URL(url!);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.slice(1) || 0),
  };
}

function entry(subject: string, id: string): LifecycleEntry {
  return {
    id,
    subject,
    orderId: null,
    cip: null,
    type: 'note',
    actor: 'system',
    at: new Date('2026-03-01T15:00:00.000Z'),
    reason: null,
    from: null,
    to: null,
    data: { id },
  };
}

function event(id: string, codeId: string | null): CodeEvent {
  return { id, type: 'code.paid', codeId, orderId: null, cip: null, at: new Date(), source: 'webhook', data: {} };
}

const unique = (label: string): string => `${label}-${randomBytes(6).toString('hex')}`;

if (!url) {
  describe('redis store under lost replies', () => {
    it.skip('skipped: set PAGOEFECTIVO_KIT_TEST_REDIS_URL to run the Redis fault tests', () => {});
  });
} else {
  describe('redis store under lost replies (TCP proxy drops the reply, ioredis re-sends)', () => {
    let proxy: TcpProxy;
    let client: Redis;
    let admin: Redis;
    let store: RedisStore;
    let direct: RedisStore;
    const prefix = `${root}store:`;

    beforeAll(async () => {
      const { host, port, db } = target();
      proxy = await startTcpProxy({ host, port });
      // Default ioredis settings: offline queue on, re-send of unfulfilled commands on reconnect.
      client = new Redis({ host: '127.0.0.1', port: proxy.port, db });
      client.on('error', () => undefined);
      admin = new Redis({ host, port, db });
      store = redisStore(client, { keyPrefix: prefix });
      direct = redisStore(admin, { keyPrefix: prefix });
      // Load every script once, so that a dropped reply is the reply of a script that ran (not NOSCRIPT).
      const warm = sampleCode();
      await store.claimOrder(warm, { entries: [entry(warm.id, unique('e'))] });
      await store.commitCode({
        code: { ...warm, version: 2 },
        expectedVersion: 1,
        writeId: 'w',
        entries: [],
        events: [],
      });
      await store.appendRecords({ entries: [entry(warm.id, unique('e'))], events: [] });
      await store.consumeOnce(unique('k'), 1000, 'warm');
      await store.putValue('warm', 'v', 1000);
      await store.takeValue('warm', 'warm');
      await store.hit(unique('h'), 1, 1000, 'warm');
      await store.claimEvents({ limit: 1, leaseMs: 1000, owner: unique('warm'), now: new Date(0) });
      await store.settleEvent({ id: unique('x'), owner: 'warm', attempt: 0, outcome: { delivered: true } });
      await store.claimExpired({ now: new Date(0), limit: 1, leaseMs: 1000, owner: 'warm' });
      await store.migrate();
    });

    afterAll(async () => {
      client?.disconnect();
      await proxy?.close();
      if (admin !== undefined) {
        const keys = await admin.keys(`${root}*`);
        if (keys.length > 0) await admin.del(...keys);
        admin.disconnect();
      }
    });

    /** Run `call` while the proxy loses the reply of the command containing `marker`. */
    async function withLostReply<T>(marker: string, call: () => Promise<T>): Promise<T> {
      const dropped = proxy.dropped;
      const lost = proxy.dropReplyTo(marker);
      const answer = await call();
      expect(await lost).toBe(true);
      expect(proxy.dropped).toBe(dropped + 1);
      return answer;
    }

    it('a re-sent commitCode answers true and writes its entries and events once', async () => {
      const code = sampleCode();
      await store.claimOrder(code);
      const commit = {
        code: { ...code, status: 'pending' as const, cip: String(Date.now()), version: 2 },
        expectedVersion: 1,
        writeId: unique('write'),
        entries: [entry(code.id, unique('entry'))],
        events: [event(unique('event'), code.id)],
      };
      expect(await withLostReply(commit.writeId, () => store.commitCode(commit))).toBe(true);
      expect(await direct.getCode(code.id)).toEqual(commit.code);
      expect(await direct.readLog(code.id)).toEqual(commit.entries);
      expect((await direct.listEvents({ codeId: code.id })).events.map((row) => row.event.id)).toEqual([
        commit.events[0]!.id,
      ]);
      // Only this commit's own re-execution is recognised: a different write at that version is stale.
      expect(await store.commitCode({ ...commit, writeId: unique('other') })).toBe(false);
    });

    it('a re-sent commitCodes answers its first answers and writes each commit once', async () => {
      const [a, b] = [sampleCode(), sampleCode()];
      await store.claimOrder(a);
      await store.claimOrder(b);
      const commitOf = (code: CashCode, writeId: string, expectedVersion = 1) => ({
        code: { ...code, status: 'pending' as const, cip: String(Date.now()) + writeId.slice(-4), version: 2 },
        expectedVersion,
        writeId,
        entries: [entry(code.id, unique('entry'))],
        events: [event(unique('event'), code.id)],
      });
      const first = commitOf(a, unique('batch'));
      const stale = { ...commitOf(b, unique('stale'), 5), code: { ...commitOf(b, 'x').code, version: 6 } };
      expect(await withLostReply(first.writeId, () => store.commitCodes([first, stale]))).toEqual([true, false]);
      expect(await direct.getCode(a.id)).toEqual(first.code);
      expect(await direct.getCode(b.id)).toEqual(b);
      expect(await direct.readLog(a.id)).toEqual(first.entries);
      expect((await direct.listEvents({ codeId: a.id })).events).toHaveLength(1);
      expect(await direct.commitCodes([first])).toEqual([true]);
      await expectIndexesInStep(admin, prefix);
    });

    it('a backfill whose reply is lost still indexes every code of a version-1 store', async () => {
      const old = `${root}v1:`;
      const codes = Array.from({ length: 1100 }, (_, index) =>
        sampleCode({ status: index % 3 === 0 ? 'reserving' : 'pending', updatedAt: new Date(index) }),
      );
      const batch = admin.multi();
      for (const code of codes) {
        const fields = { doc: serializeCode(code), status: code.status, version: '1', cip: '', order: code.orderId };
        batch.hset(`${old}code:${code.id}`, {
          ...fields,
          exp: String(code.expiresAt.getTime()),
          upd: String(code.updatedAt.getTime()),
          wid: '',
          lown: '',
        });
        batch.set(`${old}order:${code.orderId}`, code.id);
        batch.zadd(`${old}idx:all`, 0, code.id);
        batch.zadd(`${old}idx:status:${code.status}`, 0, code.id);
        if (code.status === 'pending') batch.zadd(`${old}due`, code.expiresAt.getTime(), code.id);
      }
      await batch.exec();
      const upgrading = redisStore(client, { keyPrefix: old });
      await withLostReply(old, () => upgrading.migrate());
      expect(await admin.get(`${old}schema`)).toBe('2');
      expect(await expectIndexesInStep(admin, old)).toBe(1100);
    });

    it('a re-sent claimOrder answers claimed (not "in flight") and writes its entry and event once', async () => {
      const code = sampleCode();
      const options = { entries: [entry(code.id, unique('reserved'))], events: [event(unique('event'), code.id)] };
      const result = await withLostReply(code.id, () => store.claimOrder(code, options));
      expect(result).toEqual({ claimed: true, code });
      expect(await direct.getCodeByOrder(code.orderId)).toEqual(code);
      expect(await direct.readLog(code.id)).toEqual(options.entries);
      expect((await direct.listEvents({ codeId: code.id })).events).toHaveLength(1);
    });

    it('a re-sent consumeOnce with an owner still says "you got it"; other owners are refused', async () => {
      const key = unique('webhook');
      expect(await withLostReply(key, () => store.consumeOnce(key, 60_000, 'delivery-1'))).toBe(true);
      expect(await direct.consumeOnce(key, 60_000, 'delivery-2')).toBe(false);
      expect(await direct.consumeOnce(key, 60_000)).toBe(false);
    });

    it('without an owner a re-sent consumeOnce reads as refused: why the service always passes one', async () => {
      const key = unique('webhook');
      expect(await withLostReply(key, () => store.consumeOnce(key, 60_000))).toBe(false);
    });

    it('a re-sent appendRecords appends each entry and event once', async () => {
      const subject = `cip:${unique('cip')}`;
      const batch = { entries: [entry(subject, unique('rejected'))], events: [event(unique('rejected'), null)] };
      await withLostReply(batch.entries[0]!.id!, () => store.appendRecords(batch));
      expect(await direct.readLog(subject)).toEqual(batch.entries);
      const row = (await direct.listEvents({ state: 'pending', limit: 1000 })).events.filter(
        (candidate) => candidate.event.id === batch.events[0]!.id,
      );
      expect(row).toHaveLength(1);
      expect(await admin.llen(`${prefix}log:${subject}`)).toBe(1);
    });

    it('a re-sent appendLog appends its entry once', async () => {
      const subject = unique('code');
      const one = entry(subject, unique('note'));
      await withLostReply(one.id!, () => store.appendLog(one));
      expect(await direct.readLog(subject)).toEqual([one]);
    });

    it('re-sent takeValue, hit, claimEvents, settleEvent and claimExpired answer the first answer', async () => {
      const key = unique('share');
      await direct.putValue(key, 'passcode', 60_000);
      expect(await withLostReply(key, () => store.takeValue(key, 'taker'))).toBe('passcode');
      expect(await direct.takeValue(key, 'someone-else')).toBeNull();

      const counter = unique('ip');
      const first = await withLostReply(counter, () => store.hit(counter, 5, 60_000, 'hit-1'));
      expect(first).toMatchObject({ allowed: true, count: 1 });
      expect(await direct.hit(counter, 5, 60_000, 'hit-2')).toMatchObject({ allowed: true, count: 2 });

      const code = sampleCode();
      const due = event(unique('due'), code.id);
      await direct.appendRecords({ entries: [], events: [due] });
      const owner = unique('worker');
      const now = new Date(Date.now() + 1000);
      const claimed = await withLostReply(owner, () => store.claimEvents({ limit: 1000, leaseMs: 60_000, owner, now }));
      expect(claimed.map((row) => row.event.id)).toContain(due.id);
      expect(
        (await direct.claimEvents({ limit: 1000, leaseMs: 60_000, owner: unique('other'), now })).map(
          (row) => row.event.id,
        ),
      ).not.toContain(due.id);
      const settle = { id: due.id, owner, attempt: 0, outcome: { delivered: true as const } };
      expect(await withLostReply(due.id, () => store.settleEvent(settle))).toBe(true);
      expect((await direct.listEvents({ codeId: code.id })).events[0]).toMatchObject({
        state: 'delivered',
        attempts: 1,
      });

      const expired: CashCode = sampleCode({ status: 'pending', expiresAt: new Date('1990-01-01T00:00:00.000Z') });
      await direct.claimOrder(expired);
      const sweeper = unique('sweeper');
      const cutoff = new Date('1990-01-02T00:00:00.000Z');
      const taken = await withLostReply(sweeper, () =>
        store.claimExpired({ now: cutoff, limit: 1000, leaseMs: 60_000, owner: sweeper }),
      );
      expect(taken.map((one) => one.id)).toContain(expired.id);
    });
  });

  /** The codes service on the Redis store behind the proxy: a lost reply at every script call of each flow. */
  for (const resend of [true, false]) {
    const variant = resend
      ? 'ioredis defaults: the lost reply is re-sent and never reaches the service'
      : // Without re-send ioredis abandons the unanswered command (its promise never settles), so this
        // variant needs a commandTimeout: the timeout is the ambiguous error the service must resolve.
        'no re-send, commandTimeout 500 ms: the service sees a timeout and re-executes';
    describe(`codes service on redis under lost replies; ${variant}`, () => {
      let proxy: TcpProxy;
      let client: Redis;
      let admin: Redis;
      let store: RedisStore;
      /** The same store over a direct connection: what the test itself reads is never faulted. */
      let direct: RedisStore;
      const prefix = `${root}service-${resend ? 'resend' : 'noresend'}:`;
      const orderIds: string[] = [];
      const refused: string[] = [];
      let rig: ReturnType<typeof serviceRig>;

      beforeAll(async () => {
        const { host, port, db } = target();
        proxy = await startTcpProxy({ host, port });
        const settings = resend ? {} : { autoResendUnfulfilledCommands: false, commandTimeout: 500 };
        client = new Redis({ host: '127.0.0.1', port: proxy.port, db, ...settings });
        client.on('error', () => undefined);
        admin = new Redis({ host, port, db });
        store = redisStore(client, { keyPrefix: prefix });
        direct = redisStore(admin, { keyPrefix: prefix });
        rig = serviceRig(store);
        // Load the scripts the flows use, so that every dropped reply is one of a script that ran.
        const warm = await rig.codes.issue(order(`warm-${run}`));
        await rig.fake.pay(warm.code.cip!);
        await rig.codes.sweepExpired({ now: new Date(Date.now() + 3 * 3_600_000) });
      });

      afterAll(async () => {
        client?.disconnect();
        await proxy?.close();
        if (admin !== undefined) {
          const keys = await admin.keys(`${prefix}*`);
          if (keys.length > 0) await admin.del(...keys);
          admin.disconnect();
        }
      });

      /** Run one flow per script call it makes, losing that call's reply; stop when a run made fewer. */
      async function eachLostReply(
        name: string,
        prepare: (orderId: string) => Promise<string>,
        flow: (orderId: string, codeId: string) => Promise<unknown>,
        expected: string,
      ): Promise<void> {
        for (let skip = 0; skip < 20; skip += 1) {
          const orderId = `${name}-${run}-${skip}`;
          orderIds.push(orderId);
          const codeId = await prepare(orderId);
          const lost = proxy.dropReplyTo(/\r\nevalsha\r\n/i, { skip });
          await flow(orderId, codeId);
          proxy.disarm();
          const fired = await lost;
          const code = await direct.getCodeByOrder(orderId);
          expect(code?.status, `${name} with reply ${skip + 1} lost`).toBe(expected);
          if (!fired) return;
        }
        throw new Error(`${name}: more than 20 script calls`);
      }

      const issued = async (orderId: string, hours?: number): Promise<string> => {
        const { code } = await rig.codes.issue({
          ...order(orderId),
          ...(hours !== undefined && { expiresInHours: hours }),
        });
        return code.id;
      };
      const none = async (): Promise<string> => '';
      const cipOf = async (orderId: string): Promise<string> => (await direct.getCodeByOrder(orderId))!.cip!;

      it('issue: one code per order, holding a payable CIP', async () => {
        await eachLostReply('issue', none, (orderId) => withOneRetry(() => rig.codes.issue(order(orderId))), 'pending');
      });

      it('payment: paid once, one paid entry, one code.paid event', async () => {
        await eachLostReply('pay', issued, async (orderId) => rig.fake.pay(await cipOf(orderId)), 'paid');
      });

      it('refused payment (wrong amount): recorded, with its entry', async () => {
        await eachLostReply(
          'partial',
          async (orderId) => {
            const id = await issued(orderId);
            refused.push(id);
            return id;
          },
          async (orderId) => rig.fake.pay(await cipOf(orderId), { amount: '1.00' }),
          'review',
        );
      });

      it('cancel: cancelled, its CIP deleted', async () => {
        await eachLostReply('cancel', issued, (orderId) => withOneRetry(() => rig.codes.cancel(orderId)), 'cancelled');
      });

      it('sweep: an expired CIP makes its code expired, once', async () => {
        await eachLostReply(
          'sweep',
          async (orderId) => {
            const id = await issued(orderId, 1);
            rig.fake.expire(await cipOf(orderId));
            return id;
          },
          () => withOneRetry(() => rig.codes.sweepExpired({ now: new Date(Date.now() + 2 * 3_600_000) })),
          'expired',
        );
      });

      it('after every flow: the money-path invariants hold', async () => {
        await checkInvariants(direct, rig, orderIds, refused);
      });

      it('after every flow: every index agrees with the codes', async () => {
        expect(await expectIndexesInStep(admin, prefix)).toBeGreaterThan(orderIds.length / 2);
      });
    });
  }

  describe('chaos: N issues and N payments while CLIENT KILL drops the connection every few ms', () => {
    const N = 20;
    let proxy: TcpProxy;
    let client: Redis;
    let admin: Redis;
    const prefix = `${root}chaos:`;

    beforeAll(async () => {
      const { host, port, db } = target();
      proxy = await startTcpProxy({ host, port });
      client = new Redis({ host: '127.0.0.1', port: proxy.port, db });
      client.on('error', () => undefined);
      admin = new Redis({ host, port, db });
    });

    afterAll(async () => {
      client?.disconnect();
      await proxy?.close();
      if (admin !== undefined) {
        const keys = await admin.keys(`${prefix}*`);
        if (keys.length > 0) await admin.del(...keys);
        admin.disconnect();
      }
    });

    it('every invariant holds afterwards', { timeout: 120_000 }, async () => {
      const store = redisStore(client, { keyPrefix: prefix });
      const rig = serviceRig(store);
      await rig.codes.issue(order(`chaos-warm-${run}`));
      // Kill the store's connections from a second connection, by the address Redis sees (the proxy's
      // upstream sockets): only this test's client is hit, never another client of the server.
      let kills = 0;
      let killing = true;
      const killer = (async () => {
        while (killing) {
          for (const port of proxy.upstreamPorts()) {
            kills += Number(await admin.client('KILL', 'ADDR', `127.0.0.1:${port}`).catch(() => 0));
          }
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 15));
        }
      })();
      const orderIds = Array.from({ length: N }, (_, index) => `chaos-${run}-${index}`);
      const refused: string[] = [];
      try {
        await Promise.all(orderIds.map((orderId) => withOneRetry(() => rig.codes.issue(order(orderId)))));
        await Promise.all(
          orderIds.map(async (orderId, index) => {
            const code = await redisStore(admin, { keyPrefix: prefix }).getCodeByOrder(orderId);
            if (code?.status !== 'pending') return;
            // Every fifth buyer pays the wrong amount: a refusal that must be recorded.
            if (index % 5 === 4) refused.push(code.id);
            await rig.fake.pay(code.cip!, index % 5 === 4 ? { amount: '1.00' } : {});
          }),
        );
      } finally {
        killing = false;
        await killer;
      }
      expect(kills).toBeGreaterThan(0);
      const direct = redisStore(admin, { keyPrefix: prefix });
      await checkInvariants(direct, rig, orderIds, refused);
      await expectIndexesInStep(admin, prefix);
      // Judged on the final state: most buyers got a code and most payments landed despite the kills.
      const statuses = await Promise.all(
        orderIds.map(async (orderId) => (await direct.getCodeByOrder(orderId))?.status),
      );
      expect(statuses.filter((status) => status === 'paid').length).toBeGreaterThan(0);
    });
  });
}
