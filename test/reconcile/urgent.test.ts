import { describe, expect, it } from 'vitest';
import { readJobFindings, recordJobFindings } from '../../src/codes/runs.js';
import { reconcileSettlement, summarizeReport, URGENT_FINDINGS_LIMIT } from '../../src/reconcile/index.js';
import { memoryStore } from '../../src/storage/memory.js';
import { makeCode, NOW, seed } from './_fixtures.js';

// `report.urgent`: the most urgent findings, kept whatever `items` asked, critical first and bounded;
// and the copy the run records in the store for the support console.

/** A settlement file: `warnings` rows with an unreadable amount, then `critical` rows of unknown CIPs. */
function settlement(warnings: number, critical: number): string {
  const rows = ['CIP,Monto,Moneda,Fecha de Pago'];
  for (let i = 0; i < warnings; i += 1) rows.push(`${5000 + i},x,PEN,2024-03-05 09:00`);
  for (let i = 0; i < critical; i += 1) rows.push(`${9000 + i},20.00,PEN,2024-03-05 10:00`);
  return `${rows.join('\n')}\n`;
}

describe('urgent findings', () => {
  it('keeps at most the limit, critical ones first, in report order, even with items: none', async () => {
    const store = memoryStore();
    await seed(store, [makeCode({ cip: '1001', status: 'pending' })]);
    const report = await reconcileSettlement(settlement(80, 70), { store, now: () => NOW, items: 'none' });
    expect(report.items).toEqual([]);
    expect(report.findings).toBe(80 + 70);
    expect(report.urgent).toHaveLength(URGENT_FINDINGS_LIMIT);
    expect(report.urgent.every((item) => item.severity === 'critical')).toBe(true);
    expect(report.urgent.map((item) => item.cip)).toEqual(
      Array.from({ length: URGENT_FINDINGS_LIMIT }, (_, i) => String(9000 + i)),
    );
  });

  it('fills the rest with warnings after every critical finding', async () => {
    const store = memoryStore();
    const report = await reconcileSettlement(settlement(80, 10), { store, now: () => NOW, items: 'all' });
    expect(report.urgent.slice(0, 10).map((item) => item.kind)).toEqual(Array(10).fill('unknown_here'));
    expect(report.urgent.slice(10).map((item) => item.kind)).toEqual(Array(40).fill('invalid_row'));
    expect(report.urgent.slice(10, 12).map((item) => item.line)).toEqual([2, 3]);
    // The same items as `report.items` holds, not copies that could drift.
    expect(report.items).toContain(report.urgent[0]);
  });

  it('a run without findings has none, and records an empty list over the last one', async () => {
    const store = memoryStore();
    await reconcileSettlement(settlement(3, 0), { store, now: () => NOW });
    expect((await readJobFindings(store, 'reconcile'))?.items).toHaveLength(3);
    const clean = await reconcileSettlement('CIP,Monto,Moneda,Fecha de Pago\n', { store, now: () => NOW });
    expect(clean.urgent).toEqual([]);
    expect(await readJobFindings(store, 'reconcile')).toMatchObject({ total: 0, items: [] });
  });

  it('records the urgent findings and the total for the console, and summaries list them with items: none', async () => {
    const store = memoryStore();
    const report = await reconcileSettlement(settlement(5, 2), { store, now: () => NOW, items: 'none' });
    const recorded = await readJobFindings(store, 'reconcile');
    expect(recorded).not.toBeNull();
    expect(recorded!.total).toBe(7);
    expect(recorded!.at.getTime()).toBe(report.finishedAt.getTime());
    expect(recorded!.items.map((item) => [item.severity, item.kind, item.cip])).toEqual([
      ['critical', 'unknown_here', '9000'],
      ['critical', 'unknown_here', '9001'],
      ...Array.from({ length: 5 }, (_, i) => ['warning', 'invalid_row', String(5000 + i)]),
    ]);
    expect(recorded!.items[0]).toMatchObject({
      line: 7,
      action: report.urgent[0]!.action,
      message: report.urgent[0]!.message,
    });
    const summary = summarizeReport(report);
    expect(summary).toContain('Findings:');
    expect(summary).toContain('[critical] line 7 CIP 9000 unknown_here');
  });

  it('reads a damaged or foreign record as nothing, and leaves malformed entries out', async () => {
    const store = memoryStore();
    await store.putValue('kit:ops:last-findings:reconcile', 'not json', 60_000);
    expect(await readJobFindings(store, 'reconcile')).toBeNull();
    await store.putValue('kit:ops:last-findings:reconcile', JSON.stringify({ at: 'yesterday', items: [] }), 60_000);
    expect(await readJobFindings(store, 'reconcile')).toBeNull();
    const good = {
      kind: 'unknown_here',
      severity: 'critical',
      cip: '1',
      codeId: null,
      orderId: null,
      line: 2,
      action: 'investigate',
      message: 'm',
    };
    const record = {
      at: NOW.toISOString(),
      total: 9,
      items: [good, { kind: 'x' }, null, { ...good, severity: 'fatal' }],
    };
    await store.putValue('kit:ops:last-findings:reconcile', JSON.stringify(record), 60_000);
    expect(await readJobFindings(store, 'reconcile')).toEqual({ job: 'reconcile', at: NOW, total: 9, items: [good] });
  });

  it('recording never throws and stays bounded whatever it is given; reading clamps what a foreign writer left', async () => {
    const store = memoryStore();
    const finding = {
      kind: 'unknown_here',
      severity: 'critical' as const,
      cip: '1',
      codeId: null,
      orderId: null,
      line: 3,
      action: 'investigate',
      message: 'm',
    };
    const hostile = [null, { ...finding, cip: undefined }, { ...finding, kind: 5 }] as unknown as (typeof finding)[];
    await expect(
      recordJobFindings(store, { job: 'reconcile', at: new Date(Number.NaN), total: 1, items: [finding] }),
    ).resolves.toBeUndefined();
    await expect(
      recordJobFindings(store, { job: 'reconcile', at: NOW, total: 1n as unknown as number, items: hostile }),
    ).resolves.toBeUndefined();
    const many = Array.from({ length: 5000 }, (_, i) => ({
      ...finding,
      cip: String(i),
      message: 'y'.repeat(10_000),
      line: i - 1,
    }));
    await recordJobFindings(store, { job: 'reconcile', at: NOW, total: 3, items: many });
    const read = await readJobFindings(store, 'reconcile');
    expect(read?.items).toHaveLength(URGENT_FINDINGS_LIMIT);
    expect(read?.total).toBe(URGENT_FINDINGS_LIMIT); // never fewer than listed
    expect(read?.items[0]?.line).toBeNull(); // line -1
    expect(read?.items[0]?.message).toHaveLength(400);
    const foreign = {
      at: NOW.toISOString(),
      total: -3,
      items: Array(80).fill({ ...finding, kind: 'k'.repeat(10_000) }),
    };
    await store.putValue('kit:ops:last-findings:reconcile', JSON.stringify(foreign), 60_000);
    const clamped = await readJobFindings(store, 'reconcile');
    expect(clamped?.items).toHaveLength(URGENT_FINDINGS_LIMIT);
    expect(clamped?.items[0]?.kind).toHaveLength(64);
    expect(clamped?.total).toBe(URGENT_FINDINGS_LIMIT);
  });
});
