/**
 * The README's runtime claim, kept true: the same smoke test (smoke-core.cjs: issue against the fake,
 * voucher token, voucher PDF, a signWebhook-signed notification through the handler) runs on the
 * built package on Node ESM and CJS, Bun, Deno, and workerd (miniflare) with and without
 * nodejs_compat; `pagoefectivo-kit/testing` also bundles for a browser. A runtime whose binary is
 * missing is skipped loudly, never silently.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const here = (file: string): string => path.join(root, 'test/runtimes', file);
const SMOKE_OK = /^smoke ok: CIP \d+ issued, token \d+ chars, PDF \d+ bytes, webhook processed$/m;

/** A runtime binary installed by its npm package, or `null` (with why) when it does not run here. */
async function binary(name: 'bun' | 'deno'): Promise<{ file: string } | { missing: string }> {
  const file = path.join(root, 'node_modules/.bin', name);
  if (!existsSync(file)) return { missing: `node_modules/.bin/${name} is missing (npm package "${name}")` };
  try {
    await run(file, ['--version'], { timeout: 30_000 });
    return { file };
  } catch (error) {
    return { missing: `${name} --version failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

const [bun, deno] = await Promise.all([binary('bun'), binary('deno')]);
for (const [name, found] of [
  ['Bun', bun],
  ['Deno', deno],
] as const) {
  if ('missing' in found) {
    console.warn(`\n!!! RUNTIME SMOKE TEST SKIPPED for ${name}: ${found.missing}. Run npm ci to install it.\n`);
  }
}

async function smoke(command: string, args: string[]): Promise<string> {
  const { stdout } = await run(command, args, { cwd: root, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return stdout;
}

describe('runtime smoke test (built package)', () => {
  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist/node/index.js')))
      throw new Error('run "npm run build" first: these tests use dist/');
  });

  it('passes on Node (ESM)', async () => {
    expect(await smoke(process.execPath, [here('esm.mjs')])).toMatch(SMOKE_OK);
  });

  it('passes on Node (CommonJS)', async () => {
    expect(await smoke(process.execPath, [here('cjs.cjs')])).toMatch(SMOKE_OK);
  });

  it.skipIf('missing' in bun)(`passes on Bun${'missing' in bun ? ` — SKIPPED: ${bun.missing}` : ''}`, async () => {
    expect(await smoke((bun as { file: string }).file, [here('esm.mjs')])).toMatch(SMOKE_OK);
  });

  it.skipIf('missing' in deno)(`passes on Deno${'missing' in deno ? ` — SKIPPED: ${deno.missing}` : ''}`, async () => {
    expect(
      await smoke((deno as { file: string }).file, ['run', '--allow-read', '--allow-env', here('esm.mjs')]),
    ).toMatch(SMOKE_OK);
  });

  describe('workerd (miniflare)', () => {
    let script = '';
    beforeAll(async () => {
      // Bundled as wrangler would for a worker. tweetnacl's `require('crypto')` sits behind a
      // `self.crypto` check that workers pass, so it stays an unresolved, never-called require.
      const result = await build({
        entryPoints: [here('worker.mjs')],
        absWorkingDir: root,
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'neutral',
        conditions: ['workerd', 'worker', 'browser'],
        mainFields: ['browser', 'module', 'main'],
        external: ['crypto'],
        logLevel: 'silent',
      });
      script = result.outputFiles[0]?.text ?? '';
    });

    it.each([
      ['without nodejs_compat', []],
      ['with nodejs_compat', ['nodejs_compat']],
    ])('passes %s', async (_name, compatibilityFlags) => {
      const worker = new Miniflare({
        modules: [{ type: 'ESModule', path: 'worker.mjs', contents: script }],
        compatibilityDate: '2025-09-01',
        compatibilityFlags,
      });
      try {
        const response = await worker.dispatchFetch('http://localhost/');
        const text = await response.text();
        expect(response.status, text).toBe(200);
        expect(text).toMatch(SMOKE_OK);
      } finally {
        await worker.dispose();
      }
    });
  });

  it('bundles pagoefectivo-kit/testing for a browser without any Node built-in', async () => {
    const result = await build({
      stdin: { contents: "export * from 'pagoefectivo-kit/testing';", resolveDir: root, loader: 'js' },
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    });
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((entry) => entry.path));
    expect(imports.filter((specifier) => specifier.startsWith('node:'))).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((file) => file.startsWith('dist/testing/'))).toBe(true);
  });
});
