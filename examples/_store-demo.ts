/**
 * The demo shared by the store examples: with a fake PagoEfectivo and the given store, issue a payment
 * code for an order twice (the second call returns the same code: one code per order), then print the
 * code and its lifecycle log. Each example only opens its own store.
 */
import { createPagoEfectivoClient } from '../src/client/index.js';
import { createCashCodes } from '../src/codes/index.js';
import type { CashCodeStore } from '../src/storage/contract.js';
import { createFakePagoEfectivo } from '../src/testing/index.js';
import { formatLimaTimestamp } from '../src/time/index.js';

const credentials = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };

/** Options of {@link runStoreDemo}. */
export interface StoreDemoOptions {
  /** The order id to issue for (a shared database wants a fresh one per run). */
  orderId: string;
  /**
   * First CIP number of the fake. A fresh fake starts at the same number every run; against a database
   * that outlives the run, start at the clock so that a CIP is never repeated (the store refuses a CIP
   * that belongs to another code).
   */
  firstCip?: number;
}

/** Issue, re-issue and print one order's code and history with `store`. */
export async function runStoreDemo(store: CashCodeStore, options: StoreDemoOptions): Promise<void> {
  const fake = createFakePagoEfectivo(
    options.firstCip === undefined ? credentials : { ...credentials, firstCip: options.firstCip },
  );
  const client = createPagoEfectivoClient({ ...credentials, baseUrl: fake.baseUrl, fetch: fake.fetch });
  const codes = createCashCodes({ client, store });

  const order = { orderId: options.orderId, amount: '150.50', currency: 'PEN' as const };
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
}
