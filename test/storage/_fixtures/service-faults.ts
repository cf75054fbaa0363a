/**
 * The codes service on a real store behind a fault-injecting connection, and the invariants of the
 * money path checked over everything it did (issue 10): judged on the final state of the store and of
 * the fake PagoEfectivo, never on what a faulty call answered.
 */
import { expect } from 'vitest';
import { createPagoEfectivoClient } from '../../../src/client/index.js';
import { type CashCodes, createCashCodes } from '../../../src/codes/index.js';
import type { CashCode } from '../../../src/model/code.js';
import type { CodeEvent } from '../../../src/model/events.js';
import type { CashCodeProvider } from '../../../src/model/provider.js';
import type { CashCodeStore } from '../../../src/storage/contract.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../../src/testing/index.js';
import { noticeFromBody } from '../../codes/_harness.js';

const CREDENTIALS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };

/** The service, the fake, and what the test observed. */
export interface ServiceRig {
  fake: FakePagoEfectivo;
  codes: CashCodes;
  /** Every CIP the provider created, in order. */
  cips: string[];
  /** Every event `onEvent` received (redeliveries included). */
  delivered: CodeEvent[];
  /**
   * Drain as another instance would once every lease has lapsed (its clock two hours ahead): events a
   * lost claim left leased to an owner nobody uses again are delivered then, never lost.
   */
  drainLater(): Promise<unknown>;
}

/**
 * Build the service on `store` with the in-process fake (wall clock), a provider that records every
 * created CIP, and a webhook target that answers like the SDK's handler: 200 for every recorded
 * outcome, 503 when the service threw (so the fake retries once, as PagoEfectivo does).
 */
export function serviceRig(store: CashCodeStore): ServiceRig {
  // PagoEfectivo's one second attempt, made at once (its real delay is undocumented).
  const fake = createFakePagoEfectivo({ ...CREDENTIALS, webhookRetryDelayMs: 0 });
  const client = createPagoEfectivoClient({
    ...CREDENTIALS,
    baseUrl: fake.baseUrl,
    fetch: fake.fetch,
    retry: { retries: 0 },
  });
  const cips: string[] = [];
  const provider: CashCodeProvider = {
    createCip: async (input) => {
      const created = await client.createCip(input);
      cips.push(created.cip);
      return created;
    },
    searchCips: (numbers) => client.searchCips(numbers),
    updateCipExpiry: (cip, date) => client.updateCipExpiry(cip, date),
    deleteCip: (cip) => client.deleteCip(cip),
  };
  const delivered: CodeEvent[] = [];
  const codes = createCashCodes({
    client: provider,
    store,
    settlementGraceMs: 0,
    onEvent: (event) => void delivered.push(event),
  });
  fake.setWebhookTarget({
    handler: async (request) => {
      try {
        const outcome = await codes.applyPayment(noticeFromBody(await request.text()));
        return new Response(outcome.kind, { status: 200 });
      } catch {
        return new Response('store unavailable', { status: 503 });
      }
    },
  });
  const drainLater = () =>
    createCashCodes({
      client: provider,
      store,
      now: () => new Date(Date.now() + 2 * 3_600_000),
      onEvent: (event) => void delivered.push(event),
    }).events.drain({ limit: 1000 });
  return { fake, codes, cips, delivered, drainLater };
}

/** Run `task`; on a rejection run it once more (a checkout, a merchant or a cron job retrying). */
export async function withOneRetry<T>(task: () => Promise<T>): Promise<T | Error> {
  try {
    return await task();
  } catch {
    try {
      return await task();
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}

/** Every stored code of the CIPs the rig created, by CIP. */
async function codesByCip(store: CashCodeStore, rig: ServiceRig): Promise<Map<string, CashCode | null>> {
  const found = new Map<string, CashCode | null>();
  for (const cip of rig.cips) found.set(cip, await store.getCodeByCip(cip));
  return found;
}

/**
 * The money-path invariants over every CIP the rig created and every code of `orderIds`:
 * - no order has two payable CIPs at the fake;
 * - no pending code points at a CIP that is not payable at the fake;
 * - every paid code has exactly one `paid` entry and one `code.paid` event in the outbox, and
 *   `onEvent` received that event (after a final drain, and one by a later instance once leases lapsed);
 * - every code of `refused` (paid for the wrong amount at the fake) has its refusal or review entry.
 */
export async function checkInvariants(
  store: CashCodeStore,
  rig: ServiceRig,
  orderIds: readonly string[],
  refused: readonly string[] = [],
): Promise<void> {
  await rig.codes.events.drain({ limit: 1000 });
  await rig.drainLater();
  const byCip = await codesByCip(store, rig);
  const payable = new Map<string, string[]>();
  for (const cip of rig.cips) {
    const state = rig.fake.getCip(cip)?.state;
    if (state !== 'generated') continue;
    // A CIP no stored code holds is an orphan: it is payable and belongs to the order of its code id.
    const holder = byCip.get(cip) ?? (await store.getCode(rig.fake.getCip(cip)!.transactionCode));
    const orderId = holder?.orderId ?? `orphan:${cip}`;
    payable.set(orderId, [...(payable.get(orderId) ?? []), cip]);
  }
  for (const [orderId, cips] of payable) expect(cips, `payable CIPs of ${orderId}`).toHaveLength(1);
  for (const orderId of orderIds) {
    const code = await store.getCodeByOrder(orderId);
    if (code === null) continue;
    if (code.status === 'pending') {
      expect(rig.fake.getCip(code.cip!)?.state, `CIP of pending code ${code.id}`).toBe('generated');
    }
    const log = await store.readLog(code.id);
    const events = (await store.listEvents({ codeId: code.id, limit: 1000 })).events;
    const ids = log.map((entry) => entry.id).filter((id) => id !== undefined);
    expect(new Set(ids).size, `entry ids of ${code.id}`).toBe(ids.length);
    const paidEntries = log.filter((entry) => entry.type === 'paid');
    const paidEvents = events.filter((row) => row.event.type === 'code.paid');
    if (code.status === 'paid') {
      expect(paidEntries, `paid entries of ${code.id}`).toHaveLength(1);
      expect(paidEvents, `code.paid events of ${code.id}`).toHaveLength(1);
      expect(
        rig.delivered.some((event) => event.id === paidEvents[0]!.event.id),
        `delivery of ${code.id}`,
      ).toBe(true);
    } else {
      expect(paidEntries, `paid entries of unpaid ${code.id}`).toHaveLength(0);
    }
    if (refused.includes(code.id)) {
      const refusal = log.filter((entry) => entry.type === 'payment_rejected' || entry.type === 'review');
      expect(refusal.length, `refusal entries of ${code.id}`).toBeGreaterThan(0);
    }
  }
}
