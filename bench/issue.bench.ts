/**
 * Service overhead: `codes.issue` (a new order each time) with memoryStore against the in-process fake,
 * compared with the bare `client.createCip` call it wraps, measured in the same run. The difference is
 * what the service adds: input validation, expiry policy, the order claim, the lifecycle log and the
 * CAS commit. Goal: `issue` costs less than 2x the bare `createCip` (profiles show the memory store's deep
 * copies of codes and log entries, not the service logic, are most of the difference).
 */
import { Bench } from 'tinybench';
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import type { CreateCipInput } from '../src/model/provider.js';
import { memoryStore } from '../src/storage/memory.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const TARGET_RATIO = 2;
const BARE = 'client.createCip';
const ISSUE = 'codes.issue (new order)';

function opsPerSecond(bench: Bench, name: string): number {
  const result = bench.getTask(name)?.result;
  if (result === undefined || !('throughput' in result)) throw new Error(`benchmark task "${name}" did not complete`);
  return result.throughput.mean;
}

/** Run the benchmark and print issues/s, createCip/s and the overhead ratio. */
export async function run(): Promise<void> {
  const fake = createFakePagoEfectivo({ ...CREDS, tokenLifetimeMs: 24 * 3600_000 });
  const client = createPagoEfectivoClient({ ...CREDS, fetch: fake.fetch });
  const codes = createCashCodes({ client, store: memoryStore() });
  let sequence = 0;
  const nextId = (): number => {
    sequence += 1;
    return sequence;
  };
  const payer = { email: 'ana@example.pe', firstName: 'Ana' };
  const bareInput = (): CreateCipInput => ({
    currency: 'PEN',
    amount: '150.50',
    transactionCode: `bench-${nextId()}`,
    userEmail: payer.email,
    userName: payer.firstName,
    dateExpiry: new Date(Date.now() + 24 * 3600_000),
  });
  // Warm the token cache so neither side pays for authentication.
  await client.createCip(bareInput());

  const tasks: Record<string, () => Promise<unknown>> = {
    [BARE]: () => client.createCip(bareInput()),
    [ISSUE]: () => codes.issue({ orderId: `ORD-${nextId()}`, amount: '150.50', currency: 'PEN', payer }),
  };
  // Two rounds in opposite task order, averaged, so that warm-up and GC order favour neither side.
  const totals = new Map<string, number>();
  for (const names of [Object.keys(tasks), Object.keys(tasks).reverse()]) {
    const bench = new Bench({ time: 1000, warmupTime: 200 });
    for (const name of names) bench.add(name, tasks[name] as () => Promise<unknown>);
    await bench.run();
    for (const name of names) totals.set(name, (totals.get(name) ?? 0) + opsPerSecond(bench, name) / 2);
    fake.clearRequests();
  }
  const bare = totals.get(BARE) ?? 0;
  const issued = totals.get(ISSUE) ?? 0;
  const ratio = bare / issued;
  const verdict = ratio < TARGET_RATIO ? 'ok' : `ABOVE TARGET ${TARGET_RATIO}x`;
  console.log(
    `issue  createCip ${bare.toFixed(0).padStart(6)} ops/s | issue ${issued.toFixed(0).padStart(6)} issues/s | ` +
      `issue costs ${ratio.toFixed(2)}x the bare createCip (${verdict})`,
  );
}
