import { type CsvDelimiter, type CsvRecord, createCsvParser } from './_csv-parser.js';

export type { CsvRecord } from './_csv-parser.js';

/** A parsed CSV document. */
export interface CsvDocument {
  /** The field delimiter that was used (given, declared with `sep=`, or detected). */
  delimiter: ',' | ';' | '\t';
  records: CsvRecord[];
}

/**
 * Parse CSV text (RFC 4180) into records.
 *
 * Handles a UTF-8 byte-order mark, CRLF / LF / CR line ends, quoted fields containing delimiters,
 * quotes (`""`) and line breaks, an Excel `sep=;` first line, and autodetects `,`, `;` or tab from the
 * header line when no delimiter is given. Empty lines are skipped; every record keeps the line number
 * where it starts, so problems can be reported precisely. The same incremental parser reads streamed
 * settlement files (`reconcileSettlement({ path })`), so both forms read a file identically.
 *
 * @throws {ValidationError} `settlement_invalid` for an unterminated quoted field or text between a
 * closing quote and the next delimiter: the rest of the file could not be read reliably.
 */
export function parseCsv(input: string, delimiter?: ',' | ';' | '\t'): CsvDocument {
  const records: CsvRecord[] = [];
  const parser = createCsvParser((record) => records.push(record), delimiter);
  parser.push(input);
  parser.end();
  return { delimiter: parser.delimiter as CsvDelimiter, records };
}
