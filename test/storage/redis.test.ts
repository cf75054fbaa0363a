import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import type { CashCode } from '../../src/model/code.js';
import { redisStore } from '../../src/storage/adapters/redis.js';
import { describeStoreConformance, type StoreFaults } from '../../src/testing/conformance.js';
import { rejection, sampleCode } from './_fixtures/records.js';

const api = { describe, it, beforeEach, afterEach };
const url = process.env.PAGOEFECTIVO_KIT_TEST_REDIS_URL;
const run = randomBytes(4).toString('hex');
// Every key of this run starts with `pek-test:<run>:`, so parallel runs never meet and cleanup is exact.
const root = `pek-test:${run}:`;
const clients: Redis[] = [];

/**
 * A connected client. Connecting up front and failing commands while disconnected (no offline queue)
 * makes a configured but unreachable server fail every test at once instead of after long retries.
 */
async function newClient(options: { keyPrefix?: string } = {}): Promise<Redis> {
  const client = new Redis(url!, { lazyConnect: true, enableOfflineQueue: false, ...options });
  client.on('error', () => undefined);
  clients.push(client);
  await client.connect();
  return client;
}

/**
 * The client as the store sees it, with every command it sends run through the suite's fault
 * controller: a fault `after` a call is a reply lost once the command ran, like a dropped connection.
 */
function withFaults(client: Redis, faults: StoreFaults): Redis {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || !COMMANDS.has(property)) return value;
      return (...args: unknown[]) =>
        faults.intercept(() => (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

/** Every command the store sends (see `RedisCommands`). */
const COMMANDS = new Set(['evalsha', 'eval', 'set', 'get', 'getdel', 'del', 'rpush', 'lrange', 'hget', 'zcard']);

let shared: Promise<Redis> | null = null;
let suiteStores = 0;
describeStoreConformance(
  'redis',
  async ({ faults }) => {
    shared ??= newClient();
    // A prefix per test: outbox and sweeper claims of one test never see another test's records.
    suiteStores += 1;
    return redisStore(withFaults(await shared, faults), { keyPrefix: `${root}suite:${suiteStores}:` });
  },
  {
    api,
    faultInjection: true,
    skipReason: url ? undefined : 'set PAGOEFECTIVO_KIT_TEST_REDIS_URL to run the Redis suite',
  },
);

afterAll(async () => {
  if (clients.length === 0) return;
  try {
    const admin = await newClient();
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${root}*`, 'COUNT', 1000);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    for (const client of clients) client.disconnect();
  }
});

function code(overrides: Partial<CashCode> = {}): CashCode {
  return sampleCode({
    status: 'pending',
    cip: String(2_400_000 + Math.floor(Math.random() * 1_000_000)),
    ...overrides,
  });
}

// Registered only with a server, so that a run without one shows exactly one skipped test above.
if (url) {
  describe('redisStore', () => {
    it('writes the documented key layout: codes and logs persist, markers, values and counters expire', async () => {
      const admin = await newClient();
      const prefix = `${root}layout:`;
      const store = redisStore(admin, { keyPrefix: prefix });
      const fresh = code();
      await store.claimOrder(fresh);
      await store.consumeOnce('webhook:1', 60_000);
      await store.putValue('share:1', 'secret', 60_000);
      await store.hit('ip:1', 5, 60_000);
      const event = {
        id: 'event-1',
        type: 'code.created' as const,
        codeId: fresh.id,
        orderId: fresh.orderId,
        cip: fresh.cip,
        at: new Date(),
        source: 'issue' as const,
        data: {},
      };
      await store.appendRecords({ entries: [{ ...entryOf(fresh.id), id: 'entry-1' }], events: [event] });
      const keys = (await admin.keys(`${prefix}*`)).map((key) => key.slice(prefix.length)).sort();
      expect(keys).toEqual(
        [
          `cip:${fresh.cip}`,
          `code:${fresh.id}`,
          'due',
          'hit:ip:1',
          'idx:all',
          'idx:status:pending',
          'idx:upd:pending',
          `log:${fresh.id}`,
          `logids:${fresh.id}`,
          'once:webhook:1',
          `order:${fresh.orderId}`,
          'schema',
          'val:share:1',
          'ev:event-1',
          'evseq',
          'evall',
          'evstate:pending',
          `evcode:${fresh.id}`,
          `evstream:c:${fresh.id}`,
          'evdue',
        ].sort(),
      );
      const persistentKeys = [`code:${fresh.id}`, `order:${fresh.orderId}`, `log:${fresh.id}`, `logids:${fresh.id}`];
      for (const persistent of [...persistentKeys, 'ev:event-1', 'evall']) {
        expect(await admin.pttl(prefix + persistent)).toBe(-1);
      }
      for (const expiring of ['once:webhook:1', 'val:share:1', 'hit:ip:1']) {
        const ttl = await admin.pttl(prefix + expiring);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
    });

    it("honours the client's own keyPrefix in scripts and in plain commands alike", async () => {
      const outer = await newClient({ keyPrefix: `${root}outer:` });
      const store = redisStore(outer, { keyPrefix: 'inner:' });
      const fresh = code();
      await store.claimOrder(fresh);
      expect(await store.getCode(fresh.id)).toEqual(fresh);
      expect(await store.getCodeByCip(fresh.cip!)).toEqual(fresh);
      expect(await store.getCodeByOrder(fresh.orderId)).toEqual(fresh);
      expect(await (await newClient()).exists(`${root}outer:inner:code:${fresh.id}`)).toBe(1);
    });

    it('reloads its scripts after SCRIPT FLUSH (EVALSHA falls back to EVAL)', async () => {
      const client = await newClient();
      const store = redisStore(client, { keyPrefix: `${root}flush:` });
      const first = code();
      await store.claimOrder(first);
      await client.script('FLUSH');
      const second = code();
      expect(await store.claimOrder(second)).toEqual({ claimed: true, code: second });
      expect(await store.getCodeByCip(first.cip!)).toEqual(first);
    });

    it('refuses a key prefix with spaces, control characters or more than 64 characters', async () => {
      const client = await newClient();
      for (const keyPrefix of ['', 'has space:', 'tab\t:', 'a'.repeat(65)]) {
        expect(() => redisStore(client, { keyPrefix })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
      }
    });

    it('a disconnected client makes operations reject with a StorageError', async () => {
      const client = await newClient();
      const store = redisStore(client, { keyPrefix: `${root}down:` });
      client.disconnect();
      const fresh = code();
      for (const pending of [store.claimOrder(fresh), store.consumeOnce('webhook:1', 1000), store.hit('ip', 1, 1000)]) {
        const error = await rejection(pending);
        expect(error.code).toBe('storage_error');
        expect(error.message).toMatch(/^Store operation "redis\.\w+" failed/);
      }
      expect(await redisStore(await newClient(), { keyPrefix: `${root}down:` }).getCode(fresh.id)).toBeNull();
    });

    it('a claim cut off by a disconnect is all or nothing', async () => {
      const prefix = `${root}cut:`;
      const reader = redisStore(await newClient(), { keyPrefix: prefix });
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const client = await newClient();
        await client.ping();
        const fresh = code();
        const pending = redisStore(client, { keyPrefix: prefix })
          .claimOrder(fresh)
          .then(
            () => 'resolved',
            (error: unknown) => (isPagoEfectivoKitError(error, 'storage_error') ? 'rejected' : 'other'),
          );
        client.disconnect();
        expect(await pending).not.toBe('other');
        // Whatever the client saw, the server holds either the whole claim or none of it.
        const byId = await reader.getCode(fresh.id);
        expect(await reader.getCodeByOrder(fresh.orderId)).toEqual(byId);
        expect(await reader.getCodeByCip(fresh.cip!)).toEqual(byId);
      }
    });
  });
}

function entryOf(subject: string): Parameters<ReturnType<typeof redisStore>['appendLog']>[0] {
  return {
    subject,
    orderId: null,
    cip: null,
    type: 'note',
    actor: 'system',
    at: new Date('2026-03-01T15:00:00.000Z'),
    reason: null,
    from: null,
    to: null,
    data: {},
  };
}
