import { createCashCodes } from '../codes/service.js';
import { isPagoEfectivoKitError } from '../errors.js';
import type { Payer } from '../model/code.js';
import type { CashCodeProvider, CipReference, CreateCipInput, CreatedCip } from '../model/provider.js';
import { memoryStore } from '../storage/memory.js';
import { type ConformanceTestApi, registerTest, resolveTestApi } from './_conformance/api.js';
import { expect, fail } from './_conformance/expect.js';

/** A provider under test plus the controls of its fake (what only the far side can do). */
export interface ProviderHarness {
  provider: CashCodeProvider;
  /** Mark the CIP paid at the provider without any notification (a missed webhook). */
  pay(cip: string): Promise<void>;
  /** End the CIP unpaid, as at its expiry. */
  expire(cip: string): Promise<void>;
  /** The payer every test issues for (give what the provider requires, e.g. dLocal's document). */
  payer: Payer;
  /** Release the fake after the test. */
  dispose?: () => void | Promise<void>;
}

/** Creates a fresh provider and fake for one test. */
export type ProviderFactory = () => ProviderHarness | Promise<ProviderHarness>;

/** Options of {@link describeProviderConformance}. */
export interface ProviderConformanceOptions {
  /** The runner's `describe`, `it`, `beforeEach`, `afterEach` (as for `describeStoreConformance`). */
  api?: ConformanceTestApi;
}

let sequence = 0;
const transactionCode = (): string => `conf${Date.now().toString(36)}${(sequence++).toString(36)}`;

function inputOf(payer: Payer, amount = '150.50'): CreateCipInput {
  return {
    currency: 'PEN',
    amount,
    transactionCode: transactionCode(),
    userEmail: payer.email,
    dateExpiry: new Date(Date.now() + 24 * 3600_000),
    ...(payer.firstName !== undefined && { userName: payer.firstName }),
    ...(payer.lastName !== undefined && { userLastName: payer.lastName }),
    ...(payer.documentType !== undefined && { userDocumentType: payer.documentType }),
    ...(payer.documentNumber !== undefined && { userDocumentNumber: payer.documentNumber }),
  };
}

const referenceOf = (input: CreateCipInput, created: CreatedCip): CipReference => ({
  cip: created.cip,
  transactionCode: input.transactionCode,
  providerPaymentId: created.providerPaymentId ?? null,
  expiresAt: created.dateExpiry,
});

async function stateOf(provider: CashCodeProvider, reference: CipReference): Promise<string | null> {
  const found = await provider.searchCips([reference.cip], [reference]);
  return found.find((status) => status.cip === reference.cip)?.state ?? null;
}

async function rejectsUnsupported(run: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect(
      isPagoEfectivoKitError(error, 'provider_operation_unsupported'),
      `${what} rejects with provider_operation_unsupported`,
    ).toBe(true);
    return;
  }
  fail(`${what} is declared unsupported but resolved`);
}

/**
 * The conformance suite of a {@link CashCodeProvider} (docs/providers.md): what the codes service relies
 * on, for the direct PagoEfectivo client, the dLocal provider and any provider a third party writes.
 * One factory per test; an operation the provider declares unsupported (`supports`) runs its
 * counterpart test (the operation must reject with `provider_operation_unsupported`), never a skip.
 *
 * @example
 * describeProviderConformance('dlocal', () => { const fake = createFakeDlocal(); … }, { api: { describe, it, beforeEach, afterEach } });
 */
export function describeProviderConformance(
  name: string,
  makeHarness: ProviderFactory,
  options: ProviderConformanceOptions = {},
): void {
  const api = resolveTestApi(options.api);
  const test = registerTest(api);
  let harness: ProviderHarness | null = null;
  const current = (): ProviderHarness => harness ?? fail('the harness was not created');
  api.describe(`provider conformance: ${name}`, () => {
    api.beforeEach(async () => {
      harness = await makeHarness();
    });
    api.afterEach(async () => {
      await harness?.dispose?.();
      harness = null;
    });

    test('declares its contract version and name, if at all, as strings', async () => {
      const { provider } = current();
      if (provider.specificationVersion !== undefined) expect(provider.specificationVersion).toBe('v1');
      if (provider.provider !== undefined) expect(typeof provider.provider).toBe('string');
    });

    test('createCip answers a digit-string CIP, the exact amount, currency and a future expiry', async () => {
      const { provider, payer } = current();
      const input = inputOf(payer);
      const created = await provider.createCip(input);
      expect(/^\d{1,20}$/.test(created.cip), `CIP ${created.cip} is a string of digits`).toBe(true);
      expect(created.amount).toBe('150.50');
      expect(created.currency).toBe('PEN');
      expect(created.transactionCode).toBe(input.transactionCode);
      expect(
        created.dateExpiry instanceof Date && !Number.isNaN(created.dateExpiry.getTime()),
        'dateExpiry is a Date',
      ).toBe(true);
      expect(created.dateExpiry.getTime()).toBeGreaterThan(Date.now() - 60_000);
      const other = await provider.createCip(inputOf(payer, '10.00'));
      expect(other.cip === created.cip, 'two creations give two CIPs').toBe(false);
      expect(other.amount).toBe('10.00');
    });

    test('searchCips reports a new CIP pending, and leaves an unknown CIP out', async () => {
      const { provider, payer } = current();
      const input = inputOf(payer);
      const created = await provider.createCip(input);
      const [status] = await provider.searchCips([created.cip], [referenceOf(input, created)]);
      expect(status).toMatchObject({ cip: created.cip, state: 'pending', amount: '150.50', currency: 'PEN' });
      const unknown = { cip: '99999999', transactionCode: 'conf-unknown', providerPaymentId: null, expiresAt: null };
      expect(await provider.searchCips(['99999999'], [unknown])).toEqual([]);
    });

    test('a paid CIP is reported paid with its amount', async () => {
      const { provider, payer, pay } = current();
      const input = inputOf(payer);
      const created = await provider.createCip(input);
      await pay(created.cip);
      const [status] = await provider.searchCips([created.cip], [referenceOf(input, created)]);
      expect(status).toMatchObject({ cip: created.cip, state: 'paid', amount: '150.50', currency: 'PEN' });
    });

    test('an expired CIP is reported gone (expired or deleted), never pending or paid', async () => {
      const { provider, payer, expire } = current();
      const input = inputOf(payer);
      const created = await provider.createCip(input);
      await expire(created.cip);
      const state = await stateOf(provider, referenceOf(input, created));
      expect(state === 'expired' || state === 'deleted', `state ${String(state)} is expired or deleted`).toBe(true);
    });

    test('deleteCip cancels a pending CIP, or rejects as declared unsupported', async () => {
      const { provider, payer } = current();
      const input = inputOf(payer);
      const created = await provider.createCip(input);
      const reference = referenceOf(input, created);
      if (provider.supports?.deleteCip === false) {
        await rejectsUnsupported(() => provider.deleteCip(created.cip, reference), 'deleteCip');
        return;
      }
      await provider.deleteCip(created.cip, reference);
      const state = await stateOf(provider, reference);
      expect(state === 'deleted' || state === 'expired', `state ${String(state)} after deleteCip`).toBe(true);
    });

    test('updateCipExpiry moves the expiry, or rejects as declared unsupported', async () => {
      const { provider, payer } = current();
      const input = inputOf(payer);
      const created = await provider.createCip(input);
      const reference = referenceOf(input, created);
      const later = new Date(Math.floor((created.dateExpiry.getTime() + 3600_000) / 1000) * 1000);
      if (provider.supports?.updateCipExpiry === false) {
        await rejectsUnsupported(() => provider.updateCipExpiry(created.cip, later, reference), 'updateCipExpiry');
        return;
      }
      await provider.updateCipExpiry(created.cip, later, reference);
      const [status] = await provider.searchCips([created.cip], [reference]);
      expect(status?.dateExpiry?.getTime()).toBe(later.getTime());
    });

    test('the codes service issues through it and the sweeper finds a missed payment', async () => {
      const { provider, payer, pay } = current();
      let clock = Date.now();
      const codes = createCashCodes({ provider, store: memoryStore(), now: () => new Date(clock) });
      const { code } = await codes.issue({ orderId: transactionCode(), amount: '20.00', currency: 'PEN', payer });
      expect(code.status).toBe('pending');
      if (code.cip === null) fail('an issued code has a CIP');
      await pay(code.cip);
      // Past the expiry and any settlement grace: the sweeper asks the provider and finds it paid.
      clock = code.expiresAt.getTime() + 30 * 24 * 3600_000;
      const summary = await codes.sweepExpired({ drain: false });
      const swept = await codes.get(code.id);
      expect(swept?.status === 'paid' || swept?.status === 'review', `status ${String(swept?.status)}`).toBe(true);
      expect(summary.paid + summary.review).toBe(1);
    });
  });
}
