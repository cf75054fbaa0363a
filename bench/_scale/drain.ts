import type { CashCode } from '../../src/model/code.js';
import type { FakeWorld } from './fixtures.js';
import { seconds, timed } from './measure.js';
import type { StoreKind } from './subjects.js';
import { expectListed, expectStored } from './verify.js';

/** What draining a backlog of due codes cost on one store. */
export interface DrainMeasure {
  due: number;
  drained: number;
  /** Wall time of the sweeps, from the first to the last. */
  ms: number;
  perCodeMs: number;
  /** `false` when the time box ran out before the backlog was drained (the cost is of the part drained). */
  complete: boolean;
}

/** Codes per seeding call: bounded statements and parameter arrays. */
const SEED_CHUNK = 5000;

/**
 * Seed `due` (pending, expired, their CIPs expired at the fake) into a fresh instance of `kind`, check
 * them through the public API, then run `codes.sweepExpired()` (default limit, events delivered to
 * `onEvent`) until every code is expired or `boxMs` ran out. A sweep that expires nothing while codes
 * are due, or an event count that differs from the codes expired, stops the run.
 */
export async function measureDrain(
  kind: StoreKind,
  world: FakeWorld,
  due: readonly CashCode[],
  boxMs: number,
): Promise<DrainMeasure> {
  const instance = await kind.open();
  try {
    const seeding = await timed(async () => {
      for (let start = 0; start < due.length; start += SEED_CHUNK) {
        await instance.seedCodes(due.slice(start, start + SEED_CHUNK));
      }
    });
    const byId = new Map(due.map((code) => [code.id, code]));
    await expectStored(instance.store, [due[0]!, due[Math.floor(due.length / 2)]!, due.at(-1)!]);
    await expectListed(instance.store, ['pending'], due.length, (id) => byId.get(id));
    const { codes, delivered } = world.service(instance.store);
    let drained = 0;
    let firstSwept: string | null = null;
    const start = performance.now();
    while (drained < due.length && performance.now() - start < boxMs) {
      const summary = await codes.sweepExpired();
      if (summary.expired === 0 || summary.errors > 0) {
        throw new Error(`${kind.name}: a sweep with ${due.length - drained} codes due did ${JSON.stringify(summary)}`);
      }
      firstSwept ??= summary.changed[0]?.codeId ?? null;
      drained += summary.expired;
    }
    const ms = performance.now() - start;
    if (delivered() !== drained) {
      throw new Error(`${kind.name}: ${drained} codes expired but ${delivered()} events were delivered`);
    }
    const swept = firstSwept === null ? null : await instance.store.getCode(firstSwept);
    if (swept?.status !== 'expired')
      throw new Error(`${kind.name}: swept code ${firstSwept} reads back ${swept?.status}`);
    const complete = drained === due.length;
    console.log(
      `scale: ${kind.name} drain ${due.length}: seeded in ${seconds(seeding.ms)}, ` +
        `${complete ? 'drained' : `drained ${drained} of them (time box)`} in ${seconds(ms)}`,
    );
    return { due: due.length, drained, ms, perCodeMs: ms / drained, complete };
  } finally {
    await instance.drop();
  }
}
