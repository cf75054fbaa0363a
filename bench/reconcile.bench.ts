/**
 * Streaming reconciliation of a 1M-row settlement file (`npm run bench -- reconcile`).
 *
 * Generates the file once in a temporary folder, then in interleaved rounds (median of 3) reads it
 * raw (createReadStream, counting line ends: the I/O floor) and reconciles it with
 * `reconcileSettlement({ path }, { items: 'none', onItem })`. Prints rows/s, the ratio to the raw
 * read, and the peak RSS growth over the run (sampled every 20 ms; goal ≤ 150 MB). The store answers
 * every CIP from arithmetic (a paid code, every 50th with another amount) and holds nothing, so the
 * memory measured is the reconciliation's own.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CashCode } from '../src/model/code.js';
import { reconcileSettlement } from '../src/reconcile/index.js';
import type { CashCodeStore } from '../src/storage/contract.js';

const ROWS = Number(process.env.RECONCILE_BENCH_ROWS ?? 1_000_000);
const ROUNDS = 3;
const FIRST_CIP = 10_000_000;
const PAID_AT = new Date('2024-03-05T14:00:00Z');

async function generate(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('CIP;Monto;Moneda;Fecha de Pago;Nro. Operación;Código de Transacción\r\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i += 1) {
    chunk += `${FIRST_CIP + i};150,50;PEN;05/03/2024 09:00;OP${i};"código ${i}"\r\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function arithmeticStore(): CashCodeStore {
  const store: Pick<CashCodeStore, 'name' | 'getCodeByCip' | 'listCodes'> = {
    name: 'arithmetic',
    async getCodeByCip(cip) {
      const at = Number(cip) - FIRST_CIP;
      const amountMinor = at % 50 === 0 ? 15000 : 15050;
      return {
        id: `code-${at}`,
        orderId: `order-${at}`,
        version: 2,
        cip,
        cipUrl: null,
        amount: '150.50',
        amountMinor,
        currency: 'PEN',
        fx: null,
        payer: { email: 'b@example.com' },
        status: 'paid',
        expiresAt: PAID_AT,
        createdAt: PAID_AT,
        updatedAt: PAID_AT,
        leaseUntil: null,
        payment: { operationNumber: `OP${at}`, amountMinor, currency: 'PEN', paidAt: PAID_AT, source: 'webhook' },
        metadata: {},
      } as CashCode;
    },
    async listCodes() {
      return { codes: [], nextCursor: null };
    },
  };
  return store as CashCodeStore;
}

async function rawRead(file: string): Promise<number> {
  const started = performance.now();
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    for (const byte of chunk as Buffer) if (byte === 0x0a) lines += 1;
  }
  if (lines !== ROWS + 1) throw new Error(`raw read counted ${lines} lines`);
  return performance.now() - started;
}

async function reconcile(file: string): Promise<{ ms: number; rssGrowth: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  let items = 0;
  const report = await reconcileSettlement(
    { path: file },
    {
      store: arithmeticStore(),
      period: { from: PAID_AT, to: PAID_AT },
      items: 'none',
      onItem: () => {
        items += 1;
      },
    },
  );
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (items !== ROWS || report.counts.amount_mismatch !== Math.ceil(ROWS / 50)) {
    throw new Error(`unexpected report: ${items} items, ${report.counts.amount_mismatch} mismatches`);
  }
  return { ms, rssGrowth: peak - base };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pek-bench-reconcile-'));
  const file = path.join(dir, 'settlement.csv');
  try {
    await generate(file);
    const raw: number[] = [];
    const runs: { ms: number; rssGrowth: number }[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      raw.push(await rawRead(file));
      runs.push(await reconcile(file));
    }
    const ms = median(runs.map((r) => r.ms));
    const rawMs = median(raw);
    const growth = Math.max(...runs.map((r) => r.rssGrowth)) / 1024 / 1024;
    console.log(
      `reconcile  ${ROWS} rows streamed: ${((ROWS / ms) * 1000).toFixed(0)} rows/s ` +
        `(${(ms / rawMs).toFixed(1)}x the time of a raw read of the file, median of ${ROUNDS} interleaved rounds)`,
    );
    console.log(
      `reconcile  peak RSS growth ${growth.toFixed(1)} MB over a run (goal <= 150 MB): ${growth <= 150 ? 'met' : 'NOT met'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
