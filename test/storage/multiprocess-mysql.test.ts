import { mysqlBackend } from './_fixtures/backends.js';
import { describeMultiprocess, run } from './_fixtures/multiprocess.js';

// The MySQL / MariaDB case of multiprocess.test.ts (same tests, same workers; issue 17), in its own
// file so that it can run alone.
const MYSQL_URL = process.env.PAGOEFECTIVO_KIT_TEST_MYSQL_URL;

describeMultiprocess(
  'mysql',
  MYSQL_URL ? null : 'set PAGOEFECTIVO_KIT_TEST_MYSQL_URL to run the MySQL / MariaDB multi-process test',
  () => mysqlBackend(MYSQL_URL!, run),
);
