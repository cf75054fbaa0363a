import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../../src/client/index.js';
import { createCashCodes } from '../../../src/codes/index.js';
import type { CashCode } from '../../../src/model/code.js';
import type { CashCodeStore } from '../../../src/storage/contract.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../../src/testing/index.js';
import { type Backend, dueCode } from './backends.js';
import { FAKE_CREDENTIALS } from './protocol.js';
import { startWorkers, type Workers } from './workers.js';

// Four OS processes, each with its own connection, race on one shared store. Every process would
// otherwise have its own in-process fake PagoEfectivo, so this process serves ONE fake over HTTP and
// every worker's real client talks to it: the fake's request counts are the ground truth.

const PROCESSES = 4;
const CALLS = 50;
const ORDERS = 20;
/** This test run's id: table and key prefixes, order ids. */
export const run = randomBytes(4).toString('hex');

const ids = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}-${run}-${index}`);

async function codesOf(store: CashCodeStore, orderIds: readonly string[]): Promise<CashCode[]> {
  const wanted = new Set(orderIds);
  const found: CashCode[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listCodes({ limit: 1000, cursor });
    found.push(...page.codes.filter((code) => wanted.has(code.orderId)));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return found;
}

/** The multi-process race tests on one backend (skipped, visibly, with `skipReason`). */
export function describeMultiprocess(name: string, skipReason: string | null, setup: () => Backend): void {
  describe(`multi-process: ${name}`, () => {
    if (skipReason !== null) {
      it.skip(`skipped: ${skipReason}`, () => {});
      return;
    }
    let backend: Backend;
    let workers: Workers;
    let store: CashCodeStore;
    let fake: FakePagoEfectivo;
    let baseUrl: string;

    beforeAll(async () => {
      backend = setup();
      workers = await startWorkers(PROCESSES, backend.spec);
      store = backend.open();
      fake = createFakePagoEfectivo(FAKE_CREDENTIALS);
      baseUrl = await fake.listen();
    }, 120_000);
    afterAll(async () => {
      await workers?.stop();
      await fake?.close();
      await backend?.cleanup();
    });

    it('4 processes × 50 concurrent claims over 20 orders: one winner per order, seen by every loser', async () => {
      const orderIds = ids('claim', ORDERS);
      const results = (
        await workers.run<{ orderId: string; winner: string; claimed: boolean }[]>({
          type: 'claim',
          calls: CALLS,
          orderIds,
          tag: 'claim',
        })
      ).flat();
      expect(results).toHaveLength(PROCESSES * CALLS);
      for (const orderId of orderIds) {
        const mine = results.filter((result) => result.orderId === orderId);
        expect(mine.filter((result) => result.claimed)).toHaveLength(1);
        expect(new Set(mine.map((result) => result.winner)).size).toBe(1);
        expect((await store.getCodeByOrder(orderId))?.id).toBe(mine[0]!.winner);
      }
      expect(await codesOf(store, orderIds)).toHaveLength(ORDERS);
    });

    it('a dedupe key consumed by one process is refused by every other', async () => {
      const keys = ids('webhook:cip', CALLS);
      const wins = await workers.run<boolean[]>({ type: 'consume', calls: CALLS, keys });
      for (let key = 0; key < CALLS; key += 1) {
        expect(wins.filter((perProcess) => perProcess[key]).length).toBe(1);
      }
      for (const key of keys) expect(await store.consumeOnce(key, 60_000)).toBe(false);
    });

    it('sweeper processes draining claimExpired at once never get the same code', async () => {
      const base = Date.UTC(1995, 0, 1) + Math.floor(Math.random() * 86_400_000);
      const due = Array.from({ length: 60 }, (_, index) => dueCode(`due-${run}-${index}`, base + index));
      for (const code of due) await store.claimOrder(code);
      const taken = (await workers.run<string[]>({ type: 'drain', calls: 5, cutoffMs: base + 1_000, limit: 3 })).flat();
      expect(new Set(taken).size).toBe(taken.length);
      expect(taken.filter((id) => id.startsWith(`due-${run}`)).sort()).toEqual(due.map((code) => code.id).sort());
      for (const code of due) await store.updateCode({ ...code, status: 'expired', version: 2 }, 1);
    });

    it('4 processes × 50 concurrent issue calls over 20 orders: 20 codes and 20 createCip calls', async () => {
      const orderIds = ids('order', ORDERS);
      fake.clearRequests();
      const results = (
        await workers.run<{ orderId: string; codeId: string; cip: string | null; created: boolean }[]>({
          type: 'issue',
          calls: CALLS,
          orderIds,
          baseUrl,
        })
      ).flat();
      expect(results).toHaveLength(PROCESSES * CALLS);
      expect(fake.stats().createCip).toBe(ORDERS);
      expect(results.filter((result) => result.created)).toHaveLength(ORDERS);
      for (const orderId of orderIds) {
        const mine = results.filter((result) => result.orderId === orderId);
        expect(new Set(mine.map((result) => result.codeId)).size).toBe(1);
        const stored = await store.getCodeByOrder(orderId);
        expect(stored).toMatchObject({ id: mine[0]!.codeId, status: 'pending', cip: mine[0]!.cip });
      }
      const stored = await codesOf(store, orderIds);
      expect(stored).toHaveLength(ORDERS);
      expect(new Set(stored.map((code) => code.cip)).size).toBe(ORDERS);
    });

    it('two sweeper processes at once expire each code exactly once', async () => {
      const client = createPagoEfectivoClient({ ...FAKE_CREDENTIALS, baseUrl, retry: { retries: 0 } });
      const codes = createCashCodes({ client, store });
      const issued: CashCode[] = [];
      for (const orderId of ids('sweep', 12)) {
        const payer = { email: 'comprador@example.pe' };
        const { code } = await codes.issue({ orderId, amount: '12.50', currency: 'PEN', payer, expiresInHours: 1 });
        fake.expire(code.cip!);
        issued.push(code);
      }
      const nowMs = Date.now() + 2 * 3_600_000;
      const summaries = (
        await workers.run<{ expired: number }[]>({ type: 'sweep', calls: 1, nowMs, limit: 5, baseUrl }, 2)
      ).flat();
      expect(summaries.reduce((sum, summary) => sum + summary.expired, 0)).toBe(issued.length);
      for (const code of issued) {
        expect((await store.getCode(code.id))?.status).toBe('expired');
        const expiries = (await codes.history(code.id)).filter((entry) => entry.type === 'expired');
        expect(expiries).toHaveLength(1);
      }
    });
  });
}
