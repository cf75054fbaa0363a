import { isStaffRole } from '../../console/roles.js';
import {
  addStaffAccount,
  disableStaffAccount,
  enableStaffAccount,
  listStaffAccounts,
  type StaffAccount,
} from '../../console/staff.js';
import { parseCommandArgs, stringOption } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { type CliIo, CliUsageError, EXIT_CODES } from '../_io.js';
import { openStore, STORE_HELP, STORE_OPTIONS, storeSpec } from '../_store.js';

const ADD_HELP = `Usage: pagoefectivo-kit staff add ID --role viewer|operator --store STORE
                              (--password-env NAME | --password-stdin) [--json]

Add a staff account of the support console (pagoefectivo-kit/console) to the store your app uses.
The password is never an argument (arguments end up in shell history and the process list): it comes
from the environment variable NAME, or from stdin (one line; e.g. from a password manager's CLI).
It must be 12-256 characters; it is stored only as a salted PBKDF2-SHA256 hash (600 000 iterations).

Roles: viewer (look up, verify vouchers, live status, bundles); operator (also cancel codes, resolve
payment reviews, re-send share links, read the audit log).

${STORE_HELP}

Options:
  --role ROLE          viewer or operator (required)
  --password-env NAME  read the password from environment variable NAME
  --password-stdin     read the password from stdin
  --json               print the account as JSON
  -h, --help           show this help

Exit codes: 0 added, 2 usage error, 3 runtime error (the id exists: staff_account_exists).`;

const CHANGE_HELP = (
  verb: 'disable' | 'enable',
): string => `Usage: pagoefectivo-kit staff ${verb} ID --store STORE [--json]

${verb === 'disable' ? 'Disable a staff account: it can no longer sign in, and its open sessions end at their next request.' : 'Enable a disabled staff account again (with its old password).'}

${STORE_HELP}

Options:
  --json       print the account as JSON
  -h, --help   show this help

Exit codes: 0 done, 2 usage error, 3 runtime error (unknown id: staff_account_not_found).`;

const LIST_HELP = `Usage: pagoefectivo-kit staff list --store STORE [--json]

List the support console's staff accounts (id, role, enabled or disabled, created). Never prints hashes.

${STORE_HELP}

Options:
  --json       print the accounts as a JSON array
  -h, --help   show this help`;

function line(account: StaffAccount): string {
  return `${account.id.padEnd(24)} ${account.role.padEnd(8)} ${account.disabled ? 'disabled' : 'enabled '} ${account.createdAt.toISOString()}`;
}

function asJson(account: StaffAccount): Record<string, unknown> {
  return { ...account, createdAt: account.createdAt.toISOString(), updatedAt: account.updatedAt.toISOString() };
}

async function readPassword(parsed: ReturnType<typeof parseCommandArgs>, io: CliIo): Promise<string> {
  const envName = stringOption(parsed, 'password-env');
  const fromStdin = parsed.values['password-stdin'] === true;
  if ((envName === undefined) === !fromStdin) {
    throw new CliUsageError('give the password with exactly one of --password-env NAME or --password-stdin.');
  }
  if (envName !== undefined) {
    const value = io.env[envName];
    if (value === undefined || value === '')
      throw new CliUsageError(`environment variable ${envName} is not set or empty.`);
    return value;
  }
  if (!io.readStdin) throw new CliUsageError('--password-stdin: there is no stdin to read.');
  const text = (await io.readStdin()).replace(/\r?\n$/, '');
  if (text === '') throw new CliUsageError('--password-stdin: stdin was empty.');
  return text;
}

/** `staff add ID`: a new staff account; the password from an env var or stdin. */
export const staffAddCommand: CliCommand = {
  help: ADD_HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      {
        ...STORE_OPTIONS,
        role: { type: 'string' },
        'password-env': { type: 'string' },
        'password-stdin': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 1, name: 'ID' },
    );
    if (parsed.values.help) {
      io.stdout(ADD_HELP);
      return EXIT_CODES.ok;
    }
    const role = stringOption(parsed, 'role');
    if (!isStaffRole(role)) throw new CliUsageError('--role must be viewer or operator.');
    const spec = storeSpec(parsed, io);
    const password = await readPassword(parsed, io);
    const opened = await openStore(spec, io);
    try {
      const account = await addStaffAccount(opened.store, {
        id: parsed.positionals[0] as string,
        role,
        password,
        by: 'cli',
      });
      io.stdout(parsed.values.json ? JSON.stringify(asJson(account)) : `added ${line(account)}`);
      return EXIT_CODES.ok;
    } finally {
      await opened.close();
    }
  },
};

function changeCommand(verb: 'disable' | 'enable'): CliCommand {
  const help = CHANGE_HELP(verb);
  return {
    help,
    async run(args, io) {
      const parsed = parseCommandArgs(
        args,
        { ...STORE_OPTIONS, json: { type: 'boolean' } },
        { min: 1, max: 1, name: 'ID' },
      );
      if (parsed.values.help) {
        io.stdout(help);
        return EXIT_CODES.ok;
      }
      const opened = await openStore(storeSpec(parsed, io), io);
      try {
        const change = verb === 'disable' ? disableStaffAccount : enableStaffAccount;
        const account = await change(opened.store, parsed.positionals[0] as string, { by: 'cli' });
        io.stdout(parsed.values.json ? JSON.stringify(asJson(account)) : `${verb}d ${line(account)}`);
        return EXIT_CODES.ok;
      } finally {
        await opened.close();
      }
    },
  };
}

/** `staff disable ID` */
export const staffDisableCommand: CliCommand = changeCommand('disable');
/** `staff enable ID` */
export const staffEnableCommand: CliCommand = changeCommand('enable');

/** `staff list` */
export const staffListCommand: CliCommand = {
  help: LIST_HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      { ...STORE_OPTIONS, json: { type: 'boolean' } },
      { min: 0, max: 0, name: '' },
    );
    if (parsed.values.help) {
      io.stdout(LIST_HELP);
      return EXIT_CODES.ok;
    }
    const opened = await openStore(storeSpec(parsed, io), io);
    try {
      const accounts = await listStaffAccounts(opened.store);
      if (parsed.values.json) io.stdout(JSON.stringify(accounts.map(asJson)));
      else io.stdout(accounts.length === 0 ? '(no staff accounts)' : accounts.map(line).join('\n'));
      return EXIT_CODES.ok;
    } finally {
      await opened.close();
    }
  },
};
