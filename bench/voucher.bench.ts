/**
 * Vouchers: PDFs per second on one core and bytes per PDF for the A4 and 80 mm receipt layouts,
 * each voucher with a fresh CIP and a freshly signed token, against a naive renderer measured in the
 * same run, in alternating rounds (same content, barcodes as bwip-js PNGs + `embedPng`, nothing
 * cached; `_voucher-baseline.ts`). Reports medians of wall and CPU time and three ratios (median,
 * throughput, CPU). Goal: at least 5x the baseline's throughput and median, at most 25 KB. Also: token create/verify with node:crypto vs
 * tweetnacl, the cold import time of the token entry (which must not load pdf-lib or bwip-js), and the
 * cold import of the voucher entry against importing pdf-lib + bwip-js alone, CPU time in alternating
 * fresh processes (`_cold-import.ts`). Goal (issue #12): ≤ 1.1x, i.e. the SDK's own code may add at
 * most a tenth to the two libraries it renders with (date-fns-tz alone had made it ~1.5x).
 *
 * The SDK is measured as Node users get it: the entries are bundled with the node:crypto seam
 * swapped in, as the Node build does (`tsup.config.ts`); the voucher cold import loads the built
 * `dist/node/voucher/index.js` when it exists (run `npm run build` first), else that bundle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import * as nacl from '../src/_crypto/ed25519.js';
import * as nodeCrypto from '../src/_crypto/ed25519.node.js';
import type { VoucherCode } from '../src/voucher/index.js';
import { compareColdImports, describeComparison, type ImportSide } from './_cold-import.js';
import { renderNaive } from './_voucher-baseline.js';

type VoucherEntry = typeof import('../src/voucher/index.js');

const TARGET_RATIO = 5;
const COLD_IMPORT_GOAL = 1.1;
const root = path.resolve(import.meta.dirname, '..');
// Inside node_modules so that the bundles' package imports resolve like the published build's.
const outDir = path.join(root, 'node_modules/.cache/pagoefectivo-kit-bench');
let sequence = 0;

const nodeSeam: Plugin = {
  name: 'node-crypto-seam',
  setup(b) {
    b.onResolve({ filter: /\/_crypto\/[\w-]+\.js$/ }, (args) => {
      const candidate = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.node.ts'));
      return existsSync(candidate) ? { path: candidate } : undefined;
    });
  },
};

async function bundle(entry: string, name: string): Promise<string> {
  const outfile = path.join(outDir, `${name}.mjs`);
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outfile,
    plugins: [nodeSeam],
    logLevel: 'silent',
    metafile: false,
  });
  return outfile;
}

/** The bench's clock: before every fresh code's expiry (renderVoucher refuses expired codes). */
const CLOCK = (): Date => new Date(Date.UTC(2026, 10, 29, 15));

function freshCode(): VoucherCode & { cip: string } {
  sequence++;
  return {
    id: `code_${sequence}`,
    orderId: `ORDER-${100000 + sequence}`,
    cip: String(27000000 + sequence),
    amountMinor: 10000 + sequence,
    currency: 'PEN',
    expiresAt: new Date(Date.UTC(2026, 11, 1, 4, 59) + sequence * 60_000),
    createdAt: new Date(),
    status: 'pending',
    payer: { firstName: 'José', lastName: 'Ñúñez Peña' },
  };
}

/** Per task: calls per second of its own wall time, median wall and CPU (user + system) ms per call. */
interface Timing {
  perSecond: number;
  medianMs: number;
  medianCpuMs: number;
}

/** Run `task` for about `ms` after a warm-up. */
async function measure(task: () => Promise<unknown>, ms = 3000, warmup = 15): Promise<Timing> {
  const [result] = await interleave([task], ms, warmup);
  return result as Timing;
}

function median(list: number[]): number {
  list.sort((a, b) => a - b);
  return list[list.length >> 1] ?? 0;
}

/**
 * Run the tasks in alternation (one call of each per round) for about `ms`, so that a noisy, shared
 * machine slows them alike. Wall time includes any time a task spends waiting (pdf-lib's `save()`
 * yields to the event loop with a timer by default); CPU time does not, so both are reported.
 */
async function interleave(tasks: ReadonlyArray<() => Promise<unknown>>, ms = 6000, warmup = 15): Promise<Timing[]> {
  for (let index = 0; index < warmup; index++) for (const task of tasks) await task();
  const durations = tasks.map((): number[] => []);
  const cpu = tasks.map((): number[] => []);
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (const [index, task] of tasks.entries()) {
      const usage = process.cpuUsage();
      const begin = performance.now();
      await task();
      durations[index]?.push(performance.now() - begin);
      const spent = process.cpuUsage(usage);
      cpu[index]?.push((spent.user + spent.system) / 1000);
    }
  }
  return durations.map((list, index) => {
    const total = list.reduce((sum, value) => sum + value, 0);
    return { perSecond: (list.length / total) * 1000, medianMs: median(list), medianCpuMs: median(cpu[index] ?? []) };
  });
}

async function vouchers(sdk: VoucherEntry): Promise<void> {
  const keys = sdk.generateVoucherKeys({ kid: 'bench' });
  const merchant = { name: 'Tienda Ñandú S.A.C.' };
  const sign = (code: VoucherCode & { cip: string }): Promise<string> =>
    sdk.createVoucherToken(code, keys.secretKey, { kid: keys.kid });
  for (const layout of ['a4', 'receipt'] as const) {
    let bytes = 0;
    let naiveBytes = 0;
    const [fast, naive] = (await interleave([
      async () => {
        bytes = (await sdk.renderVoucher(freshCode(), { merchant, layout, signing: keys, now: CLOCK })).length;
      },
      async () => {
        naiveBytes = (await renderNaive(freshCode(), merchant.name, sign, layout)).length;
      },
    ])) as [Timing, Timing];
    const code = freshCode();
    const token = await sign(code);
    const again = await measure(() =>
      sdk.renderVoucher(code, { merchant, layout, token, creationDate: code.createdAt, now: CLOCK }),
    );
    const ratio = naive.medianMs / fast.medianMs;
    const throughput = fast.perSecond / naive.perSecond;
    const cpuRatio = naive.medianCpuMs / fast.medianCpuMs;
    const met = Math.min(ratio, throughput) >= TARGET_RATIO;
    console.log(
      `${layout.padEnd(7)} renderVoucher ${fast.perSecond.toFixed(1)}/s (median ${fast.medianMs.toFixed(1)} ms, ` +
        `CPU ${fast.medianCpuMs.toFixed(1)} ms, ${bytes} B) | naive ${naive.perSecond.toFixed(1)}/s (median ` +
        `${naive.medianMs.toFixed(1)} ms, CPU ${naive.medianCpuMs.toFixed(1)} ms, ${naiveBytes} B) | ratio: median ` +
        `${ratio.toFixed(1)}x, throughput ${throughput.toFixed(1)}x, CPU ${cpuRatio.toFixed(1)}x ` +
        `(goal >= ${TARGET_RATIO}x) ${met ? 'OK' : 'BELOW GOAL'} | size ${bytes <= 25 * 1024 ? 'OK' : 'OVER'} ` +
        `(<= 25 KB) | re-render of one code ${again.perSecond.toFixed(0)}/s`,
    );
  }
}

async function tokens(): Promise<void> {
  const seed = nacl.randomBytes(32);
  const message = nacl.randomBytes(74); // signing context + payload of a typical token
  const publicKey = nacl.ed25519PublicKey(seed);
  const signature = await nacl.ed25519Sign(seed, message);
  const rates: Record<string, { sign: number; verify: number }> = {};
  for (const [name, impl] of [
    ['node:crypto', nodeCrypto],
    ['tweetnacl', nacl],
  ] as const) {
    const sign = await measure(() => impl.ed25519Sign(seed, message), 1500, 50);
    const verify = await measure(() => impl.ed25519Verify(publicKey, message, signature), 1500, 50);
    rates[name] = { sign: sign.perSecond, verify: verify.perSecond };
  }
  const [node, js] = [rates['node:crypto'], rates.tweetnacl];
  console.log(
    `token   sign: node:crypto ${node?.sign.toFixed(0)}/s vs tweetnacl ${js?.sign.toFixed(0)}/s ` +
      `(${((node?.sign ?? 0) / (js?.sign ?? 1)).toFixed(0)}x) | verify: ${node?.verify.toFixed(0)}/s vs ` +
      `${js?.verify.toFixed(0)}/s (${((node?.verify ?? 0) / (js?.verify ?? 1)).toFixed(0)}x)`,
  );
}

function coldImport(name: string, file: string): void {
  // Imports the module, then lists which heavy packages got loaded (from the CommonJS cache and
  // the ESM loader's resolved URLs, via a resolve hook-free check of import.meta.resolve).
  const script =
    `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});const ms=performance.now()-t;` +
    `const heavy=Object.keys((await import('node:module')).createRequire(import.meta.url).cache).filter((p)=>/pdf-lib|bwip-js|date-fns/.test(p));` +
    'console.log(JSON.stringify({ms,heavy:heavy.length}))';
  const times: number[] = [];
  let heavy = 0;
  for (let run = 0; run < 7; run++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    const result = JSON.parse(child.stdout.trim() || '{"ms":NaN,"heavy":-1}') as { ms: number; heavy: number };
    times.push(result.ms);
    heavy = Math.max(heavy, result.heavy);
  }
  times.sort((a, b) => a - b);
  const bytes = readFileSync(file).length;
  console.log(
    `cold import ${name.padEnd(13)} median ${times[3]?.toFixed(1)} ms (7 fresh processes; bundle ${bytes} B; CommonJS modules of pdf-lib/bwip-js/date-fns loaded: ${heavy})`,
  );
}

/** Cold import of the voucher entry (built, else bundled) against pdf-lib + bwip-js alone. */
function coldImportVersusLibraries(bundled: string): void {
  const built = path.join(root, 'dist/node/voucher/index.js');
  const [file, what] = existsSync(built) ? [built, 'dist/node/voucher/index.js'] : [bundled, 'bundled src'];
  const subject: ImportSide = { label: `pagoefectivo-kit/voucher (${what})`, specifiers: [pathToFileURL(file).href] };
  const baseline: ImportSide = { label: 'pdf-lib + bwip-js alone', specifiers: ['pdf-lib', 'bwip-js'] };
  console.log(describeComparison(compareColdImports(subject, baseline, root, 21), subject, baseline, COLD_IMPORT_GOAL));
}

/** Run the voucher benchmarks and print throughput, sizes and ratios. */
export async function run(): Promise<void> {
  const tokenFile = await bundle('src/voucher/token.ts', 'voucher-token');
  const voucherFile = await bundle('src/voucher/index.ts', 'voucher');
  const sdk = (await import(pathToFileURL(voucherFile).href)) as VoucherEntry;
  await vouchers(sdk);
  await tokens();
  coldImport('voucher/token', tokenFile);
  coldImport('voucher', voucherFile);
  coldImportVersusLibraries(voucherFile);
}
