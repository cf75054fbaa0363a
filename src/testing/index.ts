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
