/**
 * The whole-text CSV parser of 0.1, kept verbatim as the oracle of the incremental parser's tests:
 * the streamed parser must read every input exactly as this one did, however the text is split.
 */
import { ValidationError } from '../../src/errors.js';

/** One parsed CSV record with the physical line number (1-based) where it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A parsed CSV document. */
export interface CsvDocument {
  /** The field delimiter that was used (given, declared with `sep=`, or detected). */
  delimiter: ',' | ';' | '\t';
  records: CsvRecord[];
}

const DELIMITERS = [',', ';', '\t'] as const;

function csvError(message: string, line: number): ValidationError {
  return new ValidationError(message, [{ path: `line ${line}`, message }], {
    code: 'settlement_invalid',
    details: { line },
  });
}

/** Count each candidate delimiter outside quotes on the first line and pick the most frequent. */
function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  let best: ',' | ';' | '\t' = ',';
  for (const candidate of DELIMITERS) if (counts[candidate] > counts[best]) best = candidate;
  return best;
}

/**
 * Parse CSV text (RFC 4180) into records.
 *
 * Handles a UTF-8 byte-order mark, CRLF / LF / CR line ends, quoted fields containing delimiters,
 * quotes (`""`) and line breaks, an Excel `sep=;` first line, and autodetects `,`, `;` or tab from the
 * header line when no delimiter is given. Empty lines are skipped; every record keeps the line number
 * where it starts, so problems can be reported precisely.
 *
 * @throws {ValidationError} `settlement_invalid` for an unterminated quoted field or text between a
 * closing quote and the next delimiter: the rest of the file could not be read reliably.
 */
export function referenceParseCsv(input: string, delimiter?: ',' | ';' | '\t'): CsvDocument {
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let line = 1;
  const declared = /^sep=([,;\t])\r?\n?/.exec(text);
  if (declared) {
    text = text.slice(declared[0].length);
    line = 2;
  }
  const sep = delimiter ?? (declared?.[1] as ',' | ';' | '\t' | undefined) ?? detectDelimiter(text);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let recordLine = line;
  let i = 0;
  const endField = (): void => {
    fields.push(field);
    field = '';
    quoted = false;
  };
  const endRecord = (): void => {
    const blank = fields.length === 0 && field === '' && !quoted;
    endField();
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
  };
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '"' && field === '' && !quoted) {
      quoted = true;
      const start = line;
      i += 1;
      for (;;) {
        if (i >= text.length) throw csvError(`Unterminated quoted field starting on line ${start}.`, start);
        const inner = text[i] as string;
        if (inner === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (inner === '\n' || (inner === '\r' && text[i + 1] !== '\n')) line += 1;
        field += inner;
        i += 1;
      }
      const next = text[i];
      if (next !== undefined && next !== sep && next !== '\n' && next !== '\r') {
        throw csvError(`Unexpected text after a closing quote on line ${line}; quote the whole field.`, line);
      }
      continue;
    }
    if (char === sep) {
      endField();
      i += 1;
    } else if (char === '\n' || char === '\r') {
      endRecord();
      i += char === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
    } else {
      field += char;
      i += 1;
    }
  }
  if (field !== '' || quoted || fields.length > 0) endRecord();
  return { delimiter: sep, records };
}
