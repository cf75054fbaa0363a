import { describe, expect, it } from 'vitest';
import type { CashCode } from '../../src/model/code.js';
import type { CashCodeProvider } from '../../src/model/provider.js';
import { compareLiveStatus, formatStatusComparison } from '../../src/support/index.js';
import { createHarness, HOUR, order } from '../codes/_harness.js';

function byField(comparison: Awaited<ReturnType<typeof compareLiveStatus>>) {
  return Object.fromEntries(comparison.fields.map((field) => [field.field, field]));
}

describe('compareLiveStatus', () => {
  it('is in sync for a pending code and for a paid one', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    const pending = await compareLiveStatus(code, h.client, { now: h.now() });
    expect(pending).toMatchObject({ verdict: 'in_sync', differences: 0, reason: null });
    expect(pending.provider).toMatchObject({ status: { cip: code.cip, state: 'pending' }, error: null });
    expect(pending.provider.checkedAt).toEqual(h.now());
    expect(pending.summary).toBe(`PagoEfectivo and our record agree: CIP ${code.cip} is pending.`);
    expect(byField(pending).amount).toEqual({ field: 'amount', ours: '150.50', provider: '150.50', differs: false });

    await h.fake.pay(code.cip as string, { operationNumber: '555' });
    const paid = (await h.codes.get(code.id)) as CashCode;
    const comparison = await compareLiveStatus(paid, h.client);
    expect(comparison.verdict).toBe('in_sync');
    expect(byField(comparison).paidAt?.differs).toBe(false);
    expect(byField(comparison).operationNumber).toMatchObject({ ours: '555', provider: null, differs: false });
  });

  it('differs when PagoEfectivo reports the CIP paid while ours is still pending, and changes nothing', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    // A missed notification: paid at the API only.
    await h.fake.pay(code.cip as string, { notify: false });
    const before = await h.store.readLog(code.id);
    const comparison = await compareLiveStatus(code, h.client);
    expect(comparison.verdict).toBe('differs');
    expect(comparison.summary).toBe('PagoEfectivo reports this CIP paid; our record is still pending.');
    expect(byField(comparison).status).toEqual({ field: 'status', ours: 'pending', provider: 'paid', differs: true });
    expect(byField(comparison).paidAt).toMatchObject({ ours: null, differs: true });
    expect(comparison.differences).toBe(2);
    // Read-only: the stored code and its log are untouched.
    expect(await h.store.getCode(code.id)).toEqual(code);
    expect(await h.store.readLog(code.id)).toEqual(before);
    const text = formatStatusComparison(comparison);
    expect(text).toContain('DIFFERS: PagoEfectivo reports this CIP paid; our record is still pending.');
    expect(text).toMatch(/≠ status\s+pending\s+paid/);
    expect(text).not.toContain('\u001b[');
    expect(formatStatusComparison(comparison, { color: true })).toContain('\u001b[31m');
  });

  it('names the differing fields when the status agrees', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    const tampered: CashCode = { ...code, amount: '15.05', amountMinor: 1505 };
    const comparison = await compareLiveStatus(tampered, h.client);
    expect(comparison).toMatchObject({ verdict: 'differs', differences: 1 });
    expect(comparison.summary).toBe('PagoEfectivo and our record agree on the status (pending) but differ in amount.');
  });

  it('reports a CIP the search leaves out as not found at the provider', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    const comparison = await compareLiveStatus({ ...code, cip: '9999999' }, h.client);
    expect(comparison).toMatchObject({ verdict: 'not_found_at_provider', differences: 0 });
    expect(comparison.provider.status).toBeNull();
    expect(comparison.summary).toMatch(/does not return CIP 9999999/);
    expect(formatStatusComparison(comparison)).toContain('NOT FOUND AT PAGOEFECTIVO');
  });

  it('is unavailable with the typed error when the provider is down, never with a secret', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    h.fake.failNext({ operation: 'searchCips', kind: 'network' });
    const comparison = await compareLiveStatus(code, h.client);
    expect(comparison).toMatchObject({ verdict: 'unavailable', reason: 'provider_error' });
    expect(comparison.provider.error?.code).toBe('network_error');
    expect(comparison.summary).toMatch(/could not be asked about CIP .* \(network_error\)/);
    const text = JSON.stringify(comparison) + formatStatusComparison(comparison);
    expect(text).not.toMatch(/exampleSecretKey|EXAMPLEACCESSKEY|Bearer/);

    const thrower: CashCodeProvider = {
      ...h.client,
      searchCips: async () => {
        throw new Error('connect failed: password=hunter2');
      },
    };
    const foreign = await compareLiveStatus(code, thrower);
    expect(foreign.provider.error).toEqual({ code: 'provider_error', message: 'The provider failed (Error).' });
    expect(JSON.stringify(foreign)).not.toContain('hunter2');
  });

  it('is unavailable without asking anyone for a code that has no CIP', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    let asked = 0;
    const provider: CashCodeProvider = {
      ...h.client,
      searchCips: async () => {
        asked += 1;
        return [];
      },
    };
    const comparison = await compareLiveStatus({ ...code, cip: null, status: 'failed' }, provider);
    expect(comparison).toMatchObject({ verdict: 'unavailable', reason: 'no_cip', provider: { error: null } });
    expect(comparison.summary).toBe(
      'This code has no CIP (status failed), so there is nothing to ask PagoEfectivo about.',
    );
    expect(asked).toBe(0);
  });

  it('agrees with an expired code whose CIP expired and a cancelled one whose CIP was deleted', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('ORD-1'));
    const cancelled = await h.codes.cancel('ORD-1');
    expect((await compareLiveStatus(cancelled, h.client)).verdict).toBe('in_sync');
    const other = await h.codes.issue(order('ORD-2'));
    h.advance(25 * HOUR);
    const comparison = await compareLiveStatus({ ...other.code, status: 'expired' }, h.client);
    expect(comparison.verdict).toBe('in_sync');
    expect(code.id).not.toBe(other.code.id);
  });
});
