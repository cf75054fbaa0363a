/**
 * Package hygiene that only shows in the built output or the manifest: built-ins keep their `node:`
 * prefix in dist (tsup strips it unless told not to), `npm pack` builds first, and the type packages
 * strict users need are declared as optional peers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dist = path.join(root, 'dist');

function builtFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return builtFiles(file);
    return /\.(c?js)$/.test(name) ? [file] : [];
  });
}

// `from 'crypto'`, `import('fs')`, `require("path")`: a built-in named without its prefix.
const bare = new RegExp(
  String.raw`(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"](${builtinModules
    .filter((name) => !name.startsWith('_'))
    .map((name) => name.replace(/[/]/g, '\\/'))
    .join('|')})['"]`,
  'g',
);

describe('dist', () => {
  const files = builtFiles(dist);

  it('exists (npm test builds it first; run npm run build for a focused run)', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('imports every Node built-in with the node: prefix', () => {
    const offenders = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(bare)].map((match) => `${path.relative(root, file)}: ${match[0]}`),
    );
    expect(offenders).toEqual([]);
  });

  it('still imports built-ins (the check above looks at real imports)', () => {
    const prefixed = files.filter((file) => /['"]node:crypto['"]/.test(readFileSync(file, 'utf8')));
    expect(prefixed.length).toBeGreaterThan(0);
  });
});

describe('package.json', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
  };
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, Record<string, unknown>>;
  };

  it.each(['dependencies', 'devDependencies', 'peerDependencies', 'peerDependenciesMeta'] as const)(
    'is mirrored by package-lock.json (%s), so npm ci installs what package.json declares',
    (field) => {
      expect(lock.packages['']?.[field]).toEqual((pkg as unknown as Record<string, unknown>)[field]);
    },
  );

  it('builds before npm pack / npm publish', () => {
    expect(pkg.scripts.prepack).toMatch(/\bnpm run build\b/);
  });

  it.each(['better-sqlite3', 'pg', 'ioredis', '@types/better-sqlite3', '@types/pg'])(
    'declares %s as an optional peer',
    (name) => {
      expect(pkg.peerDependencies[name]).toBeDefined();
      expect(pkg.peerDependenciesMeta[name]?.optional).toBe(true);
    },
  );
});
