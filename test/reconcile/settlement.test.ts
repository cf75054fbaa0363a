import { beforeEach, describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError, type ValidationError } from '../../src/errors.js';
import { type ReconcileItem, reconcileSettlement } from '../../src/reconcile/index.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { makeCode, NOW, seed } from './_fixtures.js';

const HEADER = 'CIP;Monto;Moneda;Fecha de Pago;Nro. Operación;Código de Transacción';

function byKind(items: readonly ReconcileItem[]): Record<string, (string | number | null)[]> {
  const out: Record<string, (string | number | null)[]> = {};
  for (const item of items) {
    const list = out[item.kind] ?? [];
    list.push(item.line ?? item.cip);
    out[item.kind] = list;
  }
  return out;
}

async function caught(promise: Promise<unknown>): Promise<ValidationError> {
  try {
    await promise;
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('expected a rejection');
}

describe('reconcileSettlement', () => {
  let store: MemoryStore;

  beforeEach(async () => {
    store = memoryStore();
    await seed(store, [
      makeCode({ cip: '1001', status: 'paid' }),
      makeCode({ cip: '1002', status: 'paid', amountMinor: 10000 }),
      makeCode({ cip: '1003', status: 'paid', currency: 'USD', amountMinor: 4000 }),
      makeCode({ cip: '1004', status: 'pending' }),
      makeCode({ cip: '1005', status: 'paid' }),
      makeCode({
        cip: '1006',
        status: 'paid',
        payment: {
          operationNumber: 'x',
          amountMinor: 15050,
          currency: 'PEN',
          paidAt: new Date('2024-01-01T00:00:00Z'),
          source: 'webhook',
        },
      }),
    ]);
  });

  it('sorts every row into matched, mismatched, unknown, unpaid, duplicate and invalid, and finds missing payments', async () => {
    const csv = [
      HEADER,
      '1001;150,50;PEN;05/03/2024 09:00;OP1;code-1',
      '1002;99,00;PEN;05/03/2024 09:05;OP2;code-2',
      '1003;40,00;S/;05/03/2024 09:10;OP3;code-3',
      '1004;150,50;PEN;05/03/2024 09:15;OP4;code-4',
      '9999;10,00;PEN;05/03/2024 09:20;OP5;other',
      '1001;150,50;PEN;05/03/2024 10:00;OP1;code-1',
      '1007;abc;PEN;05/03/2024 10:05;OP7;code-7',
      '1008;10,00;PEN',
      '',
    ].join('\r\n');
    const report = await reconcileSettlement(csv, {
      store,
      period: { from: new Date('2024-03-05T00:00:00Z'), to: NOW },
      now: () => NOW,
    });
    expect(byKind(report.items)).toEqual({
      matched: [2],
      amount_mismatch: [3],
      currency_mismatch: [4],
      unpaid_here: [5],
      unknown_here: [6],
      duplicate_in_settlement: [7],
      invalid_row: [8, 9],
      missing_from_settlement: ['1005'],
    });
    const invalid = report.items.filter((item) => item.kind === 'invalid_row');
    expect(invalid[0]?.message).toContain('amount: "abc" is not a plain amount');
    expect(invalid[0]?.cip).toBe('1007');
    expect(invalid[1]?.message).toContain('expected 6 fields, found 3');
    expect(report.findings).toBe(report.items.length - 1);
    expect(report.counts.matched).toBe(1);
    const pen = report.totals.find((total) => total.currency === 'PEN');
    expect(pen?.byKind).toMatchObject({
      matched: 15050,
      amount_mismatch: 9900,
      unknown_here: 1000,
      missing_from_settlement: 15050,
    });
    const matched = report.items[0];
    expect(matched?.theirs).toEqual({
      state: 'settled',
      amountMinor: 15050,
      currency: 'PEN',
      paidAt: new Date('2024-03-05T14:00:00Z'),
      operationNumber: 'OP1',
    });
    expect(matched?.ours).toEqual({ status: 'paid', amountMinor: 15050, currency: 'PEN' });
  });

  it('matches headers ignoring case, accents and punctuation, in any column order', async () => {
    const csv =
      'codigo de transaccion,nro operacion,FECHA DE PAGO,moneda,MONTO,cip\ncode-1,OP1,2024-03-05 09:00,PEN,"1,234.50",1001\n';
    const report = await reconcileSettlement(csv, { store, now: () => NOW });
    expect(report.items[0]).toMatchObject({ kind: 'amount_mismatch', line: 2, cip: '1001' });
    expect(report.period).toEqual({ from: new Date('2024-03-05T14:00:00Z'), to: new Date('2024-03-05T14:00:00Z') });
  });

  it('accepts rows already split into cells, numbered from 1', async () => {
    const report = await reconcileSettlement(
      [
        { CIP: 1001, Monto: 150.5, Moneda: 'PEN', 'Fecha de Pago': '2024-03-05T09:00:00-05:00' },
        { CIP: '1002', Monto: '100.00', Moneda: 'PEN', 'Fecha de Pago': '2024-03-05T09:00:00-05:00' },
        { CIP: '1003', Monto: '40', Moneda: null, 'Fecha de Pago': '2024-03-05T09:00:00-05:00' },
      ],
      { store, mapping: { operationNumber: null, transactionCode: null }, now: () => NOW },
    );
    expect(report.items.map((item) => [item.kind, item.line])).toEqual([
      ['matched', 1],
      ['matched', 2],
      ['invalid_row', 3],
    ]);
  });

  it('compares amounts only when the file has no currency column, and says when it cannot look for missing payments', async () => {
    const report = await reconcileSettlement('CIP,Monto\n1003,40.00\n', { store, now: () => NOW });
    expect(report.items.map((item) => item.kind)).toEqual(['matched']);
    expect(report.period).toBeNull();
    expect(report.notes).toEqual([
      'No paid dates and no period: codes paid here but absent from the file were not looked for.',
    ]);
  });

  it('refuses a file whose mapped columns are missing, naming them and the headers found', async () => {
    const error = await caught(reconcileSettlement('Numero,Importe\n1001,150.50\n', { store }));
    expect(isPagoEfectivoKitError(error, 'settlement_invalid')).toBe(true);
    expect(error.issues.map((issue) => issue.path)).toEqual(['cip', 'amount']);
    expect(error.message).toContain('Headers found: "Numero", "Importe"');
  });

  it('requires columns the caller mapped explicitly and refuses ambiguous headers', async () => {
    const missing = await caught(
      reconcileSettlement('CIP,Monto\n1001,1\n', { store, mapping: { currency: 'Divisa' } }),
    );
    expect(missing.issues).toEqual([{ path: 'currency', message: 'no column named "Divisa"' }]);
    const ambiguous = await caught(reconcileSettlement('CIP,Monto,monto\n1001,1,1\n', { store }));
    expect(ambiguous.issues).toEqual([{ path: 'amount', message: '2 columns match "Monto"' }]);
    const empty = await caught(reconcileSettlement('', { store }));
    expect(isPagoEfectivoKitError(empty, 'settlement_invalid')).toBe(true);
  });

  it('reports bad CIPs, currencies and dates with every reason', async () => {
    const csv = `${HEADER}\n12a;150,50;EUR;31/02/2024;OP;x\n`;
    const report = await reconcileSettlement(csv, { store, now: () => NOW });
    expect(report.items).toHaveLength(1);
    expect(report.items[0]?.message).toBe(
      'Row not read: CIP "12a" is not a number of up to 14 digits; currency "EUR" is not PEN or USD; paid date "31/02/2024" is not a date.',
    );
  });

  it('compares a readable row even when an unreadable row with the same CIP came first', async () => {
    const csv = 'CIP,Monto\n1001,abc\n1001,150.50\n';
    const report = await reconcileSettlement(csv, { store, now: () => NOW });
    expect(report.items.map((item) => [item.kind, item.line])).toEqual([
      ['invalid_row', 2],
      ['matched', 3],
    ]);
  });

  it('does not report a paid code as missing when its row was unreadable', async () => {
    const csv = 'CIP,Monto\n1005,abc\n';
    const period = { from: new Date('2024-03-05T00:00:00Z'), to: NOW };
    const report = await reconcileSettlement(csv, { store, period, now: () => NOW });
    const missing = report.items.filter((item) => item.kind === 'missing_from_settlement').map((item) => item.cip);
    expect(missing).toEqual(['1001', '1002', '1003']);
  });

  it('refuses a period that is not two ordered dates', async () => {
    const error = await caught(reconcileSettlement('CIP,Monto\n', { store, period: { from: NOW, to: new Date(0) } }));
    expect(isPagoEfectivoKitError(error, 'validation_failed')).toBe(true);
  });

  it('uses the given delimiter and reports progress while comparing', async () => {
    const progress: string[] = [];
    const csv = 'CIP\tMonto\n1001\t150,50\n1002\t100,00\n';
    const report = await reconcileSettlement(csv, {
      store,
      delimiter: '\t',
      now: () => NOW,
      onProgress: ({ compared, total }) => progress.push(`${compared}/${total}`),
    });
    expect(report.items.map((item) => item.kind)).toEqual(['matched', 'matched']);
    expect(progress).toEqual(['2/2']);
  });
});
