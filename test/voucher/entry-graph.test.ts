/**
 * The token and share-link entries must stay light: verifying a voucher token or opening a share
 * link never loads pdf-lib or bwip-js, even without a bundler; and no voucher entry loads date-fns(-tz).
 */
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

async function packagesImportedBy(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    packages: 'external',
    logLevel: 'silent',
  });
  const packages = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) if (imported.external) packages.add(imported.path);
  }
  return [...packages].sort();
}

describe('light voucher entries', () => {
  it('voucher/token imports only tweetnacl', async () => {
    expect(await packagesImportedBy('src/voucher/token.ts')).toEqual(['tweetnacl']);
  });

  it('voucher/share imports no package at all', async () => {
    expect(await packagesImportedBy('src/voucher/share.ts')).toEqual([]);
  });

  it('the SMS renderer imports no package at all (no pdf-lib, bwip-js or date-fns)', async () => {
    expect(await packagesImportedBy('src/voucher/sms.ts')).toEqual([]);
  });

  it('voucher (the PDF entry) is where pdf-lib and bwip-js live, and it needs no date library', async () => {
    const packages = await packagesImportedBy('src/voucher/index.ts');
    expect(packages).toEqual(expect.arrayContaining(['bwip-js', 'pdf-lib', 'tweetnacl']));
    // Lima dates are fixed UTC−5 arithmetic (src/time/display.ts), not date-fns-tz (~150 ms cold).
    expect(packages.filter((name) => name.startsWith('date-fns'))).toEqual([]);
  });
});
