import {
  createPagoEfectivoClient,
  type PagoEfectivoClient,
  type PagoEfectivoClientOptions,
} from '../../src/client/index.js';
import type { CreateCipInput } from '../../src/model/provider.js';
import {
  createFakePagoEfectivo,
  type FakePagoEfectivo,
  type FakePagoEfectivoOptions,
} from '../../src/testing/index.js';

/** Example credentials from the protocol notes (not real). */
export const CREDENTIALS = {
  serviceId: 1234,
  accessKey: 'EXAMPLEACCESSKEY0001',
  secretKey: 'exampleSecretKey/abc+123=',
} as const;

/** 2024-03-05T10:15:30-05:00 */
export const START = new Date('2024-03-05T15:15:30Z');

/** A fake and a client wired to it in-process, sharing the fake clock. */
export function setup(
  fakeOptions: Partial<FakePagoEfectivoOptions> = {},
  clientOptions: Partial<PagoEfectivoClientOptions> = {},
): { fake: FakePagoEfectivo; client: PagoEfectivoClient } {
  const fake = createFakePagoEfectivo({ ...CREDENTIALS, start: START, ...fakeOptions });
  const client = createPagoEfectivoClient({
    ...CREDENTIALS,
    fetch: fake.fetch,
    now: fake.now,
    retry: { baseDelayMs: 0 },
    ...clientOptions,
  });
  return { fake, client };
}

/** A valid create-CIP input; override fields per test. */
export function order(overrides: Partial<CreateCipInput> = {}): CreateCipInput {
  return {
    currency: 'PEN',
    amount: '150.50',
    transactionCode: 'ORD-0001',
    userEmail: 'ana@example.pe',
    dateExpiry: new Date(START.getTime() + 48 * 3600_000),
    ...overrides,
  };
}
