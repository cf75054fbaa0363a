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
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import { redisStore } from '../src/storage/adapters/redis.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';
import { formatLimaTimestamp } from '../src/time/index.js';

const credentials = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };

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

    // Every run starts a new fake: begin its CIP numbers at the clock so that runs against the same
    // database never repeat one (the store refuses a CIP that belongs to another code).
    const fake = createFakePagoEfectivo({ ...credentials, firstCip: Date.now() });
    const client = createPagoEfectivoClient({ ...credentials, baseUrl: fake.baseUrl, fetch: fake.fetch });
    const codes = createCashCodes({ client, store });

    const order = { orderId: `ORD-${Date.now()}`, amount: '150.50', currency: 'PEN' as const };
    const payer = { email: 'ana.quispe@example.pe', firstName: 'Ana', lastName: 'Quispe' };
    const first = await codes.issue({ ...order, payer });
    const again = await codes.issue({ ...order, payer });
    const { code } = first;
    console.log(`\nIssued CIP ${code.cip} for ${code.orderId}: ${code.currency} ${code.amount}, status ${code.status}`);
    console.log(`  pay before ${formatLimaTimestamp(code.expiresAt)} (Lima) at ${code.cipUrl}`);
    console.log(`  second issue for the same order: created=${again.created}, same code: ${again.code.id === code.id}`);

    console.log(`\nHistory of code ${code.id}:`);
    for (const entry of await codes.history(code.id)) {
      const change = entry.from === null ? `-> ${entry.to}` : `${entry.from} -> ${entry.to}`;
      console.log(`  ${entry.at.toISOString()}  ${entry.type.padEnd(10)} ${change} by ${entry.actor}`);
    }
    console.log(`\nPagoEfectivo saw ${fake.stats().createCip} createCip call(s).`);
  } finally {
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
