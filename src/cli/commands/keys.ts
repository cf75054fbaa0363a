import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateVoucherKeys } from '../../voucher/token.js';
import { parseCommandArgs, stringOption } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { CliRuntimeError, CliUsageError, EXIT_CODES } from '../_io.js';

const HELP = `Usage: pagoefectivo-kit keys generate --out FILE [--kid ID] [--force] [--json]

Generate an Ed25519 key pair for signing voucher tokens.

The secret key is written to FILE with mode 0600 (never to stdout); the key id and the public key
are printed so you can configure verifiers (support console, verify-voucher, your app).

Options:
  --out FILE   where to write the secret key (required; refuses to overwrite without --force)
  --kid ID     key id written into every token (1-32 of A-Z a-z 0-9 . _ -; default: random)
  --force      overwrite FILE if it exists
  --json       print {"kid", "publicKey", "secretKeyFile"} as JSON
  -h, --help   show this help

Exit codes: 0 written, 2 usage error, 3 the file could not be written.`;

/** `keys generate`: a new voucher signing key pair; the secret goes to a 0600 file only. */
export const keysGenerateCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      { out: { type: 'string' }, kid: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
      { min: 0, max: 0, name: '' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const out = stringOption(parsed, 'out');
    if (out === undefined) {
      throw new CliUsageError('--out FILE is required: the secret key is only ever written to a file (mode 0600).');
    }
    const kid = stringOption(parsed, 'kid');
    const keys = generateVoucherKeys(kid === undefined ? {} : { kid });
    const file = path.resolve(io.cwd, out);
    try {
      await writeFile(file, `${keys.secretKey}\n`, { mode: 0o600, flag: parsed.values.force ? 'w' : 'wx' });
      await chmod(file, 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CliUsageError(`${file} already exists; pass --force to overwrite it.`);
      throw new CliRuntimeError(`cannot write ${file}: ${code ?? String(error)}.`);
    }
    if (parsed.values.json) {
      io.stdout(JSON.stringify({ kid: keys.kid, publicKey: keys.publicKey, secretKeyFile: file }));
    } else {
      io.stdout(`kid=${keys.kid}\npublic_key=${keys.publicKey}\nsecret_key_file=${file}`);
      io.stderr(`Secret key written to ${file} (mode 0600). Keep it out of version control.`);
    }
    return EXIT_CODES.ok;
  },
};
