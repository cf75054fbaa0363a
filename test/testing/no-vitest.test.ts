/**
 * `pagoefectivo-kit/testing` must not load a test framework: its CommonJS build would otherwise
 * `require('vitest')` (which throws), and users of the fake would pay for vitest or need it installed.
 * The store conformance suite gets the runner's functions instead; here it runs under node:test.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as nodeTest from 'node:test';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import type * as vitest from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConformanceTestApi } from '../../src/testing/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
/** The package's own dependencies and drivers; test frameworks are never external, so they would show up. */
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]
  .filter((name) => name !== 'vitest')
  .flatMap((name) => [name, `${name}/*`]);

const FRAMEWORK = /(?:^|\/node_modules\/)(?:vitest|@vitest\/[^/]+|jest|@jest\/[^/]+|mocha)(?:\/|$)/;

/** Inputs and imports of a bundle that belong to a test framework. */
function frameworkReferences(metafile: Metafile): string[] {
  const inputs = Object.keys(metafile.inputs).filter((input) => FRAMEWORK.test(input));
  const imports = Object.values(metafile.outputs).flatMap((output) =>
    output.imports.map((imported) => imported.path).filter((path) => FRAMEWORK.test(path)),
  );
  return [...inputs, ...imports];
}

async function bundle(contents: string, extraExternal: string[] = []): Promise<Metafile> {
  const result = await build({
    stdin: { contents, resolveDir: root, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    external: [...external, ...extraExternal],
  });
  return result.metafile;
}

describe('pagoefectivo-kit/testing without vitest', () => {
  it('bundles src/testing/index.ts without importing any test framework', async () => {
    const metafile = await bundle("export * from './src/testing/index.ts';");
    expect(Object.keys(metafile.inputs)).toContain('src/testing/_conformance/claims.ts');
    expect(frameworkReferences(metafile)).toEqual([]);
  });

  it('would notice a vitest import (the check itself works)', async () => {
    const metafile = await bundle("export * from './src/testing/index.ts'; export { it } from 'vitest';", ['vitest']);
    expect(frameworkReferences(metafile)).toEqual(['vitest']);
  });

  it('takes the vitest and node:test modules as they are for options.api (type-checked)', () => {
    type Fits<T> = T extends ConformanceTestApi ? true : false;
    const fits: [Fits<typeof vitest>, Fits<typeof nodeTest>] = [true, true];
    expect(fits).toEqual([true, true]);
  });
});

describe('describeStoreConformance under node:test', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pek-node-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Run a node:test file that calls the suite on the memory store; resolves to its TAP output. */
  function runNodeTest(name: string, body: string): Promise<{ tap: string; stderr: string }> {
    const file = join(dir, `${name}.mjs`);
    const source = (path: string): string => JSON.stringify(new URL(path, `file://${root}`).href);
    writeFileSync(
      file,
      [
        "import * as nodeTest from 'node:test';",
        `import { memoryStore } from ${source('src/storage/memory.ts')};`,
        `import { describeStoreConformance } from ${source('src/testing/index.ts')};`,
        'let time = Date.UTC(2026, 2, 1, 15);',
        'const clock = { now: () => time, sleep: async (ms) => { time += ms; } };',
        body,
      ].join('\n'),
    );
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--test-reporter=tap', file],
        { cwd: root },
        (_error, stdout, stderr) => resolve({ tap: stdout, stderr }),
      );
    });
  }

  const count = (tap: string, what: string): number => Number(new RegExp(`^# ${what} (\\d+)$`, 'm').exec(tap)?.[1]);
  const failed = (tap: string): string[] => [...tap.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((match) => match[1]!);

  // Each test starts a Node process; the timeout leaves room for a loaded machine.
  it('passes every test on the memory store and reports skipReason as one skipped test', {
    timeout: 60_000,
  }, async () => {
    const { tap, stderr } = await runNodeTest(
      'memory',
      [
        "describeStoreConformance('memory', ({ now }) => memoryStore({ now }), { api: nodeTest, clock });",
        "describeStoreConformance('absent db', () => memoryStore(), { api: nodeTest, skipReason: 'set DB_URL' });",
      ].join('\n'),
    );
    expect(failed(tap), stderr).toEqual([]);
    expect(count(tap, 'fail'), stderr).toBe(0);
    expect(count(tap, 'pass')).toBeGreaterThan(40);
    // skipReason, and the backend fault tests, which need a factory that routes calls through faults.intercept.
    expect(count(tap, 'skipped')).toBe(2);
    expect(tap).toMatch(/^\s*ok \d+ - skipped: set DB_URL # SKIP$/m);
    expect(tap).toMatch(/^\s*ok \d+ - skipped: backend fault tests need a factory .* # SKIP$/m);
  });

  it('fails a store that breaks the contract, with messages that say what differed', { timeout: 60_000 }, async () => {
    const { tap, stderr } = await runNodeTest(
      'broken',
      [
        // consumeOnce always says "first": no dedupe, no TTL, no validation.
        'const broken = ({ now }) => ({ ...memoryStore({ now }), consumeOnce: async () => true });',
        "describeStoreConformance('broken', broken, { api: nodeTest, clock, concurrency: 10 });",
      ].join('\n'),
    );
    expect(failed(tap).sort(), stderr).toEqual(
      [
        'concurrent consumeOnce on one key: exactly one caller wins',
        'consumeOnce is true once per key until the key is deleted',
        'consumeOnce succeeds again once the TTL has passed',
        'key operations reject an empty key and a TTL, window or limit that is not a positive integer',
        'keys, values and counters',
        // Re-execution: a re-sent consumeOnce of the same owner says "you got it", any other caller "no".
        'consumeOnce: the same owner gets true again; another owner and an anonymous caller get false',
        'consumeOnce: concurrent callers with distinct owners still have exactly one winner',
        're-execution',
        // Purging: a marker that lives through the purge must still refuse a second consumeOnce.
        'purgeExpired deletes only expired keys, at most limit per call, and is safe to re-run',
        'paging, stale reservations and purges',
        'store conformance: broken',
      ].sort(),
    );
    expect(count(tap, 'fail')).toBe(7);
    expect(tap).toContain('expected a length of 1, got 10');
    expect(tap).toContain('expected a rejection with code "validation_failed", but it resolved to true');
    expect(tap).toContain("name: 'AssertionError'");
  });
});
