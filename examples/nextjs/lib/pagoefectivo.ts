/**
 * The app's PagoEfectivo wiring, created once per server process and shared by route handlers
 * (`import { codes, webhookHandler } from '@/lib/pagoefectivo'` in a real Next.js app).
 *
 * Credentials come from the environment. The memory store keeps this example self-contained; in
 * production use a shared store (`pagoefectivo-kit/storage/postgres`, `/redis`, …): Next.js runs
 * several processes, and serverless functions keep nothing between invocations.
 */
import { createPagoEfectivoClient } from '../../../src/client/index.js';
import { createCashCodes } from '../../../src/codes/index.js';
import { memoryStore } from '../../../src/storage/memory.js';
import { createWebhookHandler } from '../../../src/webhooks/index.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} in the environment (.env.local).`);
  return value;
}

const secretKey = required('PE_SECRET_KEY');

const client = createPagoEfectivoClient({
  serviceId: Number(required('PE_SERVICE_ID')),
  accessKey: required('PE_ACCESS_KEY'),
  secretKey,
  environment: process.env.PE_ENVIRONMENT === 'production' ? 'production' : 'sandbox',
  ...(process.env.PE_BASE_URL ? { baseUrl: process.env.PE_BASE_URL } : {}),
});

/** The store of the codes (see above: a shared one in production). */
export const store: ReturnType<typeof memoryStore> = memoryStore();

/** The codes service: `codes.issue(...)` at checkout. */
export const codes: ReturnType<typeof createCashCodes> = createCashCodes({ client, store });

/** The webhook handler the route below serves. */
export const webhookHandler: ReturnType<typeof createWebhookHandler> = createWebhookHandler({
  secretKey,
  codes,
  store,
  onPaid: (event, outcome) => console.log(`paid: order ${outcome.code.orderId}, CIP ${event.cip}`),
  onRejected: (event, outcome) => console.warn(`rejected: CIP ${event.cip} (${outcome.reason})`),
});
