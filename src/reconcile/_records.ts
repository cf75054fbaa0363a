import { type CsvDelimiter, type CsvRecord, createCsvParser } from './_csv-parser.js';
import { invalidInput, openTextSource, type TextSource } from './_input.js';

/** A settlement row already split into named cells (e.g. read from a spreadsheet). */
export type SettlementInputRow = Readonly<Record<string, string | number | null | undefined>>;

/** Records of a settlement input, pulled a batch at a time (a whole input is one batch). */
export interface RecordSource {
  /** The header row (first record of a CSV; every key of the rows for rows input). */
  headers(): Promise<string[]>;
  /** The next batch of data records, or `null` at the end. */
  next(): Promise<CsvRecord[] | null>;
  /** Stop reading early; safe to call twice. */
  close(): Promise<void>;
}

function fromRows(input: readonly SettlementInputRow[]): RecordSource {
  const headers = [...new Set(input.flatMap((row) => Object.keys(row)))];
  let done = false;
  return {
    headers: async () => headers,
    async next() {
      if (done) return null;
      done = true;
      return input.map((row, at) => ({
        line: at + 1,
        fields: headers.map((name) => {
          const value = row[name];
          return value === null || value === undefined ? '' : String(value);
        }),
      }));
    },
    close: async () => undefined,
  };
}

/** CSV text from a {@link TextSource}, parsed incrementally: each pull parses one piece of text. */
function fromText(text: TextSource, delimiter: CsvDelimiter | undefined): RecordSource {
  let batch: CsvRecord[] = [];
  const parser = createCsvParser((record) => batch.push(record), delimiter);
  let ended = false;
  let header: string[] | null = null;

  const pull = async (): Promise<CsvRecord[] | null> => {
    while (batch.length === 0) {
      if (ended) return null;
      const piece = await text.next();
      if (piece === null) {
        ended = true;
        parser.end();
      } else parser.push(piece);
    }
    const out = batch;
    batch = [];
    return out;
  };

  return {
    async headers() {
      if (header !== null) return header;
      const first = await pull();
      const [top, ...rest] = first ?? [];
      header = top?.fields ?? [];
      batch = rest;
      return header;
    },
    next: pull,
    close: () => text.close(),
  };
}

/** A text input given whole: one piece. */
function wholeText(input: string): TextSource {
  let given = false;
  return {
    async next() {
      if (given) return null;
      given = true;
      return input;
    },
    close: async () => undefined,
  };
}

/**
 * Open any settlement input as records: CSV text or rows given whole, or a streamed file
 * (`{ path }`, a web `ReadableStream`, an `AsyncIterable` of strings or bytes).
 */
export function openRecords(input: unknown, delimiter: CsvDelimiter | undefined): RecordSource {
  if (typeof input === 'string') return fromText(wholeText(input), delimiter);
  if (Array.isArray(input)) return fromRows(input as readonly SettlementInputRow[]);
  if (typeof input === 'object' && input !== null) return fromText(openTextSource(input), delimiter);
  throw invalidInput(input);
}
