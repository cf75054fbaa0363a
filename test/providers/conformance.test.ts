/**
 * The provider conformance suite from `pagoefectivo-kit/testing`, run on both providers the SDK ships:
 * the direct PagoEfectivo client against its fake, and the dLocal provider against the fake dLocal.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/15
 */
import { afterEach, beforeEach, describe, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { createFakeDlocal, createFakePagoEfectivo, describeProviderConformance } from '../../src/testing/index.js';
import { fakeDlocalProvider } from './_setup.js';

const api = { describe, it, beforeEach, afterEach };

describeProviderConformance(
  'pagoefectivo (direct)',
  () => {
    const credentials = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
    const fake = createFakePagoEfectivo(credentials);
    const provider = createPagoEfectivoClient({ ...credentials, fetch: fake.fetch, retry: { baseDelayMs: 0 } });
    return {
      provider,
      payer: { email: 'buyer@example.pe' },
      pay: async (cip) => void (await fake.pay(cip, { notify: false })),
      expire: async (cip) => fake.expire(cip),
    };
  },
  { api },
);

describeProviderConformance(
  'dlocal',
  () => {
    const fake = createFakeDlocal();
    const provider = fakeDlocalProvider(fake, { clock: false });
    return {
      provider,
      payer: { email: 'buyer@example.pe', firstName: 'Ana', lastName: 'Quispe', documentNumber: '45678912' },
      pay: async (cip) => void (await fake.pay(cip, { notify: false })),
      expire: async (cip) => void (await fake.expire(cip)),
    };
  },
  { api },
);
