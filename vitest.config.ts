import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  // The build's value of src/cli/_version.ts, for tests that import the CLI from source.
  define: { __PAGOEFECTIVO_KIT_VERSION__: JSON.stringify(version) },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The default output, then a loud banner naming the server suites this run skipped (and how to enable them).
    reporters: ['default', './test/_support/skipped-suites-reporter.ts'],
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary', 'html'] },
  },
});
