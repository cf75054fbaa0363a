/**
 * The Redis store with the codes service (the fake PagoEfectivo runs in-process).
 *
 *   REDIS_URL=redis://127.0.0.1:6379/0 npx tsx examples/redis.ts
 *
 * Issues a payment code for a new order twice (the second call returns the same code: one code per
 * order), then prints the code and its lifecycle log, all under the key prefix `pagoefectivo:example:`.
 * Every app instance, webhook worker and sweeper pointed at this Redis shares the same codes safely.
 */
import { Redis } from 'ioredis';
import { redisStore } from '../src/storage/adapters/redis.js';
import { runStoreDemo } from './_store-demo.js';

async function main(): Promise<void> {
  const url = process.env.REDIS_URL;
  if (!url) {
    console.error('Set REDIS_URL to a Redis 7 server this example may write keys to, e.g.');
    console.error('  REDIS_URL=redis://127.0.0.1:6379/0 npx tsx examples/redis.ts');
    process.exitCode = 1;
    return;
  }
  // You own the client: create it, and quit it when the app stops.
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    const store = redisStore(redis, { keyPrefix: 'pagoefectivo:example:' });
    console.log(`Redis store, keys ${store.keyPrefix}*`);

    await runStoreDemo(store, { orderId: `ORD-${Date.now()}`, firstCip: Date.now() });
  } finally {
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
