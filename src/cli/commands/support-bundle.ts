import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSupportBundle, renderSupportBundle } from '../../support/bundle.js';
import { parseCommandArgs, stringOption } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { CliRuntimeError, CliUsageError, EXIT_CODES } from '../_io.js';
import { findCodes, kindOption, shownValue } from '../_lookup.js';
import { openStore, STORE_HELP, STORE_OPTIONS, storeSpec } from '../_store.js';

const HELP = `Usage: pagoefectivo-kit support-bundle <cip|orderId|code id> --store STORE [--out FILE] [--force] [--json]

Write the file PagoEfectivo's technical support asks for about one code: its CIP, order id and
transaction code, the time, HTTP status, PagoEfectivo code/message and request id of every API call
made for it, every notification (verified, answer), its lifecycle log and events. Secrets and tokens
are removed and personal data is masked. Reads the store only; no PagoEfectivo credentials needed.

${STORE_HELP}

Options:
  --kind K     cip, orderId or transactionCode (default: guessed from the value)
  --out FILE   where to write (default: support-bundle-<cip or code id>.json in the current folder);
               written with mode 0600, never over an existing file unless --force
  --force      overwrite FILE
  --json       print { path, codeId, orderId, cip } as JSON
  -h, --help   show this help

When several codes match (an order that was re-issued), the newest is bundled and the others are
listed. Exit codes: 0 written, 1 no code matches, 2 usage error, 3 runtime error.`;

/** `support-bundle`: write the redacted support bundle of one code. */
export const supportBundleCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      {
        ...STORE_OPTIONS,
        kind: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 1, name: 'the CIP, order id or code id' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const value = parsed.positionals[0] as string;
    if (value.includes('@')) {
      throw new CliUsageError('give the CIP, order id or code id: run "status <e-mail>" first to find them.');
    }
    const kind = kindOption(parsed, ['cip', 'orderId', 'transactionCode']);
    const spec = storeSpec(parsed, io);
    const opened = await openStore(spec, io);
    let text: string;
    let chosen: { id: string; orderId: string; cip: string | null };
    let others: { id: string; cip: string | null }[];
    try {
      const found = await findCodes(opened.store, value, kind, { limit: 20 });
      const [code, ...rest] = found.codes;
      if (code === undefined) {
        io.stderr(`No code matches ${shownValue(value)}.`);
        return EXIT_CODES.findings;
      }
      chosen = code;
      others = rest;
      text = renderSupportBundle(await buildSupportBundle({ store: opened.store, code }));
    } finally {
      await opened.close();
    }
    const name = `support-bundle-${chosen.cip ?? chosen.id}.json`;
    const file = path.resolve(io.cwd, stringOption(parsed, 'out') ?? name);
    try {
      await writeFile(file, text, { mode: 0o600, flag: parsed.values.force ? 'w' : 'wx' });
      await chmod(file, 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CliUsageError(`${file} already exists; pass --force to overwrite it.`);
      throw new CliRuntimeError(`cannot write ${file}: ${code ?? String(error)}.`);
    }
    if (parsed.values.json) {
      io.stdout(JSON.stringify({ path: file, codeId: chosen.id, orderId: chosen.orderId, cip: chosen.cip }));
    } else {
      io.stdout(file);
    }
    if (others.length > 0) {
      io.stderr(
        `Bundled the newest of ${others.length + 1} matching codes; the others: ${others
          .map((other) => `${other.id} (CIP ${other.cip ?? 'none'})`)
          .join(', ')}. Pass a CIP or code id to bundle one of them.`,
      );
    }
    return EXIT_CODES.ok;
  },
};
