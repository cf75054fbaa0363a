/**
 * The streaming report writers: CSV and NDJSON to a Node Writable, a web WritableStream or a callback,
 * with backpressure, and an explicit marker when a run fails.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/12
 */
import { Readable, Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import {
  createReportWriter,
  REPORT_NDJSON_FORMAT,
  type ReconcileReport,
  reconcileSettlement,
  reportToCsv,
  reportToJSON,
  writeReportCsv,
  writeReportNdjson,
} from '../../src/reconcile/index.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { makeCode, NOW, seed } from './_fixtures.js';

const CSV =
  'CIP,Monto,Fecha de Pago\n1001,150.50,2024-03-05 09:00\n1002,=1+1,2024-03-05 09:00\n9999,1.00,2024-03-05 09:00\n';

/** A slow Node Writable with a tiny buffer: every write waits for `drain`. */
function slowWritable(): { stream: Writable; text: () => string; maxPending: () => number } {
  let text = '';
  let pending = 0;
  let maxPending = 0;
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk, _encoding, callback) {
      pending += 1;
      maxPending = Math.max(maxPending, pending);
      setTimeout(() => {
        text += String(chunk);
        pending -= 1;
        callback();
      }, 1);
    },
  });
  return { stream, text: () => text, maxPending: () => maxPending };
}

describe('report writers', () => {
  let store: MemoryStore;
  let report: ReconcileReport;

  beforeEach(async () => {
    store = memoryStore();
    await seed(store, [makeCode({ cip: '1001', status: 'paid' }), makeCode({ cip: '1005', status: 'paid' })]);
    report = await reconcileSettlement(CSV, { store, period: { from: new Date(0), to: NOW }, now: () => NOW });
  });

  it('writeReportCsv writes exactly reportToCsv, to a Node Writable, a WritableStream and a callback', async () => {
    const slow = slowWritable();
    await writeReportCsv(report, slow.stream, { end: true });
    expect(slow.text()).toBe(reportToCsv(report));

    let web = '';
    await writeReportCsv(
      report,
      new WritableStream<string>({
        write: (chunk) => {
          web += chunk;
        },
      }),
    );
    expect(web).toBe(reportToCsv(report));

    const pieces: string[] = [];
    await writeReportCsv(report, async (chunk) => void pieces.push(chunk));
    expect(pieces.join('')).toBe(reportToCsv(report));
  });

  it('writeReportNdjson writes one line per item and a summary that marks the report complete', async () => {
    let text = '';
    await writeReportNdjson(report, (chunk) => {
      text += chunk;
    });
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const json = reportToJSON(report);
    expect(lines.slice(0, -1)).toEqual(json.items.map((entry) => ({ type: 'item', ...entry })));
    expect(lines.at(-1)).toEqual({
      type: 'summary',
      format: REPORT_NDJSON_FORMAT,
      complete: true,
      items: report.items.length,
      source: 'settlement',
      startedAt: json.startedAt,
      finishedAt: json.finishedAt,
      period: json.period,
      findings: json.findings,
      counts: json.counts,
      totals: json.totals,
      notes: [],
    });
  });

  it('streams while reconciling (items: none, onItem: writer.write), holding back on a slow destination', async () => {
    const slow = slowWritable();
    const writer = createReportWriter({ format: 'csv', to: slow.stream, bufferSize: 1 });
    const streamed = await reconcileSettlement(Readable.from([CSV]), {
      store,
      period: { from: new Date(0), to: NOW },
      now: () => NOW,
      items: 'none',
      onItem: writer.write,
    });
    await writer.finish(streamed);
    expect(streamed.items).toEqual([]);
    expect(slow.text()).toBe(reportToCsv(report));
    // Every flush waited for the previous one to drain.
    expect(slow.maxPending()).toBe(1);
  });

  it('marks the output incomplete when the run fails midway (abort), never writing a summary', async () => {
    for (const format of ['ndjson', 'csv'] as const) {
      let text = '';
      const writer = createReportWriter({
        format,
        to: (chunk) => {
          text += chunk;
        },
      });
      const failing = new Readable({ read() {} });
      failing.push('CIP,Monto\n1001,150.50\n');
      setTimeout(() => failing.destroy(new Error('disk read error')), 10);
      const error = await reconcileSettlement(failing, { store, items: 'none', onItem: writer.write }).catch(
        (caught: unknown) => caught,
      );
      expect(isPagoEfectivoKitError(error, 'settlement_stream_failed')).toBe(true);
      await writer.abort(error);
      expect(text).not.toContain('"summary"');
      if (format === 'ndjson') {
        expect(JSON.parse(text.trimEnd().split('\n').at(-1) as string)).toMatchObject({
          type: 'error',
          complete: false,
          items: 1,
          code: 'settlement_stream_failed',
        });
      } else {
        expect(text.trimEnd().split('\r\n').at(-1)).toMatch(
          /^report_incomplete,critical,(,){13}"?Report incomplete after 1 item\(s\): \[settlement_stream_failed\]/,
        );
      }
    }
  });

  it('refuses to present a report it did not fully receive as complete', async () => {
    const findingsOnly = await reconcileSettlement(CSV, { store, items: 'findings', now: () => NOW });
    await expect(writeReportCsv(findingsOnly, () => undefined)).rejects.toMatchObject({ code: 'validation_failed' });
    let text = '';
    const writer = createReportWriter({
      format: 'ndjson',
      to: (chunk) => {
        text += chunk;
      },
    });
    for (const entry of findingsOnly.items) writer.write(entry);
    await expect(writer.finish(findingsOnly)).rejects.toMatchObject({ code: 'validation_failed' });
    expect(text).toContain('"type":"error"');
    expect(text).not.toContain('"summary"');
    expect(() => writer.write(findingsOnly.items[0] as never)).toThrow(/finished/);
  });

  it('rejects when the destination fails, and refuses an unknown format', async () => {
    const broken = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE'));
      },
    });
    broken.on('error', () => undefined);
    await expect(writeReportCsv(report, broken)).rejects.toThrow('EPIPE');
    expect(() => createReportWriter({ format: 'xml' as 'csv', to: () => undefined })).toThrow(/format must be/);
  });
});
