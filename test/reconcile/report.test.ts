import { describe, expect, it } from 'vitest';
import {
  parseCsv,
  reconcileSettlement,
  reportToCsv,
  reportToJSON,
  summarizeReport,
} from '../../src/reconcile/index.js';
import { memoryStore } from '../../src/storage/memory.js';
import { makeCode, NOW, seed } from './_fixtures.js';

async function sampleReport(items?: 'all' | 'findings' | 'none') {
  const store = memoryStore();
  await seed(store, [
    makeCode({ cip: '1001', status: 'paid', orderId: '=HYPERLINK("http://evil")' }),
    makeCode({ cip: '1002', status: 'paid', currency: 'USD', amountMinor: 123456 }),
  ]);
  const csv =
    'CIP,Monto,Moneda,Fecha de Pago\n1001,150.50,PEN,2024-03-05 09:00\n1002,"1,000.00",USD,2024-03-05 09:30\n9999,20.00,PEN,2024-03-05 10:00\n1003,x,PEN,2024-03-05 10:00\n';
  return reconcileSettlement(csv, { store, now: () => NOW, ...(items ? { items } : {}) });
}

describe('report output', () => {
  it('writes one CSV line per item, amounts as decimals, formulas defused', async () => {
    const report = await sampleReport();
    const text = reportToCsv(report);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text).records.map((record) => record.fields);
    expect(rows[0]?.slice(0, 6)).toEqual(['kind', 'severity', 'line', 'cip', 'code_id', 'order_id']);
    expect(rows).toHaveLength(5);
    const matched = rows[1] ?? [];
    expect(matched[0]).toBe('matched');
    expect(matched[5]).toBe('\'=HYPERLINK("http://evil")');
    expect(matched[8]).toBe('150.50');
    expect(rows[2]?.slice(0, 4)).toEqual(['amount_mismatch', 'critical', '3', '1002']);
    expect(rows[2]?.[11]).toBe('1000.00');
    expect(rows[4]?.[0]).toBe('invalid_row');
  });

  it('serialises to versioned JSON with ISO dates', async () => {
    const report = await sampleReport();
    const json = JSON.parse(JSON.stringify(reportToJSON(report)));
    expect(json).toMatchObject({
      format: 'pagoefectivo-kit/reconcile-report@1',
      source: 'settlement',
      startedAt: NOW.toISOString(),
      findings: 3,
      period: { from: '2024-03-05T14:00:00.000Z', to: '2024-03-05T15:00:00.000Z' },
    });
    expect(json.items[0].theirs.paidAt).toBe('2024-03-05T14:00:00.000Z');
    expect(json.counts.unknown_here).toBe(1);
  });

  it('summarises counts with money per currency and lists the findings', async () => {
    const summary = summarizeReport(await sampleReport());
    expect(summary.split('\n')).toEqual([
      'Reconciliation (settlement file): 4 item(s), 3 finding(s).',
      'Period: 2024-03-05T14:00:00.000Z to 2024-03-05T15:00:00.000Z.',
      `  ${'matched'.padEnd(24)}      1  S/ 150.50`,
      `  ${'amount_mismatch'.padEnd(24)}      1  US$ 1,000.00`,
      `  ${'unknown_here'.padEnd(24)}      1  S/ 20.00`,
      `  ${'invalid_row'.padEnd(24)}      1`,
      'Findings:',
      '  [critical] line 3 CIP 1002 amount_mismatch: The settled amount differs from the amount paid here.',
      '  [critical] line 4 CIP 9999 unknown_here: Settled by PagoEfectivo but no code here has this CIP (another system on the same service?).',
      '  [warning] line 5 CIP 1003 invalid_row: Row not read: amount: "x" is not a plain amount.',
    ]);
    expect(summarizeReport(await sampleReport(), { maxFindings: 1 })).toContain('… and 2 more.');
  });

  it("summarises a report that kept only findings (items: 'findings') exactly like the full one", async () => {
    expect(summarizeReport(await sampleReport('findings'))).toBe(summarizeReport(await sampleReport()));
    // With no items kept, the findings listed are the report's most urgent ones (critical first).
    const none = summarizeReport(await sampleReport('none'));
    expect(none).toContain('4 item(s), 3 finding(s).');
    expect(none).toBe(summarizeReport(await sampleReport()));
    expect(summarizeReport(await sampleReport('none'), { maxFindings: 1 })).toContain('… and 2 more.');
  });
});
