import type { CodeStatus } from '../../src/model/code.js';
import type { FakeWorld } from './fixtures.js';
import { median, sampleMs, seconds, timed } from './measure.js';
import { type Population, pendingNumbers } from './population.js';
import { claimAll } from './seed-memory.js';
import type { ScaleStore, StoreKind } from './subjects.js';
import { expectListed, expectStored } from './verify.js';

/** The metrics measured at every level: an idle sweep tick and one `listCodes` page per shape. */
export const LIST_SHAPES: readonly { name: string; statuses: readonly CodeStatus[] }[] = [
  { name: "listCodes ['paid']", statuses: ['paid'] },
  { name: "listCodes ['expired','cancelled']", statuses: ['expired', 'cancelled'] },
  { name: "listCodes ['pending']", statuses: ['pending'] },
  { name: "listCodes ['reserving']", statuses: ['reserving'] },
];
export const IDLE_TICK = 'idle sweepExpired tick';

/** Final codes per seeding call. */
const SEED_CHUNK = 100_000;

/** A store instance holding `size` codes of a population. */
export interface Level {
  size: number;
  instance: ScaleStore;
  population: Population;
}

const numberOf = (id: string): number => Number(id.slice(-7));

/**
 * Seed `size` codes of `population` into a fresh instance of `kind` (final codes natively, pending
 * ones through `claimOrder`) and check them through the public API.
 */
export async function seedLevel(kind: StoreKind, population: Population, size: number): Promise<Level> {
  const instance = await kind.open();
  const seeding = await timed(async () => {
    for (let from = 0; from < size; from += SEED_CHUNK) {
      await instance.seedFinal(population, from, Math.min(from + SEED_CHUNK, size));
    }
    const pending = pendingNumbers().map((i) => population.code(i));
    await claimAll(instance.store, pending, 8);
  });
  const samples = [0, 1, 599, 600, 899, 900, 999, size - 1, Math.floor(size / 3), Math.floor(size / 7)];
  samples.push(...pendingNumbers().filter((_, k) => k % 250 === 0));
  await expectStored(
    instance.store,
    samples.map((i) => population.code(i)),
  );
  const expectedOf = (id: string) => population.code(numberOf(id));
  await expectListed(instance.store, ['paid'], size, expectedOf);
  await expectListed(instance.store, ['expired', 'cancelled'], size, expectedOf);
  await expectListed(instance.store, ['pending'], pendingNumbers().length, expectedOf);
  await expectListed(instance.store, ['reserving'], 0, expectedOf);
  console.log(`scale: ${kind.name} ${size} stored codes seeded and checked in ${seconds(seeding.ms)}`);
  return { size, instance, population };
}

/** Median per-call milliseconds of each metric at each level: `result[metric][size]`. */
export type LevelMeasures = Record<string, Record<number, number>>;

/** How many interleaved rounds the level metrics get, and how long they may take. */
export interface RoundPlan {
  /** Rounds when time allows. */
  rounds: number;
  /** Rounds even when the time box ran out (slow stores still get a median of several samples). */
  minRounds: number;
  boxMs: number;
}

/**
 * Measure every metric at every level in interleaved rounds (each round visits the levels in a
 * rotated order, so drifting machine load falls on all of them alike) and keep the medians. Rounds stop
 * at `plan.rounds`, or after `plan.minRounds` once `plan.boxMs` ran out. Resolves to the medians and
 * the number of rounds run.
 */
export async function measureLevels(
  world: FakeWorld,
  levels: readonly Level[],
  plan: RoundPlan,
): Promise<{ medians: LevelMeasures; rounds: number }> {
  const services = levels.map((level) => world.service(level.instance.store).codes);
  // An idle tick must find nothing to do; otherwise it is not the tick being measured.
  for (const [index, codes] of services.entries()) {
    const summary = await codes.sweepExpired();
    const busy = summary.expired + summary.paid + summary.review + summary.released + summary.skipped;
    if (busy + summary.unconfirmed + summary.errors > 0) {
      throw new Error(`idle tick at ${levels[index]!.size} codes was not idle: ${JSON.stringify(summary)}`);
    }
  }
  const samples: Record<string, Record<number, number[]>> = {};
  const record = (metric: string, size: number, ms: number): void => {
    const bySize = samples[metric] ?? {};
    samples[metric] = bySize;
    const values = bySize[size] ?? [];
    values.push(ms);
    bySize[size] = values;
  };
  const start = performance.now();
  let round = 0;
  for (; round < plan.rounds; round += 1) {
    if (round >= plan.minRounds && performance.now() - start > plan.boxMs) break;
    for (let step = 0; step < levels.length; step += 1) {
      const index = (round + step) % levels.length;
      const { size, instance } = levels[index]!;
      record(IDLE_TICK, size, await sampleMs(() => services[index]!.sweepExpired()));
      for (const shape of LIST_SHAPES) {
        const page = () => instance.store.listCodes({ statuses: shape.statuses, limit: 100 });
        record(shape.name, size, await sampleMs(page));
      }
    }
  }
  const medians: LevelMeasures = {};
  for (const [metric, bySize] of Object.entries(samples)) {
    medians[metric] = Object.fromEntries(Object.entries(bySize).map(([size, values]) => [size, median(values)]));
  }
  return { medians, rounds: round };
}
