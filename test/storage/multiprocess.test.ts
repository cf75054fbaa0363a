import { postgresBackend, redisBackend, sqliteBackend } from './_fixtures/backends.js';
import { describeMultiprocess, run } from './_fixtures/multiprocess.js';

const PG_URL = process.env.PAGOEFECTIVO_KIT_TEST_POSTGRES_URL;
const REDIS_URL = process.env.PAGOEFECTIVO_KIT_TEST_REDIS_URL;

describeMultiprocess('sqlite (one file)', null, sqliteBackend);
describeMultiprocess(
  'postgres',
  PG_URL ? null : 'set PAGOEFECTIVO_KIT_TEST_POSTGRES_URL to run the PostgreSQL multi-process test',
  () => postgresBackend(PG_URL!, run),
);
describeMultiprocess(
  'redis',
  REDIS_URL ? null : 'set PAGOEFECTIVO_KIT_TEST_REDIS_URL to run the Redis multi-process test',
  () => redisBackend(REDIS_URL!, run),
);
