/**
 * The scale series (`npm run bench -- --scale`, not part of a plain `npm run bench`): how the costs of
 * the sweeper and of listings grow with the number of codes, on every store. Per store:
 *
 * - drain: after an unmeasured warm-up drain of 2k, 10k and then 100k due pending codes (CIPs the fake PagoEfectivo reports expired), each in
 *   a fresh instance, drained by `codes.sweepExpired()` until none is due: the per-code cost at 100k
 *   over the one at 10k (goal ≤ 1.3x). A drain still running after its time box stops there and its
 *   cost is of the part drained (the row says so).
 * - levels: instances holding 10k, 100k and 1M stored final codes (60 % paid, 30 % expired, 10 %
 *   cancelled) and, at every size, the same 1000 pending codes that are not due, measured in interleaved rounds: an idle `sweepExpired()` tick and one
 *   `listCodes({ statuses, limit: 100 })` page of four shapes, median per call; 1M over 10k (goal ≤ 2x).
 *
 * Every stored code is a copy of a code the service really issued, paid, cancelled or expired; final
 * codes are written natively (bench/_scale/seed-*.ts, which must follow each store's schema), pending
 * ones through the store's own `claimOrder`, and every instance is checked through the public API
 * before it is measured. PostgreSQL, Redis and MySQL / MariaDB run when PAGOEFECTIVO_KIT_TEST_*_URL is
 * set (random table / key prefixes, dropped afterwards, also after a failure or Ctrl-C). Names after
 * `--scale` pick stores: `npm run bench -- --scale memory postgres`.
 */
import { randomBytes } from 'node:crypto';
import { type DrainMeasure, measureDrain } from './_scale/drain.js';
import { buildTemplates, createDuePendingCodes, createWorld } from './_scale/fixtures.js';
import { IDLE_TICK, type Level, LIST_SHAPES, measureLevels, type RoundPlan, seedLevel } from './_scale/levels.js';
import { seconds, timed } from './_scale/measure.js';
import { createPopulation } from './_scale/population.js';
import { markdownTable, type ReportRow, SIZES, textTable } from './_scale/report.js';
import { type StoreKind, storeKinds } from './_scale/subjects.js';

/** Due codes of the two drains. */
const DRAINS = [10_000, 100_000] as const;
/** How long each drain may run before it stops and reports the part drained. */
const DRAIN_BOX_MS: Record<number, number> = { 10000: 30_000, 100000: 150_000 };
/**
 * Due codes of the unmeasured drain that runs first on every store: it warms the store's code paths
 * and the server's caches, which otherwise all fall on the 10k drain (PostgreSQL's per-code cost of a
 * cold 10k drain was twice that of the 100k drain after it).
 */
const WARM_UP_DRAIN = 2_000;
/**
 * Interleaved rounds of the level metrics: 25, or 5 once a minute has passed (slow stores). Many rounds
 * keep a garbage collection of the memory store's million-code heap, which slows every call while it
 * marks, from deciding a median (7 rounds once let it put one listing at 2.17x).
 */
const ROUNDS: RoundPlan = { rounds: 25, minRounds: 5, boxMs: 60_000 };
/** The issue's budget for the whole series. */
const BUDGET_MS = 10 * 60_000;

function drainRow(store: string, drains: readonly DrainMeasure[]): ReportRow {
  const partial = drains.filter((drain) => !drain.complete);
  const note =
    partial.length === 0
      ? undefined
      : `time box: ${partial.map((drain) => `${drain.drained} of ${drain.due / 1000}k drained`).join(', ')}`;
  return {
    store,
    metric: 'drain due codes (per code)',
    costs: Object.fromEntries(drains.map((drain) => [drain.due, drain.perCodeMs])),
    ratioOf: [DRAINS[0], DRAINS[1]],
    goal: 1.3,
    ...(note !== undefined && { note }),
  };
}

async function measureStore(
  kind: StoreKind,
  world: ReturnType<typeof createWorld>,
  due: Parameters<typeof measureDrain>[2],
  templates: Awaited<ReturnType<typeof buildTemplates>>,
  runId: string,
): Promise<ReportRow[]> {
  await measureDrain(kind, world, due.slice(0, WARM_UP_DRAIN), DRAIN_BOX_MS[DRAINS[0]]!);
  const drains: DrainMeasure[] = [];
  for (const size of DRAINS) drains.push(await measureDrain(kind, world, due.slice(0, size), DRAIN_BOX_MS[size]!));
  const levels: Level[] = [];
  try {
    for (const size of SIZES) {
      const population = createPopulation(templates, `scale-${runId}-${size}`, world.now());
      levels.push(await seedLevel(kind, population, size));
    }
    const { result, ms } = await timed(() => measureLevels(world, levels, ROUNDS));
    const { medians, rounds } = result;
    console.log(`scale: ${kind.name} levels measured in ${seconds(ms)} (${rounds} interleaved rounds)`);
    const metrics = [IDLE_TICK, ...LIST_SHAPES.map((shape) => shape.name)];
    return [
      drainRow(kind.name, drains),
      ...metrics.map((metric) => ({
        store: kind.name,
        metric: `${metric} (per call)`,
        costs: medians[metric] ?? {},
        ratioOf: [SIZES[0], SIZES[2]] as const,
        goal: 2,
      })),
    ];
  } finally {
    for (const level of levels) await level.instance.drop();
  }
}

/** Run the scale series on the stores named in `stores` (all when empty) and print its table. */
export async function run(stores: readonly string[] = []): Promise<void> {
  const started = performance.now();
  const runId = randomBytes(3).toString('hex');
  const kinds = storeKinds(stores);
  const rows: ReportRow[] = [];
  // Ctrl-C: print the stores measured so far, drop what this run wrote, then leave.
  const interrupted = async (): Promise<void> => {
    if (rows.length > 0) console.log(`\ninterrupted; measured so far:\n\n${markdownTable(rows)}\n`);
    for (const kind of kinds) await kind.close().catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    const templates = await buildTemplates(runId);
    const world = createWorld();
    const cips = await timed(() => createDuePendingCodes(world, templates.pending, DRAINS[1], runId));
    console.log(`scale: ${DRAINS[1]} CIPs created at the fake and expired in ${seconds(cips.ms)}`);
    for (const kind of kinds) {
      try {
        const storeRows = await measureStore(kind, world, cips.result, templates, runId);
        console.log(textTable(storeRows));
        rows.push(...storeRows);
      } finally {
        await kind.close();
      }
      console.log(`scale: ${kind.name} done at ${seconds(performance.now() - started)}`);
    }
  } finally {
    process.removeListener('SIGINT', interrupted);
    for (const kind of kinds) await kind.close().catch(() => undefined);
  }
  const total = performance.now() - started;
  console.log(`\n${textTable(rows)}\n`);
  console.log(`${markdownTable(rows)}\n`);
  const verdict = total <= BUDGET_MS ? 'within' : 'OVER';
  console.log(`scale: whole series ${seconds(total)}, ${verdict} the ${BUDGET_MS / 60_000}-minute budget`);
}
