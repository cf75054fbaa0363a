import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { signWebhook } from '../../testing/sign.js';
import { parseCommandArgs, stringOption } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { CliRuntimeError, CliUsageError, EXIT_CODES } from '../_io.js';
import { readSecret } from '../_secrets.js';

const HELP = `Usage: pagoefectivo-kit sign-webhook <body.json> (--secret-env NAME | --secret-file PATH) [--send URL] [--json]

Sign a payment notification exactly as PagoEfectivo does (PE-Signature = lowercase hex
HMAC-SHA256 of the compact JSON body, keyed with your secret key), to test your own endpoint.

Options:
  --secret-env NAME   read the secret key from environment variable NAME
  --secret-file PATH  read the secret key from a file
  --send URL          POST the signed notification to URL (localhost only) and print the answer
  --json              print {"headers", "body"} as JSON instead of HTTP text
  -h, --help          show this help

Exit codes: 0 signed (and, with --send, answered 2xx), 1 the endpoint answered non-2xx,
2 usage error, 3 unreadable file or connection failure.`;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function targetOf(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new CliUsageError(`--send ${JSON.stringify(url)} is not a URL.`);
  }
  if ((target.protocol !== 'http:' && target.protocol !== 'https:') || !LOCAL_HOSTS.has(target.hostname)) {
    throw new CliUsageError(
      '--send only posts to localhost, 127.0.0.1 or [::1]: this is a tool for testing your own endpoint.',
    );
  }
  return target;
}

async function compactBody(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliRuntimeError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    throw new CliUsageError(`${file} is not valid JSON.`);
  }
}

/** `sign-webhook`: sign (and optionally send) a test notification for your own endpoint. */
export const signWebhookCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      {
        'secret-env': { type: 'string' },
        'secret-file': { type: 'string' },
        send: { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 1, name: 'the body JSON file' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const sendTo = stringOption(parsed, 'send');
    const target = sendTo === undefined ? null : targetOf(sendTo);
    const secretKey = await readSecret(
      { env: stringOption(parsed, 'secret-env'), file: stringOption(parsed, 'secret-file') },
      io,
      'PagoEfectivo secret key',
    );
    const body = await compactBody(path.resolve(io.cwd, parsed.positionals[0] as string));
    const signed = signWebhook(body, secretKey);
    if (parsed.values.json) io.stdout(JSON.stringify(signed));
    else {
      const headers = Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`);
      io.stdout(`${headers.join('\n')}\n\n${signed.body}`);
    }
    if (target === null) return EXIT_CODES.ok;
    let response: Response;
    try {
      response = await fetch(target, { method: 'POST', headers: signed.headers, body: signed.body });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliRuntimeError(
        `could not reach ${target.href}: ${cause?.code ?? cause?.message ?? (error as Error).message}.`,
      );
    }
    const answer = await response.text();
    io.stderr(`${target.href} answered ${response.status}${answer ? `: ${answer.slice(0, 500)}` : ''}`);
    return response.ok ? EXIT_CODES.ok : EXIT_CODES.findings;
  },
};
