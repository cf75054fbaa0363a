/**
 * The webhook entries stay light: bundling them (every dependency inlined, as a plain-Node import
 * would load them) must never pull in the PDF stack, date-fns(-tz), ofetch, tweetnacl or a driver,
 * and the Node build's seam swap must put node:crypto, not WebCrypto, behind verification.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const FORBIDDEN = [
  'pdf-lib',
  'bwip-js',
  'date-fns',
  'date-fns-tz',
  'ofetch',
  'tweetnacl',
  'better-sqlite3',
  'pg',
  'ioredis',
  'src/voucher/',
  'src/client/',
];

/** The same swap tsup.config.ts does for the Node build. */
const nodeSeam: Plugin = {
  name: 'node-crypto-seam',
  setup(builder) {
    builder.onResolve({ filter: /\/_crypto\/[\w-]+\.js$/ }, (args) => {
      const candidate = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.node.ts'));
      return existsSync(candidate) ? { path: candidate } : undefined;
    });
  },
};

async function inputsOf(entry: string, node: boolean): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: node ? 'node' : 'neutral',
    mainFields: ['module', 'main'],
    external: ['node:*'],
    plugins: node ? [nodeSeam] : [],
    logLevel: 'silent',
  });
  return Object.keys((result.metafile as Metafile).inputs);
}

describe('webhook entries stay light', () => {
  it.each([
    ['src/webhooks/index.ts', false],
    ['src/webhooks/index.ts', true],
    ['src/webhooks/node.ts', true],
  ])('%s (node build: %s) loads no heavy dependency', async (entry, node) => {
    const inputs = await inputsOf(entry, node);
    for (const forbidden of FORBIDDEN) {
      expect(
        inputs.filter((input) => input.includes(forbidden.includes('/') ? forbidden : `node_modules/${forbidden}/`)),
      ).toEqual([]);
    }
    // Sanity: dependencies really were followed and inlined.
    expect(inputs).toContain(entry);
    expect(inputs).toContain('src/errors.ts');
  });

  it('the verification entry bundles valibot itself, the Node adapter does not need it', async () => {
    expect(
      (await inputsOf('src/webhooks/index.ts', true)).some((input) => input.includes('node_modules/valibot/')),
    ).toBe(true);
    expect(
      (await inputsOf('src/webhooks/node.ts', true)).some((input) => input.includes('node_modules/valibot/')),
    ).toBe(false);
  });

  it('the Node build verifies with node:crypto, the portable build with WebCrypto', async () => {
    expect(await inputsOf('src/webhooks/index.ts', true)).toContain('src/_crypto/hmac.node.ts');
    expect(await inputsOf('src/webhooks/index.ts', false)).toContain('src/_crypto/hmac.ts');
    expect(await inputsOf('src/webhooks/index.ts', true)).not.toContain('src/_crypto/hmac.ts');
  });
});
