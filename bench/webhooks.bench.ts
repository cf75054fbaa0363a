/**
 * Webhook verification throughput: verify + parse + validate one ~1 KB signed `cip.paid` notification,
 * side by side in one run with Stripe's `constructEvent`, standardwebhooks' `Webhook.verify` (each over
 * the same body, signed with its own scheme) and the floor — bare node:crypto HMAC + timingSafeEqual +
 * JSON.parse. Then the cold import time of the webhooks entry in a fresh `node` process.
 *
 * Our verifier runs with the node:crypto seam, exactly what the Node build ships (`hmac.node.ts` is
 * swapped in by tsup); the WebCrypto seam is shown for information (edge runtimes, not Node's path).
 *
 * Goals: ≥ 1.1x Stripe, ≥ 2x standardwebhooks, within 1.5x of the floor, cold import < 25 ms.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Bench } from 'tinybench';
import * as webCrypto from '../src/_crypto/hmac.js';
import * as nodeCrypto from '../src/_crypto/hmac.node.js';
import { createVerifier } from '../src/webhooks/_internal/verifier.js';

const SECRET = 'exampleSecretKey/abc+123=';

/** A realistic notification padded with plausible extra fields (ignored by the parser) to ~1 KB. */
function notification(): string {
  const data = {
    cip: '2401557',
    currency: 'PEN',
    amount: 150.5,
    transactionCode: 'ORD-2026-000123',
    paymentDate: '2026-03-02T12:00:07-05:00',
    paymentChannel: 'AGENTE',
    agencyName: 'Agente BCP Av. Arequipa 1234 - Lima',
    userEmail: 'ana.quispe@example.pe',
    userName: 'Ana María Quispe Ñahui',
    concept: 'Pedido 000123 — 3 artículos (zapatillas, mochila, polo) con envío a domicilio en Miraflores',
    metadata: { campaign: 'cyber-wow-2026', channel: 'web', device: 'mobile', note: 'x'.repeat(420) },
  };
  return JSON.stringify({ eventType: 'cip.paid', operationNumber: '987654', data });
}

const FLOOR = 'floor: createHmac + timingSafeEqual + JSON.parse';
const KIT = 'pagoefectivo-kit verifyWebhook (node:crypto seam)';
const STRIPE = 'stripe webhooks.constructEvent';
const STANDARD = 'standardwebhooks Webhook.verify';
const KIT_WEB = 'pagoefectivo-kit verifyWebhook (WebCrypto seam, info)';
const ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

/**
 * The built Node entry, or (before `npm run build`) the same thing bundled here with esbuild: the seam
 * swapped to node:crypto as tsup does, dependencies left external as in dist. Written under
 * node_modules/.cache so that `valibot` resolves from the project.
 */
async function nodeEntry(root: string): Promise<{ file: string; what: string }> {
  const built = path.join(root, 'dist/node/webhooks/index.js');
  if (existsSync(built)) return { file: built, what: 'dist/node/webhooks/index.js' };
  const file = path.join(root, 'node_modules/.cache/pagoefectivo-kit-bench/webhooks.mjs');
  const seam: Plugin = {
    name: 'node-crypto-seam',
    setup(builder) {
      builder.onResolve({ filter: /\/_crypto\/[\w-]+\.js$/ }, (args) => {
        const candidate = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.node.ts'));
        return existsSync(candidate) ? { path: candidate } : undefined;
      });
    },
  };
  await build({
    entryPoints: [path.join(root, 'src/webhooks/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: file,
    packages: 'external',
    plugins: [seam],
    logLevel: 'silent',
  });
  return { file, what: 'src/webhooks/index.ts bundled by esbuild like the Node build (no dist/ found)' };
}

/** Median time, in ms, of a fresh `node` process importing `specifier` (9 runs). */
function coldImportOf(specifier: string, cwd: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  const times: number[] = [];
  for (let run = 0; run < 9; run++) {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
    times.push(Number(output.trim()));
  }
  return median(times);
}

/** Cold import of the webhooks entry, with valibot alone (its one dependency) as the baseline. */
async function coldImport(): Promise<{ ms: number; valibotMs: number; what: string }> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { file, what } = await nodeEntry(root);
  return { ms: coldImportOf(pathToFileURL(file).href, root), valibotMs: coldImportOf('valibot', root), what };
}

/** Run the benchmark and print ops/s and ratios. */
export async function run(): Promise<void> {
  const body = notification();
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  const ours = createVerifier(nodeCrypto.hmacSha256Verify);
  const oursWeb = createVerifier(webCrypto.hmacSha256Verify);
  const check = await ours({ body, signature, secretKey: SECRET });
  if (check.type !== 'cip.paid' || check.amountMinor !== 15050) throw new Error('bench fixture did not verify');

  const stripe = new Stripe('sk_test_bench');
  const stripeSecret = 'whsec_bench_secret';
  const stripeHeader = stripe.webhooks.generateTestHeaderString({ payload: body, secret: stripeSecret });
  const standardSecret = `whsec_${Buffer.from('standard-webhooks-bench-secret!!').toString('base64')}`;
  const standard = new Webhook(standardSecret);
  const standardHeaders = {
    'webhook-id': 'msg_bench',
    'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
    'webhook-signature': standard.sign('msg_bench', new Date(), body),
  };
  let sink: unknown;
  const tasks: Record<string, () => unknown> = {
    [FLOOR]: () => {
      const expected = Buffer.from(signature, 'hex');
      const actual = createHmac('sha256', SECRET).update(body).digest();
      if (!timingSafeEqual(actual, expected)) throw new Error('mismatch');
      sink = JSON.parse(body);
    },
    [KIT]: async () => {
      sink = await ours({ body, signature, secretKey: SECRET });
    },
    [STRIPE]: () => {
      sink = stripe.webhooks.constructEvent(body, stripeHeader, stripeSecret);
    },
    [STANDARD]: () => {
      sink = standard.verify(body, standardHeaders);
    },
    [KIT_WEB]: async () => {
      sink = await oursWeb({ body, signature, secretKey: SECRET });
    },
  };

  // The VM is shared and noisy: short rounds that interleave every task, then the median per task,
  // so a burst of background load cannot land on one contender only.
  const samples = new Map<string, number[]>(Object.keys(tasks).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: 400, warmup: true, warmupTime: 100 });
    for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result as { throughput?: { mean: number } } | undefined;
      samples.get(task.name)?.push(result?.throughput?.mean ?? Number.NaN);
    }
  }
  if (sink === undefined) throw new Error('nothing ran');
  const hz = (name: string): number => median(samples.get(name) ?? []);

  console.log(
    `body: ${Buffer.byteLength(body)} bytes, Node ${process.version}, median of ${ROUNDS} interleaved rounds`,
  );
  for (const name of Object.keys(tasks)) {
    console.log(`${name.padEnd(58)} ${Math.round(hz(name)).toLocaleString('en-US').padStart(10)} ops/s`);
  }
  const kit = hz(KIT);
  console.log(`vs stripe:            ${ratio(kit, hz(STRIPE))} (goal ≥ 1.10x)`);
  console.log(`vs standardwebhooks:  ${ratio(kit, hz(STANDARD))} (goal ≥ 2.00x)`);
  console.log(`floor / kit:          ${ratio(hz(FLOOR), kit)} (goal ≤ 1.50x)`);
  const cold = await coldImport();
  console.log(`cold import of the webhooks entry: ${cold.ms.toFixed(1)} ms median of 9 (${cold.what}; goal < 25 ms)`);
  console.log(`  baseline, valibot alone:          ${cold.valibotMs.toFixed(1)} ms`);
}
