import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** Tests that drive a real browser: they run on their own, after the rest, on an unloaded machine. */
const BROWSER_TESTS = ['test/console/browser.test.ts'];

export default defineConfig({
  // The build's value of src/cli/_version.ts, for tests that import the CLI from source.
  define: { __PAGOEFECTIVO_KIT_VERSION__: JSON.stringify(version) },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The default output, then a loud banner naming the server suites this run skipped (and how to enable them).
    reporters: ['default', './test/_support/skipped-suites-reporter.ts'],
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary', 'html'] },
    // Chromium competing with the storage, multi-process and CLI suites for two cores once stalled a
    // page for a minute in CI; the browser suite therefore waits until every other file has finished.
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: BROWSER_TESTS, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'browser', include: BROWSER_TESTS, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
