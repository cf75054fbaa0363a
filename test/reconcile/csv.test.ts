import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { parseCsv } from '../../src/reconcile/index.js';

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, escaped quotes and line breaks, keeping start lines', () => {
    const text = 'CIP,Nota\r\n1001,"a, b"\r\n1002,"dijo ""hola"""\r\n1003,"línea 1\r\nlínea 2"\r\n1004,fin\r\n';
    const doc = parseCsv(text);
    expect(doc.delimiter).toBe(',');
    expect(doc.records).toEqual([
      { line: 1, fields: ['CIP', 'Nota'] },
      { line: 2, fields: ['1001', 'a, b'] },
      { line: 3, fields: ['1002', 'dijo "hola"'] },
      { line: 4, fields: ['1003', 'línea 1\r\nlínea 2'] },
      { line: 6, fields: ['1004', 'fin'] },
    ]);
  });

  it('strips a BOM, detects ";" and accepts LF, CR and a missing final line break', () => {
    const doc = parseCsv('\uFEFFCIP;Monto\n1001;150,50\r1002;"1.234,50"');
    expect(doc.delimiter).toBe(';');
    expect(doc.records.map((r) => r.fields)).toEqual([
      ['CIP', 'Monto'],
      ['1001', '150,50'],
      ['1002', '1.234,50'],
    ]);
    expect(doc.records.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it('honours an Excel "sep=" line and tab-separated files', () => {
    expect(parseCsv('sep=;\nA,B;C\n1,2;3\n').records).toEqual([
      { line: 2, fields: ['A,B', 'C'] },
      { line: 3, fields: ['1,2', '3'] },
    ]);
    expect(parseCsv('A\tB\n1\t2\n').delimiter).toBe('\t');
  });

  it('skips blank lines but keeps empty and quoted-empty fields', () => {
    const doc = parseCsv('A,B\n\n1,\n"",2\n\n');
    expect(doc.records).toEqual([
      { line: 1, fields: ['A', 'B'] },
      { line: 3, fields: ['1', ''] },
      { line: 4, fields: ['', '2'] },
    ]);
  });

  it.each([
    ['A,B\n1,"open\n', 'Unterminated quoted field starting on line 2'],
    ['A,B\n"1"x,2\n', 'Unexpected text after a closing quote on line 2'],
  ])('refuses unreadable text %j with settlement_invalid', (text, message) => {
    let caught: unknown;
    try {
      parseCsv(text);
    } catch (error) {
      caught = error;
    }
    expect(isPagoEfectivoKitError(caught, 'settlement_invalid')).toBe(true);
    expect((caught as Error).message).toContain(message);
  });

  it('round-trips any table written with RFC 4180 quoting', () => {
    const cellArb = fc.string({ unit: fc.constantFrom('a', 'ñ', ',', ';', '"', '\n', '\r\n', ' ', '1') });
    fc.assert(
      fc.property(
        fc.array(fc.array(cellArb, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const table = [['H1', 'H2'], ...rows];
          const text = table.map((row) => row.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\r\n');
          expect(parseCsv(text).records.map((r) => r.fields)).toEqual(table);
        },
      ),
    );
  });
});
