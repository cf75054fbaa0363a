/**
 * The PostgreSQL store with the codes service (the fake PagoEfectivo runs in-process).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx examples/postgres.ts
 *
 * Creates the store's tables (prefix `pagoefectivo_example_`) if needed, issues a payment code for a
 * new order twice (the second call returns the same code: one code per order), then prints the code
 * and its lifecycle log. Every app instance, webhook worker and sweeper pointed at this database shares
 * the same codes safely.
 */
import pg from 'pg';
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import { postgresStore } from '../src/storage/adapters/postgres.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';
import { formatLimaTimestamp } from '../src/time/index.js';

const credentials = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL to a PostgreSQL database this example may create tables in, e.g.');
    console.error('  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx examples/postgres.ts');
    process.exitCode = 1;
    return;
  }
  // You own the pool: create it, listen for its errors (pg requires it), end it when the app stops.
  const pool = new pg.Pool({ connectionString: url });
  pool.on('error', (error) => console.error(`idle PostgreSQL connection failed: ${error.message}`));
  try {
    const store = postgresStore(pool, { tablePrefix: 'pagoefectivo_example_' });
    // Idempotent and safe from many processes at once; production apps run it at deploy time.
    await store.migrate();
    console.log(`PostgreSQL store, tables ${store.tablePrefix}*`);

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
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
