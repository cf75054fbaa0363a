import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createPagoEfectivoClient, type PagoEfectivoClientOptions } from '../../src/client/index.js';
import { type CashCodesOptions, createCashCodes } from '../../src/codes/index.js';
import type { TracerLike } from '../../src/observability/index.js';
import { memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo } from '../../src/testing/index.js';

export const CREDENTIALS = {
  serviceId: 1234,
  accessKey: 'EXAMPLEACCESSKEY0001',
  secretKey: 'exampleSecretKey/abc+123=',
} as const;
export const WEBHOOK_SECRET = CREDENTIALS.secretKey;
export const START = new Date('2026-03-02T15:00:00Z');

/**
 * An in-memory exporter behind a BasicTracerProvider. The AsyncLocalStorage context manager is what
 * NodeSDK registers in a real app: without one, `startActiveSpan` cannot carry a parent across awaits.
 */
export function otel(): { tracer: TracerLike; exporter: InMemorySpanExporter; spans(): ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // Typed as the kit's TracerLike on purpose: this line is the check that a real Tracer fits it.
  const tracer: TracerLike = provider.getTracer('pagoefectivo-kit');
  return { tracer, exporter, spans: () => exporter.getFinishedSpans() };
}

export function resetOtel(): void {
  context.disable();
  trace.disable();
}

export function world(
  codesOptions: Partial<CashCodesOptions> = {},
  clientOptions: Partial<PagoEfectivoClientOptions> = {},
) {
  const fake = createFakePagoEfectivo({ ...CREDENTIALS, start: START });
  const now = (): Date => fake.now();
  const client = createPagoEfectivoClient({
    ...CREDENTIALS,
    baseUrl: fake.baseUrl,
    fetch: fake.fetch,
    now,
    retry: { retries: 0 },
    ...clientOptions,
  });
  const store = memoryStore({ now });
  const codes = createCashCodes({ client, store, now, ...codesOptions });
  return { fake, client, store, codes, now };
}

export const order = (orderId: string, amount = '150.50') => ({
  orderId,
  amount,
  currency: 'PEN' as const,
  payer: {
    email: 'cliente@example.pe',
    firstName: 'Anabella',
    lastName: 'Quispe Mamani',
    documentType: 'DNI' as const,
    documentNumber: '44556677',
  },
});

/** Every string a span or hook must never carry (payer data and credentials). */
export const FORBIDDEN = [
  'cliente@example.pe',
  'Anabella',
  'Quispe',
  '44556677',
  CREDENTIALS.secretKey,
  CREDENTIALS.accessKey,
];
