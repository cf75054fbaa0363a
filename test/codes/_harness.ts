import { createPagoEfectivoClient, type PagoEfectivoClient } from '../../src/client/index.js';
import { type CashCodes, type CashCodesOptions, createCashCodes } from '../../src/codes/index.js';
import type { PaymentNotice, PaymentOutcome } from '../../src/model/code.js';
import type { CashCodeProvider } from '../../src/model/provider.js';
import { parseAmount } from '../../src/money/index.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { parseApiTimestamp } from '../../src/time/index.js';

/** Monday 2 March 2026, 10:00 Lima time: an ordinary business day. */
export const START = new Date('2026-03-02T15:00:00Z');
export const HOUR = 3_600_000;

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export interface Harness {
  fake: FakePagoEfectivo;
  client: PagoEfectivoClient;
  store: MemoryStore;
  codes: CashCodes;
  logs: LogLine[];
  /** What applyPayment answered to each notification the fake delivered. */
  outcomes: PaymentOutcome[];
  now(): Date;
  advance(ms: number): void;
}

/**
 * Turn the raw body the fake PagoEfectivo signs into a PaymentNotice, reading the amount token
 * digit for digit (no float). Stands in for the webhooks module so these tests cover the service alone.
 */
export function noticeFromBody(body: string): PaymentNotice {
  const parsed = JSON.parse(body) as {
    operationNumber: string;
    data: { cip: string; currency: string; transactionCode: string; paymentDate: string };
  };
  const token = /"amount":([0-9.]+)/.exec(body)?.[1] ?? '';
  return {
    cip: parsed.data.cip,
    amountMinor: parseAmount(token),
    currency: parsed.data.currency,
    operationNumber: parsed.operationNumber,
    transactionCode: parsed.data.transactionCode,
    paidAt: parseApiTimestamp(parsed.data.paymentDate),
    source: 'webhook',
  };
}

/** Knobs of the harness itself (not of the service). */
export interface HarnessExtras {
  /** The client's per-request timeout (default: the client's). */
  clientTimeoutMs?: number;
  /** Put something between the service and the client (fault injection, crash simulation). */
  wrapProvider?: (client: PagoEfectivoClient) => CashCodeProvider;
  /** Put something between the service and the memory store (latency, fault injection). */
  wrapStore?: (store: MemoryStore) => CashCodeStore;
}

/** The fake PagoEfectivo + the real client + memoryStore + the service, all on one fake clock. */
export function createHarness(overrides: Partial<CashCodesOptions> = {}, extras: HarnessExtras = {}): Harness {
  const fake = createFakePagoEfectivo({
    serviceId: 1234,
    accessKey: 'EXAMPLEACCESSKEY0001',
    secretKey: 'exampleSecretKey/abc+123=',
    start: START,
  });
  const now = (): Date => fake.now();
  const client = createPagoEfectivoClient({
    serviceId: 1234,
    accessKey: 'EXAMPLEACCESSKEY0001',
    secretKey: 'exampleSecretKey/abc+123=',
    baseUrl: fake.baseUrl,
    fetch: fake.fetch,
    now,
    retry: { retries: 0 },
    ...(extras.clientTimeoutMs !== undefined && { timeoutMs: extras.clientTimeoutMs }),
  });
  const store = memoryStore({ now: () => fake.now().getTime() });
  const logs: LogLine[] = [];
  const logger = {
    info: (message: string, fields: Record<string, unknown> = {}) => logs.push({ level: 'info', message, fields }),
    warn: (message: string, fields: Record<string, unknown> = {}) => logs.push({ level: 'warn', message, fields }),
    error: (message: string, fields: Record<string, unknown> = {}) => logs.push({ level: 'error', message, fields }),
  };
  const provider = extras.wrapProvider?.(client) ?? client;
  const serviceStore = extras.wrapStore?.(store) ?? store;
  const codes = createCashCodes({ client: provider, store: serviceStore, now, logger, ...overrides });
  const outcomes: PaymentOutcome[] = [];
  fake.setWebhookTarget({
    handler: async (request) => {
      const outcome = await codes.applyPayment(noticeFromBody(await request.text()));
      outcomes.push(outcome);
      // Like the webhook handler: every recorded notification is answered 200, so PagoEfectivo does not retry.
      return new Response(outcome.kind, { status: 200 });
    },
  });
  return { fake, client, store, codes, logs, outcomes, now, advance: (ms) => fake.advance(ms) };
}

/** A valid issue input for `orderId`. */
export function order(orderId: string, amount = '150.50', currency: 'PEN' | 'USD' = 'PEN') {
  return { orderId, amount, currency, payer: { email: 'cliente@example.pe', firstName: 'Ana', lastName: 'Quispe' } };
}

/**
 * The lifecycle event types of a code, oldest first, without its `provider_call` entries (the calls
 * the service made for it, asserted in test/support/provider-calls.test.ts).
 */
export async function eventTypes(codes: CashCodes, codeId: string): Promise<string[]> {
  return (await codes.history(codeId)).map((entry) => entry.type).filter((type) => type !== 'provider_call');
}
