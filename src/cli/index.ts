#!/usr/bin/env node
/**
 * The `pagoefectivo-kit` command line, for operators and support staff: voucher keys and voucher
 * verification, webhook test signing, reconciliation, the expiry sweeper, support lookups and bundles,
 * and a local fake PagoEfectivo. Secrets are read from environment variables or files, never from arguments.
 *
 * Exit codes: 0 ok, 1 findings or verification failed, 2 usage error, 3 runtime error.
 *
 * @module cli
 */
import type { CliCommandEntry } from './_command.js';
import { type CliIo, CliUsageError, EXIT_CODES, processIo, reportFailure } from './_io.js';
import { startedAsCli } from './_main.js';
import { CLI_VERSION } from './_version.js';

export type { CliCommand, CliCommandEntry } from './_command.js';
export { type CliIo, CliRuntimeError, CliUsageError, EXIT_CODES, processIo } from './_io.js';
export { CLI_VERSION } from './_version.js';

/** Every command, in help order. Each module is imported only when its command runs. */
export function cliCommands(): readonly CliCommandEntry[] {
  return [
    {
      name: 'keys generate',
      summary: 'generate a voucher signing key pair (secret key to a 0600 file)',
      load: async () => (await import('./commands/keys.js')).keysGenerateCommand,
    },
    {
      name: 'verify-voucher',
      summary: 'check that a voucher PDF or token is genuine',
      load: async () => (await import('./commands/verify-voucher.js')).verifyVoucherCommand,
    },
    {
      name: 'sign-webhook',
      summary: 'sign a test notification for your own webhook endpoint (optionally send it)',
      load: async () => (await import('./commands/sign-webhook.js')).signWebhookCommand,
    },
    {
      name: 'reconcile',
      summary: 'compare the store with a settlement file or the search API (--api)',
      load: async () => (await import('./commands/reconcile.js')).reconcileCommand,
    },
    {
      name: 'sweep',
      summary: 'expire overdue codes after confirming with PagoEfectivo (recovers missed payments)',
      load: async () => (await import('./commands/sweep.js')).sweepCommand,
    },
    {
      name: 'status',
      summary: "look a code up (CIP, order id, e-mail, code id) and compare it with PagoEfectivo's live status",
      load: async () => (await import('./commands/status.js')).statusCommand,
    },
    {
      name: 'support-bundle',
      summary: "write a code's redacted support bundle (API calls, notifications, log) for PagoEfectivo support",
      load: async () => (await import('./commands/support-bundle.js')).supportBundleCommand,
    },
    {
      name: 'doctor',
      summary: 'check a deployment: credentials, clock, webhook, store, sweeper, reconciliation, keys, guards',
      load: async () => (await import('./commands/doctor.js')).doctorCommand,
    },
    {
      name: 'certify',
      summary: 'run the sandbox (or fake) certification scenarios and write the Markdown + PDF report',
      load: async () => (await import('./commands/certify.js')).certifyCommand,
    },
    {
      name: 'staff add',
      summary: 'add a support console staff account (password from an env var or stdin)',
      load: async () => (await import('./commands/staff.js')).staffAddCommand,
    },
    {
      name: 'staff disable',
      summary: 'disable a staff account (its sessions end at their next request)',
      load: async () => (await import('./commands/staff.js')).staffDisableCommand,
    },
    {
      name: 'staff enable',
      summary: 'enable a disabled staff account again',
      load: async () => (await import('./commands/staff.js')).staffEnableCommand,
    },
    {
      name: 'staff list',
      summary: 'list the support console staff accounts',
      load: async () => (await import('./commands/staff.js')).staffListCommand,
    },
    {
      name: 'fake-server',
      summary: 'run a local fake PagoEfectivo API for development (Ctrl-C stops it)',
      load: async () => (await import('./commands/fake-server.js')).fakeServerCommand,
    },
  ];
}

function overview(): string {
  const lines = cliCommands().map((command) => `  ${command.name.padEnd(16)} ${command.summary}`);
  return [
    'Usage: pagoefectivo-kit <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run "pagoefectivo-kit <command> --help" for the options of a command; --version prints the version.',
    'Every command takes --json (results as JSON on stdout, errors as JSON on stderr).',
    'Secrets come from environment variables or files, never from arguments.',
    'Exit codes: 0 ok, 1 findings / verification failed, 2 usage error, 3 runtime error.',
  ].join('\n');
}

/**
 * Run the command line with `argv` (the arguments after the program name) and resolve to the exit
 * code. Never throws: failures are printed on `io.stderr` and mapped to exit codes.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [first, second] = argv;
  const json = argv.includes('--json');
  if (first === undefined) {
    io.stderr(overview());
    return reportFailure(new CliUsageError('missing command.'), io, json);
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(overview());
    return EXIT_CODES.ok;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(json ? JSON.stringify({ version: CLI_VERSION }) : CLI_VERSION);
    return EXIT_CODES.ok;
  }
  const command = cliCommands().find((candidate) => {
    const words = candidate.name.split(' ');
    return words.length === 1 ? words[0] === first : words[0] === first && words[1] === second;
  });
  try {
    if (!command) {
      const group = cliCommands().find((candidate) => candidate.name.startsWith(`${first} `));
      // An unknown word is not repeated: it may be a secret pasted where the command belongs.
      throw new CliUsageError(
        group
          ? `"${group.name.split(' ')[0]}" needs a subcommand: ${group.name}.`
          : `unknown command (not shown, in case it is a secret). Commands: ${cliCommands()
              .map((entry) => entry.name)
              .join(', ')}.`,
      );
    }
    return await (await command.load()).run(argv.slice(command.name.split(' ').length), io);
  } catch (error) {
    return reportFailure(error, io, json);
  }
}

if (startedAsCli()) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
