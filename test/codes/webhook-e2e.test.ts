import { describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { createHarness, order } from './_harness.js';

describe('end to end: fake PagoEfectivo → signed webhook → handler → codes service', () => {
  it('pays a code through the real webhook handler and answers duplicates and held payments', async () => {
    const h = createHarness();
    h.fake.setWebhookTarget({
      handler: createWebhookHandler({ secretKey: 'exampleSecretKey/abc+123=', codes: h.codes }),
    });
    const { code } = await h.codes.issue(order('ORD-E2E'));
    const paid = await h.fake.pay(code.cip!);
    expect(paid.attempts).toEqual([{ status: 200 }]);
    expect(await h.codes.get('ORD-E2E')).toMatchObject({
      status: 'paid',
      payment: { source: 'webhook', amountMinor: 15050 },
    });
    const again = await h.fake.redeliver(code.cip!);
    expect(again.attempts).toEqual([{ status: 200 }]);

    const { code: other } = await h.codes.issue(order('ORD-PARTIAL'));
    const partial = await h.fake.pay(other.cip!, { amount: '100.00' });
    // Recorded, so answered 200 (no pointless retry); the code waits for a person, it is not paid.
    expect(partial.attempts).toEqual([{ status: 200 }]);
    expect(partial.retryAt).toBeNull();
    expect(await h.codes.get('ORD-PARTIAL')).toMatchObject({ status: 'review', review: { reason: 'amount_mismatch' } });
    expect((await h.codes.history(other.id)).filter((entry) => entry.type === 'review')).toMatchObject([
      { reason: 'amount_mismatch', data: { amountMinor: 10000, lockedAmountMinor: 15050 } },
    ]);
  });
});
