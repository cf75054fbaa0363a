import { PagoEfectivoKitError, ValidationError } from '../errors.js';

/** A piece of a streamed settlement file: text, or UTF-8 bytes (a Node `Buffer` is a `Uint8Array`). */
export type SettlementChunk = string | Uint8Array;

/**
 * A web `ReadableStream` of settlement chunks, by shape (so no DOM or Node typings are needed): what
 * `fetch(url).body`, `Blob.stream()` or `Readable.toWeb(…)` return.
 */
export interface SettlementReadableStream {
  getReader(): {
    read(): Promise<{ done: boolean; value?: unknown }>;
    cancel(reason?: unknown): Promise<void>;
    releaseLock(): void;
  };
}

/** A settlement file on disk, read in 64 KiB pieces (Node.js ≥ 20.16, Deno, Bun). */
export interface SettlementFile {
  path: string;
}

/** Decoded text of a settlement input, pulled one piece at a time. */
export interface TextSource {
  /** The next piece of text, or `null` at the end. @throws `settlement_stream_failed` */
  next(): Promise<string | null>;
  /** Stop reading early (closes the file or cancels the stream); safe to call twice. */
  close(): Promise<void>;
}

/** The error of an input that failed before its end: no report is produced from part of a file. */
export function streamFailed(message: string, cause: unknown, details: Record<string, unknown>): PagoEfectivoKitError {
  return new PagoEfectivoKitError(
    'settlement_stream_failed',
    `${message} No report was produced: a reconciliation of part of a file would look complete.`,
    { cause, details },
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `a ${typeof value}`;
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

type FsLike = { createReadStream(path: string, options: { highWaterMark: number }): AsyncIterable<unknown> };

function openFile(file: SettlementFile): AsyncIterator<unknown> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as FsLike | undefined;
  if (fs === undefined) {
    throw streamFailed(
      'Reading a settlement file by path needs Node.js ≥ 20.16, Deno or Bun; elsewhere pass a ReadableStream.',
      undefined,
      { path: file.path },
    );
  }
  return fs.createReadStream(file.path, { highWaterMark: 64 * 1024 })[Symbol.asyncIterator]();
}

function fromWebStream(stream: SettlementReadableStream): AsyncIterator<unknown> {
  const reader = stream.getReader();
  return {
    async next() {
      const { done, value } = await reader.read();
      return done ? { done: true, value: undefined } : { done: false, value };
    },
    async return() {
      await reader.cancel().catch(() => undefined);
      return { done: true, value: undefined };
    },
  };
}

function iteratorOf(input: object): AsyncIterator<unknown> {
  if (typeof (input as Partial<SettlementReadableStream>).getReader === 'function') {
    return fromWebStream(input as SettlementReadableStream);
  }
  const iterable = input as Partial<AsyncIterable<unknown>>;
  const asyncIterator = iterable[Symbol.asyncIterator];
  if (typeof asyncIterator === 'function') return asyncIterator.call(input);
  // After the stream checks: a Node fs.ReadStream has a `path` too, and is read as the stream it is.
  if (typeof (input as Partial<SettlementFile>).path === 'string') return openFile(input as SettlementFile);
  throw invalidInput(input);
}

/** The error for a settlement input of no accepted shape. */
export function invalidInput(input: unknown): ValidationError {
  return new ValidationError(
    'reconcileSettlement input must be CSV text, rows, { path }, a ReadableStream or an AsyncIterable of chunks.',
    [{ path: 'input', message: `got ${describe(input)}` }],
  );
}

/**
 * Open a streamed settlement input as decoded text: `{ path }`, a web `ReadableStream`, or any
 * `AsyncIterable` of strings or bytes (a Node `Readable`). Bytes are decoded as UTF-8 with a streaming
 * `TextDecoder`, so a character split across chunks is read whole.
 *
 * @throws {ValidationError} `validation_failed` for an input of none of these shapes.
 */
export function openTextSource(input: object): TextSource {
  const label = typeof (input as Partial<SettlementFile>).path === 'string' ? (input as SettlementFile).path : null;
  const iterator = iteratorOf(input);
  const decoder = new TextDecoder('utf-8');
  let chunks = 0;
  let bytes = 0;
  let finished = false;
  const where = (): Record<string, unknown> => ({ ...(label === null ? {} : { path: label }), chunks, bytes });
  return {
    async next() {
      while (!finished) {
        let step: IteratorResult<unknown>;
        try {
          step = await iterator.next();
        } catch (error) {
          finished = true;
          const reason =
            (error as { code?: unknown })?.code ?? (error instanceof Error ? error.message : String(error));
          throw streamFailed(
            label !== null && chunks === 0
              ? `Cannot read the settlement file ${label}: ${String(reason)}.`
              : `The settlement input failed after ${bytes} byte(s) in ${chunks} chunk(s): ${String(reason)}.`,
            error,
            where(),
          );
        }
        if (step.done) {
          finished = true;
          const rest = decoder.decode();
          return rest === '' ? null : rest;
        }
        const value = step.value;
        chunks += 1;
        if (typeof value === 'string') {
          bytes += value.length;
          const rest = decoder.decode();
          return rest + value;
        }
        if (!(value instanceof Uint8Array)) {
          await this.close();
          throw streamFailed(
            `Chunk #${chunks} of the settlement input is ${describe(value)}; a settlement stream yields strings or Uint8Array bytes.`,
            undefined,
            where(),
          );
        }
        bytes += value.byteLength;
        const text = decoder.decode(value, { stream: true });
        if (text !== '') return text;
      }
      return null;
    },
    async close() {
      if (finished) return;
      finished = true;
      try {
        await iterator.return?.();
      } catch {
        // Closing a source that already failed: nothing more to learn from it.
      }
    },
  };
}
