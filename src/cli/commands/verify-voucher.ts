import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isPagoEfectivoKitError } from '../../errors.js';
import { formatMoney } from '../../money/index.js';
import { formatLimaTimestamp } from '../../time/index.js';
import { type VerifiedVoucherToken, verifyVoucherToken } from '../../voucher/token.js';
import { listOption, parseCommandArgs } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { type CliIo, CliRuntimeError, EXIT_CODES } from '../_io.js';
import { loadPublicKeys } from '../_keys.js';

const HELP = `Usage: pagoefectivo-kit verify-voucher <voucher.pdf | token> --public-key KEY... [--json]

Tell a genuine voucher from a forged or altered one. Reads the signed token from the PDF's metadata
(or takes the token itself, as scanned from the voucher's QR code) and verifies its Ed25519 signature.

Options:
  --public-key KEY   a trusted key: kid=PUBLICKEY, or a file of kid=PUBLICKEY lines, a JSON
                     {"kid": "publicKey"} object or the output of "keys generate --json" (repeatable)
  --json             print {"genuine", "reason", "claims", "expired"} as JSON
  -h, --help         show this help

Exit codes: 0 genuine (also when expired: see the output), 1 not genuine (forged, altered, unknown
key, malformed, or a PDF without a token), 2 usage error, 3 unreadable file.`;

async function tokenOf(input: string, io: CliIo): Promise<string | null> {
  const file = path.resolve(io.cwd, input);
  const info = await stat(file).catch(() => null);
  if (info === null) {
    // A missing file is a runtime error (exit 3, as documented), like any unreadable file.
    if (/\.pdf$/i.test(input)) throw new CliRuntimeError(`${file} does not exist.`);
    return input.trim();
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new CliRuntimeError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  const { readVoucherToken } = await import('../../voucher/metadata.js');
  return readVoucherToken(bytes);
}

function describe(result: VerifiedVoucherToken): string {
  const { claims } = result;
  return [
    `GENUINE voucher (signed with key "${claims.kid}")${result.expired ? ' - EXPIRED' : ''}`,
    `  CIP:      ${claims.cip}`,
    `  Order:    ${claims.orderId}`,
    `  Amount:   ${formatMoney(claims.amountMinor, claims.currency)}`,
    `  Expires:  ${formatLimaTimestamp(claims.expiresAt)} (Lima)${result.expired ? ' - expired' : ''}`,
    `  Issued:   ${formatLimaTimestamp(claims.issuedAt)} (Lima)`,
    'The signature only proves who issued the voucher: check the code status before acting on it.',
  ].join('\n');
}

/** `verify-voucher`: verify a voucher PDF or token against trusted public keys. */
export const verifyVoucherCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      { 'public-key': { type: 'string', multiple: true }, json: { type: 'boolean' } },
      { min: 1, max: 1, name: 'the voucher PDF or token' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const keys = await loadPublicKeys(listOption(parsed, 'public-key'), io);
    const json = parsed.values.json === true;
    const notGenuine = (reason: string, message: string): number => {
      if (json) io.stdout(JSON.stringify({ genuine: false, reason, claims: null, expired: null }));
      else io.stdout(`NOT GENUINE [${reason}]: ${message}`);
      return EXIT_CODES.findings;
    };
    try {
      const token = await tokenOf(parsed.positionals[0] as string, io);
      if (token === null) {
        return notGenuine(
          'token_missing',
          'the PDF holds no voucher token (not made by pagoefectivo-kit, or rewritten).',
        );
      }
      const result = await verifyVoucherToken(token, keys);
      if (json)
        io.stdout(JSON.stringify({ genuine: true, reason: null, claims: result.claims, expired: result.expired }));
      else io.stdout(describe(result));
      return EXIT_CODES.ok;
    } catch (error) {
      if (isPagoEfectivoKitError(error) && error.code.startsWith('token_'))
        return notGenuine(error.code, error.message);
      throw error;
    }
  },
};
