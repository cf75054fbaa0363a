import { ValidationError } from '../errors.js';

/** The CSV delimiters a settlement file may use. */
export type CsvDelimiter = ',' | ';' | '\t';

/** One parsed CSV record with the physical line number (1-based) where it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** An incremental CSV parser: feed text in pieces of any size, records come out as they complete. */
export interface CsvParser {
  /** Parse the next piece of text; a record, a quoted field or a CRLF may continue in the next piece. */
  push(text: string): void;
  /** The input ended: emit the last record, or throw for an unterminated quoted field. */
  end(): void;
  /** The delimiter in use, once known (given, declared with `sep=`, or detected from the header line). */
  readonly delimiter: CsvDelimiter | null;
}

/** A `settlement_invalid` error for a line that cannot be read reliably. */
export function csvError(message: string, line: number): ValidationError {
  return new ValidationError(message, [{ path: `line ${line}`, message }], {
    code: 'settlement_invalid',
    details: { line },
  });
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Count each candidate delimiter outside quotes on the first line and pick the most frequent. */
function detectDelimiter(text: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  let best: CsvDelimiter = ',';
  for (const candidate of [';', '\t'] as const) if (counts[candidate] > counts[best]) best = candidate;
  return best;
}

/**
 * Watches the text held before the first line is complete (a line end outside quotes, by the
 * detector's rule; a CR only counts once the next character is known, so `sep=;` + CRLF split across
 * pieces is stripped whole). Scans each piece once.
 */
function firstLineWatcher(): (held: string) => boolean {
  let quoted = false;
  let scanned = 0;
  return (held) => {
    for (; scanned < held.length; scanned += 1) {
      const code = held.charCodeAt(scanned);
      if (code === QUOTE) quoted = !quoted;
      else if (!quoted && code === LF) return true;
      else if (!quoted && code === CR) {
        if (scanned + 1 < held.length) return true;
        return false;
      }
    }
    return false;
  };
}

/** Where the parser stands between two characters (kept across pieces of text). */
enum State {
  /** At the start of a field: a quote opens a quoted field. */
  FieldStart = 0,
  /** Inside an unquoted field. */
  Unquoted = 1,
  /** Inside a quoted field. */
  Quoted = 2,
  /** Saw a quote inside a quoted field: `""` is an escaped quote, anything else closes the field. */
  QuoteInQuoted = 3,
  /** After a closing quote: only a delimiter or a line end may follow. */
  Closed = 4,
}

/**
 * Create an incremental RFC 4180 parser (a state machine: no stream import, any piece size).
 *
 * Handles a UTF-8 byte-order mark, CRLF / LF / CR line ends, quoted fields holding delimiters, quotes
 * (`""`) and line breaks, an Excel `sep=;` first line, and detects `,`, `;` or tab from the header line
 * when no delimiter is given (the first line is held until it is complete). Empty lines are skipped;
 * every record keeps the physical line where it starts. A CR at the end of a piece waits for the next
 * one, so a CRLF split across pieces counts as one line end.
 *
 * @throws {ValidationError} `settlement_invalid` (from `push` or `end`) for text between a closing quote
 * and the next delimiter, or an unterminated quoted field.
 */
export function createCsvParser(onRecord: (record: CsvRecord) => void, delimiter?: CsvDelimiter): CsvParser {
  let sep: CsvDelimiter | null = delimiter ?? null;
  let sepCode = sep === null ? 0 : sep.charCodeAt(0);
  let prelude: string | null = '';
  const firstLineDone = firstLineWatcher();
  let state = State.FieldStart;
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  // A CR ended the previous piece: an LF at the start of this one belongs to it.
  let pendingCr = false;

  const endRecord = (): void => {
    const blank = fields.length === 0 && field === '' && state === State.FieldStart;
    fields.push(field);
    if (!blank) onRecord({ line: recordLine, fields });
    fields = [];
    field = '';
    state = State.FieldStart;
  };

  const parse = (text: string): void => {
    let i = 0;
    const n = text.length;
    if (pendingCr) {
      pendingCr = false;
      if (n > 0 && text.charCodeAt(0) === LF) i = 1;
    }
    // Start of the field text not yet copied into `field` (copied in slices, not character by character).
    let from = i;
    while (i < n) {
      const code = text.charCodeAt(i);
      switch (state) {
        case State.FieldStart:
        case State.Unquoted:
          if (code === sepCode) {
            fields.push(field + text.slice(from, i));
            field = '';
            state = State.FieldStart;
            from = i + 1;
          } else if (code === LF || code === CR) {
            field += text.slice(from, i);
            endRecord();
            line += 1;
            recordLine = line;
            if (code === CR) {
              if (i + 1 === n) pendingCr = true;
              else if (text.charCodeAt(i + 1) === LF) i += 1;
            }
            from = i + 1;
          } else if (code === QUOTE && state === State.FieldStart && field === '' && from === i) {
            state = State.Quoted;
            quoteLine = line;
            from = i + 1;
          } else state = State.Unquoted;
          break;
        case State.Quoted:
          if (code === QUOTE) {
            field += text.slice(from, i);
            state = State.QuoteInQuoted;
            from = i + 1;
          } else if (code === LF || (code === CR && text.charCodeAt(i + 1) !== LF)) line += 1;
          break;
        case State.QuoteInQuoted:
          if (code === QUOTE) {
            // An escaped quote: keep one and stay inside the field.
            state = State.Quoted;
            from = i;
            break;
          }
          state = State.Closed;
          continue;
        case State.Closed:
          if (code !== sepCode && code !== LF && code !== CR) {
            throw csvError(`Unexpected text after a closing quote on line ${line}; quote the whole field.`, line);
          }
          // Carry on as an unquoted field that is never blank; the delimiter or line end closes it.
          state = State.Unquoted;
          from = i;
          continue;
      }
      i += 1;
    }
    // A CR as the last character of a quoted piece: the line is counted when we know it is not a CRLF.
    if (state === State.Quoted) {
      field += text.slice(from, n);
      if (n > 0 && text.charCodeAt(n - 1) === CR) line -= 1;
    } else if (state === State.FieldStart || state === State.Unquoted) field += text.slice(from, n);
  };

  // Re-count a quoted CR that ended the previous piece, now that the next character is known.
  const feed = (text: string): void => {
    if (state === State.Quoted && field.length > 0 && field.charCodeAt(field.length - 1) === CR && text.length > 0) {
      if (text.charCodeAt(0) !== LF) line += 1;
    }
    parse(text);
  };

  const startBody = (text: string, final: boolean): void => {
    let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const declared = /^sep=([,;\t])\r?\n?/.exec(body);
    if (declared) {
      body = body.slice(declared[0].length);
      line = 2;
      recordLine = 2;
    }
    sep ??= (declared?.[1] as CsvDelimiter | undefined) ?? detectDelimiter(body);
    sepCode = sep.charCodeAt(0);
    prelude = null;
    if (body.length > 0 || final) feed(body);
  };

  return {
    get delimiter() {
      return sep;
    },
    push(text) {
      if (prelude === null) {
        feed(text);
        return;
      }
      // Hold the first line whole: the BOM, `sep=` and the delimiter are decided from it.
      prelude += text;
      if (firstLineDone(prelude)) startBody(prelude, false);
    },
    end() {
      if (prelude !== null) startBody(prelude, true);
      if (state === State.Quoted) {
        throw csvError(`Unterminated quoted field starting on line ${quoteLine}.`, quoteLine);
      }
      if (field !== '' || state !== State.FieldStart || fields.length > 0) endRecord();
    },
  };
}
