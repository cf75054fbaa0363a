import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createCashCodes } from '../../codes/index.js';
import {
  createReportWriter,
  type ReconcileItem,
  type ReconcileReport,
  type ReportDestination,
  type ReportItems,
  type ReportWriter,
  reconcileSettlement,
  reconcileWithApi,
  reportToJSON,
  type SettlementMapping,
  summarizeReport,
} from '../../reconcile/index.js';
import { dateOption, intOption, type ParsedArgs, parseCommandArgs, stringOption } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { type CliIo, CliRuntimeError, CliUsageError, EXIT_CODES, progress } from '../_io.js';
import { DLOCAL_ENV, providerFromEnv } from '../_secrets.js';
import { openStore, STORE_HELP, STORE_OPTIONS, storeSpec } from '../_store.js';

const HELP = `Usage: pagoefectivo-kit reconcile <settlement.csv> --store STORE [options]
       pagoefectivo-kit reconcile --api --store STORE [options]

Compare your store with PagoEfectivo and report every disagreement.

With a settlement file (the CSV exported from PagoEfectivo's merchant portal): matched rows,
codes paid here but absent from the file, rows unknown or unpaid here, amount or currency
mismatches, duplicates and unreadable rows (with line numbers). Nothing is changed.

With --api: every pending code, and codes closed since --since, are looked up with the search API;
payments that never reached your webhook are applied (source "reconcile"); other disagreements are
reported. Needs the PAGOEFECTIVO_* environment variables (see "sweep --help"), or through dLocal
${DLOCAL_ENV.provider}=dlocal and the DLOCAL_* variables: status then comes from GET /payments/{id}.

${STORE_HELP}

Options:
  --mapping FILE     JSON column mapping, e.g. {"cip":"Código","amount":"Importe","currency":null}
  --delimiter C      CSV delimiter: "," ";" or "tab" (default: detected)
  --from ISO --to ISO  payments the file covers (default: first to last paid date in the file)
  --api              reconcile against the search API instead of a file
  --since ISO        with --api: also check codes closed since then (default: 7 days ago)
  --batch-size N     with --api: CIPs per search call (default and maximum: the client's search
                     batch size, 50)
  --format F         summary (default), json, csv or ndjson; csv and ndjson are streamed as the
                     comparison runs (for big files); ndjson ends with a summary line
  --json | --csv     the same as --format json / --format csv
  -h, --help         show this help

The file is read as a stream: a 1M-row settlement needs no more memory than a small one with
--format summary, csv or ndjson. If the run fails midway, csv output ends with a report_incomplete
row and ndjson with an {"type":"error"} line (no summary line), and the exit code is 3.

Progress goes to stderr when it is a terminal. Exit codes: 0 both sides agree, 1 findings, 2 usage error,
3 runtime error (store or API unreachable, unreadable file).`;

async function readMapping(file: string | undefined, io: CliIo): Promise<Partial<SettlementMapping> | undefined> {
  if (file === undefined) return undefined;
  const resolved = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(resolved, 'utf8');
  } catch (error) {
    throw new CliRuntimeError(
      `cannot read --mapping ${resolved}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`--mapping ${resolved} is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CliUsageError('--mapping must hold a JSON object such as {"cip": "CIP", "amount": "Monto"}.');
  }
  return json as Partial<SettlementMapping>;
}

function delimiterOf(parsed: ParsedArgs): ',' | ';' | '\t' | undefined {
  const value = stringOption(parsed, 'delimiter');
  if (value === undefined) return undefined;
  if (value === ',' || value === ';') return value;
  if (value === 'tab' || value === '\t') return '\t';
  throw new CliUsageError('--delimiter must be ",", ";" or "tab".');
}

/** How the report is printed, and what the run must keep in memory for it. */
type Format = 'summary' | 'json' | 'csv' | 'ndjson';

function formatOf(parsed: ParsedArgs): Format {
  const given = stringOption(parsed, 'format');
  const flags = [parsed.values.json ? 'json' : null, parsed.values.csv ? 'csv' : null].filter((f) => f !== null);
  if (given !== undefined && !['summary', 'json', 'csv', 'ndjson'].includes(given)) {
    throw new CliUsageError('--format must be summary, json, csv or ndjson.');
  }
  const chosen = new Set([...(given === undefined ? [] : [given]), ...flags]);
  if (chosen.size > 1) throw new CliUsageError('choose one of --format, --json and --csv.');
  return ([...chosen][0] as Format | undefined) ?? 'summary';
}

/** Streamed formats keep nothing; the summary needs only the findings; JSON is one document of everything. */
const KEEP: Record<Format, ReportItems> = { summary: 'findings', json: 'all', csv: 'none', ndjson: 'none' };

/** Where streamed output goes: the real stdout (its backpressure respected), or the io's writer. */
function stdoutDestination(io: CliIo): ReportDestination {
  return io.stdoutStream ?? ((chunk: string) => io.stdout(chunk));
}

interface RunOptions {
  items: ReportItems;
  onItem?: (entry: ReconcileItem) => void | Promise<void>;
}

async function settlementReport(
  parsed: ParsedArgs,
  io: CliIo,
  store: Parameters<typeof reconcileSettlement>[1]['store'],
  run: RunOptions,
): Promise<ReconcileReport> {
  const file = path.resolve(io.cwd, parsed.positionals[0] as string);
  const from = dateOption(parsed, 'from');
  const to = dateOption(parsed, 'to');
  if ((from === undefined) !== (to === undefined)) throw new CliUsageError('give both --from and --to, or neither.');
  const mapping = await readMapping(stringOption(parsed, 'mapping'), io);
  const delimiter = delimiterOf(parsed);
  try {
    await access(file);
  } catch (error) {
    throw new CliRuntimeError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  progress(io, `Reconciling ${file} with the ${store.name} store…`);
  let shown = 0;
  // Streamed from the file: a failure midway rejects with settlement_stream_failed, never a partial report.
  return reconcileSettlement(
    { path: file },
    {
      store,
      ...(mapping ? { mapping } : {}),
      ...(delimiter ? { delimiter } : {}),
      ...(from && to ? { period: { from, to } } : {}),
      ...run,
      onProgress: ({ compared, total }) => {
        if (compared !== total && compared - shown < 1000) return;
        shown = compared;
        progress(io, `  compared ${compared}/${total} row(s)`);
      },
    },
  );
}

/** `reconcile`: compare the store with a settlement file or with the search API. */
export const reconcileCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      {
        ...STORE_OPTIONS,
        mapping: { type: 'string' },
        delimiter: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        api: { type: 'boolean' },
        since: { type: 'string' },
        'batch-size': { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
      },
      { min: 0, max: 1, name: 'the settlement CSV file (or --api)' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const api = parsed.values.api === true;
    if (api === (parsed.positionals.length === 1))
      throw new CliUsageError('give a settlement CSV file or --api (not both).');
    const format = formatOf(parsed);
    const spec = storeSpec(parsed, io);
    // The upper bound is the client's search batch size, checked by reconcileWithApi (config_invalid).
    const batchSize =
      stringOption(parsed, 'batch-size') === undefined ? undefined : intOption(parsed, 'batch-size', 50, 1, 500);
    const since = dateOption(parsed, 'since');
    const client = api ? await providerFromEnv(io) : null;
    const opened = await openStore(spec, io);
    const writer: ReportWriter | null =
      format === 'csv' || format === 'ndjson'
        ? createReportWriter({ format, to: stdoutDestination(io), end: false })
        : null;
    const run: RunOptions = { items: KEEP[format], ...(writer ? { onItem: writer.write } : {}) };
    let report: ReconcileReport;
    try {
      if (client === null) report = await settlementReport(parsed, io, opened.store, run);
      else {
        const through = client.provider === 'dlocal' ? "dLocal's payments API" : "PagoEfectivo's search API";
        progress(io, `Reconciling the ${opened.store.name} store with ${through}…`);
        report = await reconcileWithApi({
          codes: createCashCodes({ provider: client, store: opened.store }),
          client,
          store: opened.store,
          ...(batchSize === undefined ? {} : { batchSize }),
          ...(since ? { since } : {}),
          ...run,
          onProgress: ({ checked, batches }) =>
            progress(io, `  checked ${checked} code(s) in ${batches} search call(s)`),
        });
      }
      if (writer) await writer.finish(report);
    } catch (error) {
      // Output already streamed ends with an explicit "incomplete" marker; the error goes to stderr (exit 3).
      if (writer && writer.written > 0) await writer.abort(error).catch(() => undefined);
      throw error;
    } finally {
      await opened.close();
    }
    if (format === 'json') io.stdout(JSON.stringify(reportToJSON(report), null, 2));
    else if (format === 'summary') io.stdout(summarizeReport(report));
    return report.findings === 0 ? EXIT_CODES.ok : EXIT_CODES.findings;
  },
};
