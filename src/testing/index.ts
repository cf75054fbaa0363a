/**
 * Test helpers: an in-process fake of PagoEfectivo's API (also servable over HTTP), and a webhook
 * signer that produces requests exactly as PagoEfectivo sends them.
 *
 * @module testing
 */

// fake PagoEfectivo
export { createFakePagoEfectivo, type FakePagoEfectivo, type FakeStats } from './fake/fake.js';
export { FAKE_CODES } from './fake/envelope.js';
export { FAKE_STATUSES } from './fake/options.js';
export {
  FAKE_OPERATIONS,
  type FakeCip,
  type FakeCipState,
  type FakeDelay,
  type FakeDeliveryAttempt,
  type FakeDeliveryReport,
  type FakeFault,
  type FakeOperation,
  type FakePagoEfectivoOptions,
  type FakePayOptions,
  type FakeRequestRecord,
  type FakeStatus,
  type WebhookTarget,
} from './fake/types.js';

// webhook signing
export { signWebhook, type SignedWebhook } from './sign.js';

// store conformance
export {
  type ConformanceTestApi,
  type ConformanceTestFn,
  describeStoreConformance,
  type StoreConformanceOptions,
  type StoreConformanceClock,
  type StoreFactory,
  type StoreFactoryContext,
  type StoreFaults,
  type StoreHandle,
} from './conformance.js';

// fake dLocal (the gateway provider's far side)
export { createFakeDlocal, type FakeDlocal } from './dlocal/fake.js';
export {
  FAKE_DLOCAL_OPERATIONS,
  type FakeDlocalAttempt,
  type FakeDlocalDelivery,
  type FakeDlocalFault,
  type FakeDlocalOperation,
  type FakeDlocalOptions,
  type FakeDlocalPayment,
  type FakeDlocalPayOptions,
  type FakeDlocalRequest,
  type FakeDlocalTarget,
} from './dlocal/types.js';

// provider conformance
export {
  describeProviderConformance,
  type ProviderConformanceOptions,
  type ProviderFactory,
  type ProviderHarness,
} from './provider-conformance.js';
