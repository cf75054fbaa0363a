import { createPagoEfectivoClient, type PagoEfectivoClient } from '../../src/client/index.js';
import { createCodeId } from '../../src/codes/ids.js';
import { type CashCodes, type CashCodesOptions, createCashCodes } from '../../src/codes/index.js';
import type { CashCode } from '../../src/model/code.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';

// The service side of the scale bench: one fake PagoEfectivo on a frozen clock, the real client and
// `createCashCodes` over whichever store is measured. Every code the bench stores is derived from codes
// this service really issued, paid, cancelled or expired, so stores hold what they would have written.

const CREDS = { serviceId: 1234, accessKey: 'EXAMPLEACCESSKEY0001', secretKey: 'exampleSecretKey/abc+123=' };
const HOUR = 3_600_000;
/** Codes live 24 h (the default policy); moving the clock this far puts each one past expiry and the settlement grace. */
const PAST_EVERY_EXPIRY_MS = 25 * HOUR;

/** A fake PagoEfectivo and a client on its clock. */
export interface FakeWorld {
  fake: FakePagoEfectivo;
  client: PagoEfectivoClient;
  now(): Date;
  /** A codes service over `store`, on the fake's clock, counting the events it delivers. */
  service(store: CashCodeStore, extra?: Partial<CashCodesOptions>): { codes: CashCodes; delivered(): number };
}

/** Create the fake (clock frozen at the start of the run, moved only by `fake.advance`). */
export function createWorld(): FakeWorld {
  const fake = createFakePagoEfectivo({ ...CREDS, start: new Date(), tokenLifetimeMs: 72 * HOUR });
  const now = (): Date => fake.now();
  const client = createPagoEfectivoClient({
    ...CREDS,
    baseUrl: fake.baseUrl,
    fetch: fake.fetch,
    now,
    retry: { retries: 0 },
  });
  return {
    fake,
    client,
    now,
    service(store, extra = {}) {
      let delivered = 0;
      const codes = createCashCodes({
        client,
        store,
        now,
        onEvent: () => {
          delivered += 1;
        },
        ...extra,
      });
      return { codes, delivered: () => delivered };
    },
  };
}

const payer = { email: 'ana@example.pe', firstName: 'Ana', lastName: 'Quispe' };
const orderInput = (orderId: string) => ({ orderId, amount: '150.50', currency: 'PEN' as const, payer });

/**
 * `count` due pending codes for the drain series: for each, the fake creates a CIP (the client's
 * `createCip`, with the code id as `transactionCode`, as `issue` calls it) and the code is the real
 * pending `template` with that id, order, CIP, voucher URL and expiry, which is what `issue` would have
 * stored. Then the fake's clock moves past every expiry and the settlement grace, so each CIP is
 * reported expired. A whole `issue` per code would cost 3x as much for the same stored code.
 */
export async function createDuePendingCodes(
  world: FakeWorld,
  template: CashCode,
  count: number,
  runId: string,
): Promise<CashCode[]> {
  const created: CashCode[] = new Array(count);
  const createdAt = world.now();
  const dateExpiry = new Date(createdAt.getTime() + 24 * HOUR);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const id = createCodeId();
      const cip = await world.client.createCip({
        currency: template.currency,
        amount: template.amount,
        transactionCode: id,
        userEmail: template.payer.email,
        dateExpiry,
        ...(template.payer.firstName !== undefined && { userName: template.payer.firstName }),
        ...(template.payer.lastName !== undefined && { userLastName: template.payer.lastName }),
      });
      const code = structuredClone(template);
      Object.assign(code, { id, orderId: `scale-${runId}-due-${index}`, cip: cip.cip, cipUrl: cip.cipUrl });
      Object.assign(code, { expiresAt: cip.dateExpiry, createdAt, updatedAt: createdAt });
      created[index] = code;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  world.fake.clearRequests();
  await world.fake.advance(PAST_EVERY_EXPIRY_MS);
  return created;
}

/** One real code per stored status, as the service leaves them; the seeders copy these. */
export interface CodeTemplates {
  pending: CashCode;
  paid: CashCode;
  expired: CashCode;
  cancelled: CashCode;
}

/**
 * Issue four codes on a separate fake and memory store, then pay one (a notification), cancel one and
 * let the sweeper expire one: the stored results are the templates of every seeded code.
 */
export async function buildTemplates(runId: string): Promise<CodeTemplates> {
  const world = createWorld();
  const store = memoryStore({ now: () => world.now().getTime() });
  const { codes } = world.service(store);
  const issue = async (name: string): Promise<CashCode> =>
    (await codes.issue(orderInput(`scale-${runId}-template-${name}`))).code;
  const pending = await issue('pending');
  const paid = await issue('paid');
  const cancelled = await issue('cancelled');
  const expired = await issue('expired');
  const outcome = await codes.applyPayment({
    cip: paid.cip!,
    amountMinor: paid.amountMinor,
    currency: paid.currency,
    operationNumber: 'OP-TEMPLATE',
    paidAt: world.now(),
    source: 'webhook',
  });
  if (outcome.kind !== 'paid') throw new Error(`template payment came back ${outcome.kind}`);
  await codes.cancel(cancelled.orderId);
  const read = async (id: string): Promise<CashCode> => {
    const code = await store.getCode(id);
    if (code === null) throw new Error(`template ${id} vanished`);
    return code;
  };
  // Read before the clock moves: the sweep below expires this code too.
  const pendingNow = await read(pending.id);
  await world.fake.advance(PAST_EVERY_EXPIRY_MS);
  const summary = await codes.sweepExpired({ limit: 10 });
  if (summary.expired !== 2) throw new Error(`template sweep expired ${summary.expired} codes, expected 2`);
  return {
    pending: pendingNow,
    paid: await read(paid.id),
    expired: await read(expired.id),
    cancelled: await read(cancelled.id),
  };
}
