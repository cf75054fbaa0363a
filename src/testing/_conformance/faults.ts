import { isPagoEfectivoKitError } from '../../errors.js';
import type { CashCode } from '../../model/code.js';
import type { CashCodeStore, ClaimResult, RecordBatch } from '../../storage/contract.js';
import { commitOf, expectStored } from './commits.js';
import { brief } from './equality.js';
import { expect, fail } from './expect.js';
import { makeCode, type SuiteContext, uniqueCip, uniqueId } from './fixtures.js';
import type { FaultTiming } from './injector.js';
import { entriesFor, eventsFor, writtenEvents } from './records.js';

// A backend call can fail before it runs (connection refused) or after it ran with its reply lost (a
// connection dropped mid-answer, a COMMIT whose acknowledgement never came). Either way the caller
// sees a StorageError and must be able to tell, by re-reading, that the change landed entirely or not
// at all, and then re-execute it safely. These tests fail every backend call of one operation in turn.

/** Stop if an operation is still making calls after this many: something loops. */
const MAX_CALLS = 200;

/** One operation to fail at every call: how to run it, and the two states it may leave. */
interface Attempt {
  run(): Promise<unknown>;
  /** Whether a resolved value says the operation took effect. */
  done(value: unknown): boolean;
  /** Whether the re-read state is the one after the operation. */
  landed(): Promise<boolean>;
  expectBefore(label: string): Promise<void>;
  expectAfter(label: string): Promise<void>;
}

type Scenario = (ctx: SuiteContext, store: CashCodeStore) => Promise<Attempt>;

async function outcomeOf(
  promise: Promise<unknown>,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Prove that the factory really routes backend calls through the controller. */
async function probe(ctx: SuiteContext): Promise<void> {
  const faults = ctx.faults();
  const before = faults.calls;
  await ctx.store().getCode(uniqueId('probe'));
  if (faults.calls === before) {
    fail(
      'faultInjection is set, but store.getCode() made no call through context.faults.intercept(): ' +
        'run every backend call of the store through it in makeStore (see StoreFaults).',
    );
  }
}

/** Fail call 1, 2, … of one operation, before and after, until it completes without meeting the fault. */
async function atEveryCall(ctx: SuiteContext, name: string, scenario: Scenario): Promise<void> {
  await probe(ctx);
  const store = ctx.store();
  const faults = ctx.faults();
  for (let call = 1; call <= MAX_CALLS; call += 1) {
    let struck = false;
    for (const timing of ['before', 'after'] as FaultTiming[]) {
      const label = `${name} with a fault at backend call ${call} (${timing})`;
      const attempt = await scenario(ctx, store);
      faults.arm(call, timing);
      const outcome = await outcomeOf(attempt.run());
      const fired = faults.fired;
      faults.disarm();
      struck ||= fired;
      if (outcome.ok) {
        expect(attempt.done(outcome.value), `${label}: answered ${brief(outcome.value)}`).toBe(true);
      } else {
        const storageError = isPagoEfectivoKitError(outcome.error, 'storage_error');
        expect(storageError, `${label}: rejected with ${brief(outcome.error)}, expected a StorageError`).toBe(true);
        expect(fired, `${label}: rejected although the fault never struck`).toBe(true);
      }
      // Never a mix: all of it or none of it, and a success means all of it.
      const landed = await attempt.landed();
      if (outcome.ok) expect(landed, `${label}: answered success but the change is not stored`).toBe(true);
      await (landed ? attempt.expectAfter(label) : attempt.expectBefore(label));
      // With the backend healthy again, the caller's retry completes it, exactly once.
      const again = await attempt.run();
      expect(attempt.done(again), `${label}, re-executed: answered ${brief(again)}`).toBe(true);
      await attempt.expectAfter(`${label}, re-executed`);
    }
    if (!struck) {
      expect(call > 1, `${name} made no backend call at all`).toBe(true);
      return;
    }
  }
  fail(`${name} still made backend calls after ${MAX_CALLS}: is it retrying forever?`);
}

const commitScenario: Scenario = async (ctx, store) => {
  const code = makeCode();
  await store.claimOrder(code);
  const commit = commitOf(ctx, code);
  return {
    run: () => store.commitCode(commit),
    done: (value) => value === true,
    landed: async () => (await store.getCode(code.id))?.version === commit.code.version,
    expectBefore: (label) => expectStored(store, code, { entries: [], events: [] }, label),
    expectAfter: (label) => expectStored(store, commit.code, commit, label),
  };
};

/** A claim (`replacing` the order's failed code when given) carrying an entry and two events. */
function claimScenario(replacing: boolean): Scenario {
  return async (ctx, store) => {
    const old = replacing ? makeCode({ status: 'failed', cip: null, cipUrl: null }) : null;
    if (old !== null) await store.claimOrder(old);
    const code = makeCode(old === null ? {} : { orderId: old.orderId });
    const records: RecordBatch = {
      entries: entriesFor(code.id, 1, { type: 'reserved' }),
      events: eventsFor(ctx, code.id, 2),
    };
    const options = old === null ? records : { ...records, replacing: { id: old.id, version: old.version } };
    const orderHolds = async (holder: CashCode | null, label: string): Promise<void> => {
      expect(await store.getCodeByOrder(code.orderId), `${label}: the order's code`).toEqual(holder);
    };
    return {
      run: () => store.claimOrder(code, options),
      done: (value) => (value as ClaimResult).claimed === true,
      landed: async () => (await store.getCode(code.id)) !== null,
      async expectBefore(label) {
        await orderHolds(old, label);
        expect(await store.getCodeByCip(code.cip!), `${label}: the CIP`).toBeNull();
        expect(await store.readLog(code.id), `${label}: the lifecycle log`).toEqual([]);
        expect(await writtenEvents(store, code.id), `${label}: the outbox`).toEqual([]);
      },
      async expectAfter(label) {
        await expectStored(store, code, records, label);
        await orderHolds(code, label);
        expect(await store.getCodeByCip(code.cip!), `${label}: the CIP`).toEqual(code);
      },
    };
  };
}

const recordsScenario: Scenario = async (ctx, store) => {
  const subject = `cip:${uniqueCip()}`;
  const codeId = uniqueId('code');
  const batch = { entries: entriesFor(subject, 2, { type: 'payment_rejected' }), events: eventsFor(ctx, codeId, 2) };
  const expectRecords = async (expected: RecordBatch, label: string): Promise<void> => {
    expect(await store.readLog(subject), `${label}: the lifecycle log`).toEqual(expected.entries);
    expect(await writtenEvents(store, codeId), `${label}: the outbox`).toEqual(expected.events);
  };
  return {
    run: () => store.appendRecords(batch),
    done: (value) => value === undefined,
    landed: async () => (await store.readLog(subject)).length > 0,
    expectBefore: (label) => expectRecords({ entries: [], events: [] }, label),
    expectAfter: (label) => expectRecords(batch, label),
  };
};

/** Backend faults at every call of the atomic writes (registered only for factories that wire them). */
export function faultTests(ctx: SuiteContext): void {
  const { it } = ctx;
  it('commitCode with a fault at any backend call: old state or new state, never a mix; a retry lands once', () =>
    atEveryCall(ctx, 'commitCode', commitScenario));
  it('claimOrder with records and a fault at any backend call: all or nothing; a retry claims once', () =>
    atEveryCall(ctx, 'claimOrder', claimScenario(false)));
  it('a replacing claimOrder with a fault at any backend call: the order holds the old code or the new one', () =>
    atEveryCall(ctx, 'claimOrder (replacing)', claimScenario(true)));
  it('appendRecords with a fault at any backend call: all entries and events or none; a retry writes once', () =>
    atEveryCall(ctx, 'appendRecords', recordsScenario));
}
