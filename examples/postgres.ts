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
import { postgresStore } from '../src/storage/adapters/postgres.js';
import { runStoreDemo } from './_store-demo.js';

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

    await runStoreDemo(store, { orderId: `ORD-${Date.now()}`, firstCip: Date.now() });
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
