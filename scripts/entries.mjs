// The single list of public subpaths: package.json `exports`, the build and the surface tests are
// all derived from it (`npm run sync-exports` rewrites package.json from this file).

/** subpath -> source entry (without extension), relative to the repository root. */
export const ENTRIES = {
  '.': 'src/index',
  './client': 'src/client/index',
  './guards': 'src/guards/index',
  './webhooks': 'src/webhooks/index',
  './webhooks/node': 'src/webhooks/node',
  './webhooks/schemas': 'src/webhooks/schemas',
  './voucher': 'src/voucher/index',
  './voucher/token': 'src/voucher/token',
  './voucher/share': 'src/voucher/share',
  './storage/memory': 'src/storage/memory',
  './storage/sqlite': 'src/storage/adapters/sqlite',
  './storage/postgres': 'src/storage/adapters/postgres',
  './storage/redis': 'src/storage/adapters/redis',
  './storage/mysql': 'src/storage/adapters/mysql',
  './reconcile': 'src/reconcile/index',
  './console': 'src/console/index',
  './testing': 'src/testing/index',
  './cli': 'src/cli/index',
  './ops': 'src/ops/index',
  './support': 'src/support/index',
  './providers/dlocal': 'src/providers/dlocal/index',
};

/** The output name (under dist/ and dist/node/) of a source entry: `src/client/index` -> `client/index`. */
export function outName(source) {
  return source.replace(/^src\//, '');
}

/** The `exports` map: Node gets the node:crypto build, other runtimes the portable one. */
export function exportsMap() {
  const map = {};
  for (const [subpath, source] of Object.entries(ENTRIES)) {
    const name = outName(source);
    map[subpath] = {
      node: {
        import: { types: `./dist/${name}.d.ts`, default: `./dist/node/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/node/${name}.cjs` },
      },
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    };
  }
  map['./package.json'] = './package.json';
  return map;
}
