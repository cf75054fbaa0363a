/**
 * Client overhead: `client.createCip` / `client.searchCips` against the in-process fake, compared
 * with a bare ofetch POST of the same body to the same fake with a token obtained beforehand.
 * The difference is what the client adds (validation, body building, token cache, response
 * validation and mapping). Goal: the client costs less than 1.5x the bare call.
 */
import { ofetch } from 'ofetch';
import { Bench } from 'tinybench';
import { createPagoEfectivoClient } from '../src/client/index.js';
import type { CreateCipInput } from '../src/model/provider.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const TARGET_RATIO = 1.5;

function opsPerSecond(bench: Bench, name: string): number {
  const result = bench.getTask(name)?.result;
  if (result === undefined || !('throughput' in result)) throw new Error(`benchmark task "${name}" did not complete`);
  return result.throughput.mean;
}

/** Run the benchmark and print ops/s and ratios. */
export async function run(): Promise<void> {
  const fake = createFakePagoEfectivo({ ...CREDS, tokenLifetimeMs: 24 * 3600_000 });
  const client = createPagoEfectivoClient({ ...CREDS, fetch: fake.fetch });
  await client.authenticate();
  const expiry = new Date(Date.now() + 48 * 3600_000);
  const input: CreateCipInput = {
    currency: 'PEN',
    amount: '150.50',
    transactionCode: 'ORD-0001',
    userEmail: 'ana@example.pe',
    paymentConcept: 'Pedido ORD-0001',
    dateExpiry: expiry,
  };

  // The baseline: the same request, serialised once, sent with ofetch and a pre-obtained token.
  const bare = ofetch.create({ baseURL: fake.baseUrl }, { fetch: fake.fetch as typeof globalThis.fetch });
  const auth = await bare.raw('authorizations', { method: 'POST', body: fake.requests()[0]?.body });
  const token = (auth._data as { data: { token: string } }).data.token;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const { cip } = await client.createCip(input);
  // Byte for byte the body the client just sent.
  const cipBody = fake.requests().at(-1)?.body ?? '';
  const searchBody = JSON.stringify({ data: [{ cip: Number(cip) }] });

  const tasks: Record<string, () => Promise<unknown>> = {
    'bare ofetch POST /v1/cips': () => bare('cips', { method: 'POST', headers, body: cipBody }),
    'client.createCip': () => client.createCip(input),
    'bare ofetch POST /v1/cips/search': () => bare('cips/search', { method: 'POST', headers, body: searchBody }),
    'client.searchCips (1 CIP)': () => client.searchCips([cip]),
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
  const ops = (name: string): number => totals.get(name) ?? 0;

  const rows = [
    ['createCip', ops('bare ofetch POST /v1/cips'), ops('client.createCip')],
    ['searchCips', ops('bare ofetch POST /v1/cips/search'), ops('client.searchCips (1 CIP)')],
  ] as const;
  for (const [name, baseline, measured] of rows) {
    const ratio = baseline / measured;
    const verdict = ratio < TARGET_RATIO ? 'ok' : `ABOVE TARGET ${TARGET_RATIO}x`;
    console.log(
      `${name.padEnd(11)} bare ${baseline.toFixed(0).padStart(7)} ops/s | client ${measured.toFixed(0).padStart(7)} ops/s | ` +
        `client costs ${ratio.toFixed(2)}x the bare call (${verdict})`,
    );
  }
}
