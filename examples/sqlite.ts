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
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import { sqliteStore } from '../src/storage/adapters/sqlite.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';
import { formatLimaTimestamp } from '../src/time/index.js';

const credentials = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'pagoefectivo-kit-sqlite-'));
  const file = join(folder, 'payments.db');
  // You own the database: open it, hand it to the store, close it when the app stops.
  const db = new Database(file);
  try {
    const store = sqliteStore(db);
    console.log(`SQLite store in ${file} (journal mode ${String(db.pragma('journal_mode', { simple: true }))})`);

    const fake = createFakePagoEfectivo(credentials);
    const client = createPagoEfectivoClient({ ...credentials, baseUrl: fake.baseUrl, fetch: fake.fetch });
    const codes = createCashCodes({ client, store });

    const order = { orderId: 'ORD-2026-0001', amount: '150.50', currency: 'PEN' as const };
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
    db.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
