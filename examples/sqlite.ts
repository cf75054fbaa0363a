/**
 * The SQLite store with the codes service, fully offline (the fake PagoEfectivo runs in-process).
 *
 *   npx tsx examples/sqlite.ts
 *
 * Opens a database file in a temporary folder, issues a payment code for an order twice (the second
 * call returns the same code: one code per order), then prints the code and its lifecycle log. Any
 * process that opens the same file with `sqliteStore` shares these codes safely.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteStore } from '../src/storage/adapters/sqlite.js';
import { runStoreDemo } from './_store-demo.js';

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'pagoefectivo-kit-sqlite-'));
  const file = join(folder, 'payments.db');
  // You own the database: open it, hand it to the store, close it when the app stops.
  const db = new Database(file);
  try {
    const store = sqliteStore(db);
    console.log(`SQLite store in ${file} (journal mode ${String(db.pragma('journal_mode', { simple: true }))})`);

    await runStoreDemo(store, { orderId: 'ORD-2026-0001' });
  } finally {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
