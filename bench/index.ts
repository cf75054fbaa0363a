/**
 * Runs every benchmark in this folder (`bench/*.bench.ts`), or only those named on the command line:
 * `npm run bench -- webhooks voucher` (`reconcile`: a 1M-row settlement file streamed, RSS and rows/s). Each benchmark prints ratios against a baseline measured in the
 * same run, so numbers are comparable on any machine; nothing here is asserted in unit tests.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

for (const file of files) {
  console.log(`\n=== ${file.replace('.bench.ts', '')} ===`);
  const module = (await import(new URL(file, import.meta.url).href)) as { run: () => Promise<void> };
  await module.run();
}
