/**
 * Runs every benchmark in this folder (`bench/*.bench.ts`), or only those named on the command line:
 * `npm run bench -- webhooks voucher` (`reconcile`: a 1M-row settlement file streamed, RSS and rows/s). Each benchmark prints ratios against a baseline measured in the
 * same run, so numbers are comparable on any machine; nothing here is asserted in unit tests.
 *
 * `npm run bench -- --scale` runs only the scale series (bench/scale.bench.ts: 10k / 100k / 1M codes on
 * every store, several minutes), which a plain `npm run bench` leaves out; names after it pick stores
 * (`npm run bench -- --scale memory postgres`).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);

if (args.includes('--scale')) {
  console.log('\n=== scale ===');
  const scale = (await import(new URL('scale.bench.ts', import.meta.url).href)) as {
    run: (stores: readonly string[]) => Promise<void>;
  };
  await scale.run(args.filter((arg) => arg !== '--scale'));
} else {
  const files = readdirSync(folder)
    .filter((file) => file.endsWith('.bench.ts') && file !== 'scale.bench.ts')
    .filter((file) => args.length === 0 || args.some((name) => file.startsWith(name)))
    .sort();
  for (const file of files) {
    console.log(`\n=== ${file.replace('.bench.ts', '')} ===`);
    const module = (await import(new URL(file, import.meta.url).href)) as { run: () => Promise<void> };
    await module.run();
  }
}
