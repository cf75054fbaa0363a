/**
 * A vitest reporter that prints the skipped-server-suites banner after the summary (stderr), so
 * `npm test` without PAGOEFECTIVO_KIT_TEST_POSTGRES_URL / _REDIS_URL says loudly what it did not test.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { skippedSuitesBanner } from './skipped-suites.js';

const root = path.resolve(import.meta.dirname, '../..');

export default class SkippedSuitesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const ran = testModules.map((module) => path.relative(root, module.moduleId).split(path.sep).join('/'));
    const banner = skippedSuitesBanner(process.env, ran, (file) => existsSync(path.join(root, file)));
    if (banner) process.stderr.write(`\n${banner}\n\n`);
  }
}
