import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

// The CLI's own files inside the package: the built bin (ESM or CJS) and the source (run with tsx).
const CLI_FILE = /^(dist\/node|dist|src)\/cli\/index\.(js|cjs|mjs|ts)$/;

/**
 * Whether this process was started as pagoefectivo-kit's command line (`npx pagoefectivo-kit`,
 * `node dist/node/cli/index.js`, `tsx src/cli/index.ts`), as opposed to a program importing
 * `pagoefectivo-kit/cli`. Decided from `process.argv[1]`: its real path must be the CLI file of a
 * package named `pagoefectivo-kit`. (No `import.meta`, so the same code works in the CommonJS build.)
 */
export function startedAsCli(script: string | undefined = process.argv[1]): boolean {
  if (script === undefined) return false;
  let file: string;
  try {
    file = realpathSync(script);
  } catch {
    return false;
  }
  let dir = path.dirname(file);
  for (let depth = 0; depth < 8; depth += 1) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        return name === 'pagoefectivo-kit' && CLI_FILE.test(path.relative(dir, file).split(path.sep).join('/'));
      } catch {
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
  return false;
}
