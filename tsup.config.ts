import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';
import { ENTRIES, outName } from './scripts/entries.mjs';

const entry: Record<string, string> = Object.fromEntries(
  Object.values(ENTRIES).map((source) => [outName(source), `${source}.ts`]),
);

/**
 * The crypto seam: `src/_crypto/<name>.ts` is the portable implementation (WebCrypto, tweetnacl);
 * the Node build swaps in `src/_crypto/<name>.node.ts` (node:crypto) when it exists.
 */
const nodeCrypto: Plugin = {
  name: 'node-crypto-seam',
  setup(build) {
    build.onResolve({ filter: /\/_crypto\/[\w-]+\.js$/ }, (args) => {
      const candidate = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.node.ts'));
      return existsSync(candidate) ? { path: candidate } : undefined;
    });
  },
};

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/**
 * bwip-js's CommonJS entry has no named encoders: the CJS build uses `<name>.cjs.ts` where one exists
 * beside the imported module (today only the voucher's Code 128), the ESM builds the tree-shakable one.
 */
const cjsVariants: Plugin = {
  name: 'cjs-variants',
  setup(build) {
    // tsup builds CJS with code splitting as ESM first and converts it, so look at the extension.
    if (build.initialOptions.outExtension?.['.js'] !== '.cjs') return;
    build.onResolve({ filter: /\/code128\.js$/ }, (args) => {
      const candidate = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.cjs.ts'));
      return existsSync(candidate) && !args.importer.endsWith('.cjs.ts') ? { path: candidate } : undefined;
    });
  },
};

const shared: Options = {
  entry,
  // `pagoefectivo-kit --version` (src/cli/_version.ts) without reading package.json at run time.
  define: { __PAGOEFECTIVO_KIT_VERSION__: JSON.stringify(version) },
  format: ['esm', 'cjs'],
  target: 'node20',
  splitting: true,
  treeshake: true,
  sourcemap: false,
  shims: false,
  external: [/^node:/, 'better-sqlite3', 'pg', 'ioredis'],
  // Keep `node:crypto` as written (tsup strips the prefix by default): a bare `crypto` is what a
  // bundler may resolve to a userland polyfill, and Deno and workerd treat the prefixed form as a built-in.
  removeNodeProtocol: false,
};

export default defineConfig([
  { ...shared, outDir: 'dist', platform: 'neutral', dts: true, esbuildPlugins: [cjsVariants] },
  { ...shared, outDir: 'dist/node', platform: 'node', esbuildPlugins: [nodeCrypto, cjsVariants] },
]);
