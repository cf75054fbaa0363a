/**
 * The suites that need a database server, and the banner `npm test` prints when it skipped some: a
 * green run that silently tested no PostgreSQL or Redis code is how adapter regressions ship.
 */

/** A suite that runs only when an environment variable points it at a server. */
export interface ServerSuite {
  name: string;
  variable: string;
  /** Test files (relative to the repository root) that skip, in whole or in part, without it. */
  files: string[];
  /** Shown instead of the files while the suite does not exist yet. */
  note?: string;
}

/** Every server-backed suite of this repository. */
export const SERVER_SUITES: ServerSuite[] = [
  {
    name: 'PostgreSQL',
    variable: 'PAGOEFECTIVO_KIT_TEST_POSTGRES_URL',
    files: ['test/storage/postgres.test.ts', 'test/storage/multiprocess.test.ts', 'test/cli/server-stores.test.ts'],
  },
  {
    name: 'Redis',
    variable: 'PAGOEFECTIVO_KIT_TEST_REDIS_URL',
    files: ['test/storage/redis.test.ts', 'test/storage/multiprocess.test.ts', 'test/cli/server-stores.test.ts'],
  },
  {
    name: 'MySQL',
    variable: 'PAGOEFECTIVO_KIT_TEST_MYSQL_URL',
    files: ['test/storage/mysql.test.ts'],
    note: 'the MySQL suite will read it',
  },
];

const EXAMPLES: Record<string, string> = {
  PAGOEFECTIVO_KIT_TEST_POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/test',
  PAGOEFECTIVO_KIT_TEST_REDIS_URL: 'redis://127.0.0.1:6379/0',
  PAGOEFECTIVO_KIT_TEST_MYSQL_URL: 'mysql://root@127.0.0.1:3306/test',
};

/**
 * The banner for the suites whose variable is unset and which this run touched (`ranFiles`, relative
 * paths), or `null` when nothing was skipped. A suite whose files do not exist yet is named with its
 * note only when the run included other server suites' files, so a focused run stays quiet.
 */
export function skippedSuitesBanner(
  env: Record<string, string | undefined>,
  ranFiles: readonly string[],
  existing: (file: string) => boolean,
): string | null {
  const ran = new Set(ranFiles);
  const touched = (suite: ServerSuite): boolean => suite.files.some((file) => ran.has(file));
  const anyServerFile = SERVER_SUITES.some(touched);
  const lines: string[] = [];
  for (const suite of SERVER_SUITES) {
    if (env[suite.variable]) continue;
    const present = suite.files.filter(existing);
    if (present.length > 0 && touched(suite)) {
      const skipped = present.filter((file) => ran.has(file));
      lines.push(`  ${suite.name}: skipped in ${skipped.join(', ')}`);
    } else if (present.length === 0 && suite.note && anyServerFile) {
      lines.push(`  ${suite.name}: no suite yet (${suite.note})`);
    } else continue;
    lines.push(`    enable: ${suite.variable}=${EXAMPLES[suite.variable] ?? '…'}`);
  }
  if (lines.length === 0) return null;
  const rule = '!'.repeat(78);
  return [rule, '!! SERVER SUITES SKIPPED: this run did not test these stores', ...lines, rule].join('\n');
}
