/**
 * `reconcileSettlement` reads streamed input (`{ path }`, Node `Readable`, web `ReadableStream`,
 * `AsyncIterable` of chunks), keeps only the items asked for, and never presents part of a file as a
 * complete report.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/12
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError, type PagoEfectivoKitError } from '../../src/errors.js';
import { type ReconcileItem, type ReconcileReport, reconcileSettlement } from '../../src/reconcile/index.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { makeCode, NOW, seed } from './_fixtures.js';

const CSV = [
  '\uFEFFCIP;Monto;Moneda;Fecha de Pago;Nro. Operación;Código de Transacción',
  '1001;150,50;PEN;05/03/2024 09:00;OP1;código-ñ-1',
  '1002;99,00;PEN;05/03/2024 09:05;"OP;2";"dos',
  'líneas"',
  '9999;10,00;PEN;05/03/2024 09:20;OP5;otro',
  '1001;150,50;PEN;05/03/2024 10:00;OP1;código-1',
  '1007;abc;PEN;05/03/2024 10:05;OP7;código-7',
  '',
].join('\r\n');
const BYTES = new TextEncoder().encode(CSV);
const PERIOD = { from: new Date('2024-03-05T00:00:00Z'), to: NOW };

const dir = mkdtempSync(path.join(tmpdir(), 'pek-settle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes in pieces of `size`, so multi-byte characters (ó, ñ) and CRLFs are cut in the middle. */
function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

function comparable(report: ReconcileReport): unknown {
  return { ...report, startedAt: null, finishedAt: null };
}

async function caught(promise: Promise<unknown>): Promise<PagoEfectivoKitError> {
  try {
    await promise;
  } catch (error) {
    if (isPagoEfectivoKitError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('reconcileSettlement with streamed input', () => {
  let store: MemoryStore;
  let expected: ReconcileReport;

  beforeEach(async () => {
    store = memoryStore();
    await seed(store, [
      makeCode({ cip: '1001', status: 'paid' }),
      makeCode({ cip: '1002', status: 'paid' }),
      makeCode({ cip: '1005', status: 'paid' }),
    ]);
    expected = await reconcileSettlement(CSV, { store, period: PERIOD, now: () => NOW });
  });

  it('reads the text form as before: every row, in line order, then the missing payments', () => {
    expect(expected.items.map((entry) => [entry.kind, entry.line ?? entry.cip])).toEqual([
      ['matched', 2],
      ['amount_mismatch', 3],
      ['unknown_here', 5],
      ['duplicate_in_settlement', 6],
      ['invalid_row', 7],
      ['missing_from_settlement', '1005'],
    ]);
  });

  it.each([1, 2, 3, 7, 64])(
    'gives the same report from a file path, a Readable, a ReadableStream and an AsyncIterable (%i-byte chunks)',
    async (size) => {
      const file = path.join(dir, `settlement-${size}.csv`);
      writeFileSync(file, BYTES);
      const options = { store, period: PERIOD, now: () => NOW };
      const inputs = [
        { path: file },
        Readable.from(pieces(BYTES, size).map((piece) => Buffer.from(piece))),
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const piece of pieces(BYTES, size)) controller.enqueue(piece);
            controller.close();
          },
        }),
        (async function* () {
          yield* pieces(BYTES, size);
        })(),
        (async function* () {
          for (let at = 0; at < CSV.length; at += size) yield CSV.slice(at, at + size);
        })(),
      ];
      for (const input of inputs) {
        expect(comparable(await reconcileSettlement(input, options))).toEqual(comparable(expected));
      }
    },
  );

  it("keeps only findings with items: 'findings', none with 'none', with the same counts and totals; onItem sees every item in order", async () => {
    for (const items of ['findings', 'none'] as const) {
      const seen: ReconcileItem[] = [];
      const report = await reconcileSettlement(Readable.from([CSV]), {
        store,
        period: PERIOD,
        now: () => NOW,
        items,
        onItem: (entry) => {
          seen.push(entry);
        },
      });
      expect(seen).toEqual(expected.items);
      expect(report.items).toEqual(items === 'none' ? [] : expected.items.filter((e) => e.severity !== 'info'));
      expect([report.counts, report.totals, report.findings]).toEqual([
        expected.counts,
        expected.totals,
        expected.findings,
      ]);
    }
  });

  it('awaits onItem before reading further (backpressure)', async () => {
    const log: string[] = [];
    async function* source(): AsyncGenerator<string> {
      log.push('chunk 1');
      yield 'CIP,Monto\n1001,150.50\n';
      log.push('chunk 2');
      yield '1002,150.50\n';
    }
    await reconcileSettlement(source(), {
      store,
      items: 'none',
      onItem: async (entry) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`item ${entry.line ?? entry.cip}`);
      },
    });
    expect(log).toEqual(['chunk 1', 'item 2', 'chunk 2', 'item 3']);
  });

  it('rejects with settlement_stream_failed when the stream errors midway, after items were given, and returns no report', async () => {
    const failure = new Error('socket hang up');
    const seen: ReconcileItem[] = [];
    const readable = new Readable({ read() {} });
    readable.push(Buffer.from('CIP;Monto\r\n1001;150,50\r\n'));
    setTimeout(() => readable.destroy(failure), 10);
    const error = await caught(
      reconcileSettlement(readable, { store, period: PERIOD, onItem: (entry) => void seen.push(entry) }),
    );
    expect(error.code).toBe('settlement_stream_failed');
    expect(error.cause).toBe(failure);
    expect(error.message).toContain('socket hang up');
    expect(error.message).toContain('No report was produced');
    expect(error.details).toMatchObject({ chunks: 1, bytes: 24 });
    expect(seen.map((entry) => entry.line)).toEqual([2]);
  });

  it('rejects a web ReadableStream that errors, and one with a chunk of the wrong type (cancelling it)', async () => {
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new TypeError('network error'));
      },
    });
    expect((await caught(reconcileSettlement(broken, { store }))).code).toBe('settlement_stream_failed');

    let cancelled = false;
    const wrong = new ReadableStream<unknown>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('CIP,Monto\n'));
        controller.enqueue(42);
      },
      cancel() {
        cancelled = true;
      },
    });
    const error = await caught(reconcileSettlement(wrong as ReadableStream<Uint8Array>, { store }));
    expect(error.code).toBe('settlement_stream_failed');
    expect(error.message).toContain('Chunk #2 of the settlement input is a number');
    expect(cancelled).toBe(true);
  });

  it('rejects an AsyncIterable yielding objects, closing it', async () => {
    let closed = false;
    async function* objects(): AsyncGenerator<unknown> {
      try {
        yield 'CIP,Monto\n1001,150.50\n';
        yield { CIP: '1002' };
      } finally {
        closed = true;
      }
    }
    const error = await caught(reconcileSettlement(objects() as AsyncIterable<string>, { store }));
    expect(error.code).toBe('settlement_stream_failed');
    expect(error.message).toContain('is an object (Object)');
    expect(closed).toBe(true);
  });

  it('rejects a path that does not exist with settlement_stream_failed naming it', async () => {
    const missing = path.join(dir, 'nope.csv');
    const error = await caught(reconcileSettlement({ path: missing }, { store }));
    expect(error.code).toBe('settlement_stream_failed');
    expect(error.message).toContain(`Cannot read the settlement file ${missing}: ENOENT`);
    expect(error.details).toMatchObject({ path: missing, chunks: 0 });
  });

  it('rejects malformed CSV mid-stream with settlement_invalid and its line, closing the stream', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<string> {
      try {
        yield 'CIP,Monto\n1001,150.50\n';
        yield '1002,"150.50"x\n';
        yield '1003,1\n';
      } finally {
        closed = true;
      }
    }
    const error = await caught(reconcileSettlement(source(), { store, onItem: () => undefined }));
    expect(error.code).toBe('settlement_invalid');
    expect(error.details).toEqual({ line: 3 });
    expect(closed).toBe(true);
    const unterminated = await caught(reconcileSettlement(Readable.from(['CIP,Monto\n1001,"15', '0.50\n']), { store }));
    expect(unterminated.message).toBe('Unterminated quoted field starting on line 2.');
  });

  it('refuses an input of no accepted shape and an unknown items option', async () => {
    for (const input of [42, null, { file: 'x.csv' }]) {
      const error = await caught(reconcileSettlement(input as unknown as string, { store }));
      expect(error.code).toBe('validation_failed');
    }
    const error = await caught(reconcileSettlement('CIP,Monto\n', { store, items: 'some' as 'all' }));
    expect(error.code).toBe('config_invalid');
  });
});

/** A store that pages `count` paid codes without holding them (only what reconcileSettlement reads). */
function pagedPaidStore(count: number): CashCodeStore {
  const template = makeCode({ cip: '0', status: 'paid' });
  const payment = {
    ...(template.payment as NonNullable<typeof template.payment>),
    paidAt: new Date(NOW.getTime() - 60_000),
  };
  const code = (at: number) => ({ ...template, id: `paid-${at}`, cip: String(5_000_000 + at), payment });
  const store: Pick<CashCodeStore, 'name' | 'listCodes' | 'getCodeByCip'> = {
    name: 'paged',
    async listCodes(filter) {
      const from = filter?.cursor ? Number(filter.cursor) : 0;
      const to = Math.min(count, from + (filter?.limit ?? 100));
      const codes = [];
      for (let at = from; at < to; at += 1) codes.push(code(at));
      return { codes, nextCursor: to < count ? String(to) : null };
    },
    async getCodeByCip() {
      return null;
    },
  };
  return store as CashCodeStore;
}

describe('reconcileSettlement at scale', () => {
  it('reports 300k codes paid in the period and missing from the file (no call-stack or argument limits)', async () => {
    const report = await reconcileSettlement('CIP,Monto,Fecha de Pago\n1,1.00,2024-03-05 09:00\n', {
      store: pagedPaidStore(300_000),
      period: { from: new Date(NOW.getTime() - 3600_000), to: NOW },
      now: () => NOW,
    });
    expect(report.counts.missing_from_settlement).toBe(300_000);
    expect(report.items).toHaveLength(300_001);
    expect(report.items.at(-1)?.cip).toBe(String(5_000_000 + 299_999));
    expect(report.totals[0]?.byKind.missing_from_settlement).toBe(300_000 * 15050);
  }, 60_000);
});
