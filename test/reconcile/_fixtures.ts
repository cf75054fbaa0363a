import type { CashCode, CodeStatus } from '../../src/model/code.js';
import type { CipStatus } from '../../src/model/provider.js';
import { formatAmount } from '../../src/money/index.js';
import type { CashCodeStore } from '../../src/storage/contract.js';

/** 2024-03-05 12:00 in Lima. */
export const NOW = new Date('2024-03-05T17:00:00Z');

let next = 0;

/** A stored code with sensible defaults; `status: 'paid'` gets a payment record. */
export function makeCode(overrides: Partial<CashCode> & { cip: string; status?: CodeStatus }): CashCode {
  next += 1;
  const amountMinor = overrides.amountMinor ?? 15050;
  const status = overrides.status ?? 'pending';
  return {
    id: `code-${next}`,
    orderId: `order-${next}`,
    version: 1,
    cipUrl: `https://pagoefectivo.example/${overrides.cip}`,
    amount: formatAmount(amountMinor),
    amountMinor,
    currency: 'PEN',
    fx: null,
    payer: { email: 'buyer@example.com' },
    expiresAt: new Date(NOW.getTime() + 24 * 3600_000),
    createdAt: new Date(NOW.getTime() - 3600_000),
    updatedAt: new Date(NOW.getTime() - 3600_000),
    leaseUntil: null,
    payment:
      status === 'paid'
        ? {
            operationNumber: `op-${overrides.cip}`,
            amountMinor,
            currency: overrides.currency ?? 'PEN',
            paidAt: new Date(NOW.getTime() - 1800_000),
            source: 'webhook',
          }
        : null,
    metadata: {},
    ...overrides,
    status,
  };
}

/** Insert codes into a store (through `claimOrder`, as the codes service does). */
export async function seed(store: CashCodeStore, codes: readonly CashCode[]): Promise<void> {
  for (const code of codes) {
    const result = await store.claimOrder(code);
    if (!result.claimed) throw new Error(`fixture order ${code.orderId} already claimed`);
  }
}

/** A search result as the client returns it. */
export function cipStatus(cip: string, state: CipStatus['state'], overrides: Partial<CipStatus> = {}): CipStatus {
  return {
    cip,
    state,
    transactionCode: `code-for-${cip}`,
    amount: '150.50',
    currency: 'PEN',
    statusCode: state === 'pending' ? 22 : null,
    statusName: state === 'pending' ? 'Generado.' : null,
    dateCreation: new Date(NOW.getTime() - 3600_000),
    dateExpiry: new Date(NOW.getTime() + 24 * 3600_000),
    datePayment: state === 'paid' ? new Date(NOW.getTime() - 600_000) : null,
    dateRemoval: state === 'deleted' ? new Date(NOW.getTime() - 600_000) : null,
    ...overrides,
  };
}
