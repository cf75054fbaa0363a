/**
 * The banner `npm test` prints when server suites were skipped: it names each skipped suite's files
 * and the variable that enables it, and stays quiet when nothing was skipped or none of them ran.
 */
import { describe, expect, it } from 'vitest';
import { skippedSuitesBanner } from '../_support/skipped-suites.js';

const ALL = ['test/storage/postgres.test.ts', 'test/storage/redis.test.ts', 'test/storage/multiprocess.test.ts'];
const exists = (file: string): boolean => !file.includes('mysql');

describe('skippedSuitesBanner', () => {
  it('names the skipped PostgreSQL and Redis suites, their variables, and the future MySQL variable', () => {
    const banner = skippedSuitesBanner({}, ALL, exists) ?? '';
    expect(banner).toContain('SERVER SUITES SKIPPED');
    expect(banner).toContain('PostgreSQL: skipped in test/storage/postgres.test.ts, test/storage/multiprocess.test.ts');
    expect(banner).toContain('enable: PAGOEFECTIVO_KIT_TEST_POSTGRES_URL=postgres://');
    expect(banner).toContain('Redis: skipped in test/storage/redis.test.ts');
    expect(banner).toContain('enable: PAGOEFECTIVO_KIT_TEST_REDIS_URL=redis://');
    expect(banner).toContain('MySQL: no suite yet');
    expect(banner).toContain('PAGOEFECTIVO_KIT_TEST_MYSQL_URL=mysql://');
  });

  it('lists only the suites whose variable is unset', () => {
    const banner = skippedSuitesBanner(
      { PAGOEFECTIVO_KIT_TEST_POSTGRES_URL: 'postgres://x', PAGOEFECTIVO_KIT_TEST_MYSQL_URL: 'mysql://x' },
      ALL,
      exists,
    );
    expect(banner).toContain('Redis');
    expect(banner).not.toContain('PostgreSQL');
    expect(banner).not.toContain('MySQL');
  });

  it('names the MySQL suite by its file once it exists', () => {
    const banner = skippedSuitesBanner({}, ['test/storage/mysql.test.ts'], () => true) ?? '';
    expect(banner).toContain('MySQL: skipped in test/storage/mysql.test.ts');
  });

  it('is silent when every variable is set, or when the run touched no server suite', () => {
    const env = {
      PAGOEFECTIVO_KIT_TEST_POSTGRES_URL: 'postgres://x',
      PAGOEFECTIVO_KIT_TEST_REDIS_URL: 'redis://x',
      PAGOEFECTIVO_KIT_TEST_MYSQL_URL: 'mysql://x',
    };
    expect(skippedSuitesBanner(env, ALL, exists)).toBeNull();
    expect(skippedSuitesBanner({}, ['test/money/amount.test.ts'], exists)).toBeNull();
  });
});
