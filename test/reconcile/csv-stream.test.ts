/**
 * The incremental CSV parser reads a file split anywhere exactly as the 0.1 whole-text parser read it.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/12
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { type CsvRecord, createCsvParser } from '../../src/reconcile/_csv-parser.js';
import { referenceParseCsv } from './_csv-reference.js';

type Outcome = { delimiter: string | null; records: CsvRecord[] } | { error: string };

function streamed(pieces: readonly string[], delimiter?: ',' | ';' | '\t'): Outcome {
  const records: CsvRecord[] = [];
  try {
    const parser = createCsvParser((record) => records.push(record), delimiter);
    for (const piece of pieces) parser.push(piece);
    parser.end();
    return { delimiter: parser.delimiter, records };
  } catch (error) {
    if (!isPagoEfectivoKitError(error, 'settlement_invalid')) throw error;
    return { error: error.message };
  }
}

function whole(text: string, delimiter?: ',' | ';' | '\t'): Outcome {
  try {
    return referenceParseCsv(text, delimiter);
  } catch (error) {
    if (!isPagoEfectivoKitError(error, 'settlement_invalid')) throw error;
    return { error: error.message };
  }
}

function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}

const TRICKY = [
  '\uFEFFsep=;\r\nCIP;Nota;Monto\r\n1001;"a; b";"1.234,50"\r\n\r\n1002;"dijo ""hola""";2\r\n1003;"l1\r\nl2\rl3\nl4";3\r\n1004;;\r\n',
  'CIP,Monto\r1001,"150.50"\r\r1002,x\n"",\n"a""b",c',
  'CIP\tMonto\n1001\t"x"\n\n\n1002\t"""\n',
  'CIP,Monto\n1001,"abc"d\n',
  'CIP,Monto\n1001,"never closed\n1002,1\n',
  '"quoted header, with comma";b\r\n1;2\r\n',
  'sep=,',
  '',
  '\uFEFF',
  'a,b\r\n',
];

describe('createCsvParser (incremental)', () => {
  it.each(TRICKY.map((text, at) => [at, text] as const))('reads tricky text #%i split at every position', (_, text) => {
    const expected = whole(text);
    expect(streamed([text])).toEqual(expected);
    for (let cut = 0; cut <= text.length; cut += 1) {
      expect(streamed([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(expected);
    }
    expect(streamed([...text]), 'one character per piece').toEqual(expected);
  });

  it('agrees with the whole-text parser on random files split at random places', () => {
    const alphabet = fc.constantFrom('a', '1', ',', ';', '\t', '"', '""', '\r', '\n', '\r\n', 'é', ' ');
    fc.assert(
      fc.property(
        fc.constantFrom('', '\uFEFF', 'sep=;\n', '\uFEFFsep=\t\r\n'),
        fc.array(alphabet, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom(undefined, ',', ';', '\t'),
        (prefix, parts, cuts, delimiter) => {
          const text = prefix + parts.join('');
          expect(streamed(splitAt(text, cuts), delimiter)).toEqual(whole(text, delimiter));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('detects the delimiter from a header line that arrives in several pieces', () => {
    const outcome = streamed(['CI', 'P;Mo', 'nto;Mon', 'eda\n1001;1', ',00;PEN\n']);
    expect(outcome).toEqual({
      delimiter: ';',
      records: [
        { line: 1, fields: ['CIP', 'Monto', 'Moneda'] },
        { line: 2, fields: ['1001', '1,00', 'PEN'] },
      ],
    });
  });

  it('emits records as soon as they are complete, before the input ends', () => {
    const seen: number[] = [];
    const parser = createCsvParser((record) => seen.push(record.line));
    parser.push('CIP,Monto\n1001,1\n10');
    expect(seen).toEqual([1, 2]);
    parser.push('02,2\n');
    expect(seen).toEqual([1, 2, 3]);
    parser.end();
    expect(seen).toEqual([1, 2, 3]);
  });
});
