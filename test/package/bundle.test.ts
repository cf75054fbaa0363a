/**
 * The package surface, machine-checked: every public subpath exists, package.json `exports` is
 * generated from scripts/entries.mjs, and light entries never pull heavy or optional dependencies into
 * a bundle (verifying a webhook must never load the PDF stack or a database driver).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ENTRIES, exportsMap } from '../../scripts/entries.mjs';

const root = new URL('../../', import.meta.url);
const DRIVERS = ['better-sqlite3', 'pg', 'ioredis', 'mysql2'];
const PDF = ['pdf-lib', 'bwip-js'];
const TIMEZONE = ['date-fns-tz', 'date-fns'];

/** The tracer is passed in (docs/observability.md): no entry may load OpenTelemetry itself. */
const OTEL = ['@opentelemetry/api', '@opentelemetry/sdk-trace-base', '@opentelemetry/context-async-hooks'];

/** What each light entry must never contain. Entries not listed may use anything they declare. */
const FORBIDDEN: Record<string, readonly string[]> = {
  '.': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch'],
  './client': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE],
  './guards': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch'],
  './webhooks': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch', 'tweetnacl'],
  './webhooks/node': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch', 'tweetnacl'],
  // Lima dates are written by hand (src/time/display.ts): date-fns-tz cost a third of the cold import.
  './voucher': [...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch'],
  './voucher/token': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch'],
  './voucher/share': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch'],
  './storage/memory': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch'],
  './storage/sqlite': [...PDF, ...OTEL, 'pg', 'ioredis', 'mysql2', ...TIMEZONE, 'ofetch'],
  './storage/postgres': [...PDF, ...OTEL, 'better-sqlite3', 'ioredis', 'mysql2', ...TIMEZONE, 'ofetch'],
  './storage/redis': [...PDF, ...OTEL, 'better-sqlite3', 'pg', 'mysql2', ...TIMEZONE, 'ofetch'],
  // Type-only imports of mysql2: the adapter itself never loads the driver.
  './storage/mysql': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch'],
  './reconcile': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE],
  // The console reads voucher PDFs with pdf-lib on first use only (see below); dates use Intl.
  // Uploaded PDFs are read without the PDF parser, which would inflate a compression bomb (raw-token.ts).
  './console': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE],
  // Doctor and certify get the store and provider from the caller; the PDF report loads on demand.
  './ops': [...OTEL, ...DRIVERS, ...TIMEZONE],
  // Lookups, live status and bundles take the store and provider from the caller.
  './support': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch'],
  './providers/dlocal': [...PDF, ...OTEL, ...DRIVERS, ...TIMEZONE, 'ofetch', 'tweetnacl'],
};

async function bundledPackages(source: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [new URL(`${source}.ts`, root).pathname],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match?.[1]) packages.add(match[1]);
  }
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) if (imported.external) packages.add(imported.path);
  }
  return packages;
}

/** Packages loaded when `source` is imported (static imports only; `import()` chunks load on demand). */
async function eagerGraph(source: string): Promise<{ packages: Set<string>; modules: Set<string> }> {
  const entry = new URL(`${source}.ts`, root).pathname;
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    absWorkingDir: new URL('.', root).pathname,
  });
  const inputs = result.metafile.inputs;
  const start = Object.keys(inputs).find((input) => entry.endsWith(input));
  const packages = new Set<string>();
  const pending = start === undefined ? [] : [start];
  const seen = new Set(pending);
  while (pending.length > 0) {
    const input = inputs[pending.pop() as string];
    for (const imported of input?.imports ?? []) {
      if (imported.kind === 'dynamic-import' || seen.has(imported.path)) continue;
      seen.add(imported.path);
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(imported.path);
      if (match?.[1]) packages.add(match[1]);
      if (imported.external) packages.add(imported.path);
      else pending.push(imported.path);
    }
  }
  return { packages, modules: seen };
}

describe('package surface', () => {
  it('generates package.json exports from scripts/entries.mjs', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: unknown };
    expect(pkg.exports).toEqual(exportsMap());
  });

  it.each(Object.entries(ENTRIES))('subpath %s has its source entry', (_subpath, source) => {
    expect(existsSync(new URL(`${source}.ts`, root))).toBe(true);
  });

  it.each(Object.entries(FORBIDDEN))(
    'bundling %s pulls in none of its forbidden packages',
    async (subpath, forbidden) => {
      const source = ENTRIES[subpath];
      expect(source).toBeDefined();
      const packages = await bundledPackages(source as string);
      expect([...packages].filter((name) => forbidden.includes(name))).toEqual([]);
    },
  );

  it.each(['./webhooks', './webhooks/node'])('importing %s does not load valibot up front', async (subpath) => {
    const { packages, modules } = await eagerGraph(ENTRIES[subpath] as string);
    expect(modules.size).toBeGreaterThan(0);
    expect(packages.has('valibot')).toBe(false);
  });

  it('loads the certification PDF stack of /ops only on first use', async () => {
    const { packages, modules } = await eagerGraph(ENTRIES['./ops'] as string);
    expect(modules.size).toBeGreaterThan(0);
    expect([...packages].filter((name) => PDF.includes(name))).toEqual([]);
    // …but the PDF renderer is still reachable through import(), not removed.
    expect((await bundledPackages(ENTRIES['./ops'] as string)).has('pdf-lib')).toBe(true);
  });

  it.each(['src/_crypto/hmac.node', 'src/_crypto/ed25519.node'])(
    'loads node:crypto on first use, not at import, in %s',
    async (source) => {
      // A static `import … from 'node:crypto'` shows up here as an external import statement.
      const { packages } = await eagerGraph(source);
      expect(packages.has('node:crypto')).toBe(false);
      expect(packages.has('crypto')).toBe(false);
    },
  );

  it('keeps the valibot schema path of /webhooks behind import(), not removed', async () => {
    // Notifications off the common shape still get detailed issues from the schemas.
    expect((await bundledPackages(ENTRIES['./webhooks'] as string)).has('valibot')).toBe(true);
  });

  it('loads the PDF stack for e-mail only on first use, and never for SMS', async () => {
    const email = await eagerGraph('src/voucher/email');
    expect(email.modules.size).toBeGreaterThan(0);
    expect([...email.packages].filter((name) => PDF.includes(name))).toEqual([]);
    // …but the renderer is still reachable through import(), not removed.
    const emailBundle = await bundledPackages('src/voucher/email');
    expect(emailBundle.has('pdf-lib')).toBe(true);
    const sms = await bundledPackages('src/voucher/sms');
    expect([...sms].filter((name) => [...PDF, ...TIMEZONE].includes(name))).toEqual([]);
  });

  it('bundles /voucher (renderVoucher) within its gzipped budget, with bwip-js reduced to Code 128', async () => {
    // Measured: 486 KB gzipped with bwip-js's default export (941 KB of bwip-js, every encoder);
    // 291 KB with the named code128 encoder and the generated OCR-B outlines (125 KB of bwip-js).
    const BUDGET_KB = 320;
    const BWIP_BUDGET_KB = 160;
    const result = await build({
      entryPoints: [new URL(`${ENTRIES['./voucher']}.ts`, root).pathname],
      bundle: true,
      minify: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      external: ['node:*'],
      logLevel: 'silent',
    });
    const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
    const gzippedKb = gzipSync(bytes).byteLength / 1024;
    const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
    const bwipKb =
      Object.entries(inputs)
        .filter(([file]) => file.includes('node_modules/bwip-js/'))
        .reduce((sum, [, input]) => sum + input.bytesInOutput, 0) / 1024;
    expect(gzippedKb, `renderVoucher bundle is ${gzippedKb.toFixed(0)} KB gzipped`).toBeLessThan(BUDGET_KB);
    expect(bwipKb, `bwip-js is ${bwipKb.toFixed(0)} KB of it (minified)`).toBeGreaterThan(0);
    expect(bwipKb, `bwip-js is ${bwipKb.toFixed(0)} KB of it (minified)`).toBeLessThan(BWIP_BUDGET_KB);
  });

  it('keeps the PDF stack reachable from /voucher only', async () => {
    const packages = await bundledPackages(ENTRIES['./voucher'] as string);
    expect(packages.has('pdf-lib')).toBe(true);
    expect(packages.has('bwip-js')).toBe(true);
  });
});
