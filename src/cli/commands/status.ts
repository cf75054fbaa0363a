import type { CashCodeProvider } from '../../model/provider.js';
import { formatStatusComparison } from '../../support/format-status.js';
import { compareLiveStatus, type LiveStatusComparison } from '../../support/live-status.js';
import { redactValue } from '../../support/redact.js';
import { intOption, parseCommandArgs } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { EXIT_CODES } from '../_io.js';
import { findCodes, kindOption, shownValue } from '../_lookup.js';
import { CLIENT_ENV, DLOCAL_ENV, providerFromEnv } from '../_secrets.js';
import { openStore, STORE_HELP, STORE_OPTIONS, storeSpec } from '../_store.js';

const HELP = `Usage: pagoefectivo-kit status <cip|orderId|email|code id> --store STORE [--kind K] [--limit N] [--json]

Look a code up in the store and compare it with PagoEfectivo's live status (its search API), side by
side, differences marked. Read-only: nothing is changed (the sweeper and the webhook record payments).

The value is looked up by its shape: 6-20 digits as a CIP and then as an order id, an e-mail as the
buyer's e-mail (a bounded scan of recent codes), anything else as an order id and then as a code id
(the transactionCode sent to PagoEfectivo). --kind cip|orderId|email|transactionCode forces one.

PagoEfectivo credentials come from the environment, never from arguments:
  ${CLIENT_ENV.serviceId}, ${CLIENT_ENV.accessKey},
  ${CLIENT_ENV.secretKey} (or ${CLIENT_ENV.secretKeyFile}), ${CLIENT_ENV.environment} = sandbox | production,
  ${CLIENT_ENV.baseUrl} (optional). Through dLocal: ${DLOCAL_ENV.provider}=dlocal and the DLOCAL_* variables.

${STORE_HELP}

Options:
  --kind K        cip, orderId, email or transactionCode (default: guessed from the value)
  --limit N       compare at most N matching codes, newest first (1-20, default 5)
  --scan-limit N  an e-mail lookup reads at most N code records (default 5000)
  --json          print { query, matchedBy, truncated, comparisons } as JSON (payer data masked)
  -h, --help      show this help

Exit codes: 0 in sync, 1 differences (or not found at PagoEfectivo, or no code matches), 2 usage error,
3 PagoEfectivo (or the store) could not be asked.`;

/** The exit code of a set of comparisons: unavailable provider beats differences beats in sync. */
function exitCode(comparisons: readonly LiveStatusComparison[]): number {
  if (comparisons.some((item) => item.reason === 'provider_error')) return EXIT_CODES.runtime;
  if (comparisons.some((item) => item.verdict === 'differs' || item.verdict === 'not_found_at_provider')) {
    return EXIT_CODES.findings;
  }
  return EXIT_CODES.ok;
}

/** `status`: the live side-by-side view of a code, for support staff in a terminal. */
export const statusCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      {
        ...STORE_OPTIONS,
        kind: { type: 'string' },
        limit: { type: 'string' },
        'scan-limit': { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 1, name: 'the CIP, order id, e-mail or code id to look up' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const value = parsed.positionals[0] as string;
    const kind = kindOption(parsed);
    const limit = intOption(parsed, 'limit', 5, 1, 20);
    const scanLimit = intOption(parsed, 'scan-limit', 5000, 1, 100_000);
    const spec = storeSpec(parsed, io);
    const provider: CashCodeProvider = await providerFromEnv(io);
    const opened = await openStore(spec, io);
    let comparisons: LiveStatusComparison[];
    let found: Awaited<ReturnType<typeof findCodes>>;
    try {
      found = await findCodes(opened.store, value, kind, { limit, scanLimit });
      comparisons = [];
      // One at a time: a support lookup must not burst the API.
      for (const code of found.codes) comparisons.push(await compareLiveStatus(code, provider));
    } finally {
      await opened.close();
    }
    const json = parsed.values.json === true;
    if (found.codes.length === 0) {
      const message = `No code matches ${shownValue(value)} (looked up as ${kind ?? 'cip, orderId, email or transactionCode, by its shape'})${found.truncated ? '; the e-mail scan stopped at --scan-limit before the end' : ''}.`;
      if (json)
        io.stdout(
          JSON.stringify({ query: { kind: kind ?? null }, matchedBy: [], truncated: found.truncated, comparisons: [] }),
        );
      io.stderr(message);
      return EXIT_CODES.findings;
    }
    if (json) {
      io.stdout(
        JSON.stringify({
          query: { kind: kind ?? null },
          matchedBy: found.matchedBy,
          truncated: found.truncated,
          // Staff tooling output may end up in tickets: the code's payer data is masked.
          comparisons: comparisons.map((item) => redactValue(item)),
        }),
      );
    } else {
      const color = io.stderrIsTTY === true && io.env.NO_COLOR === undefined;
      io.stdout(comparisons.map((item) => formatStatusComparison(item, { color })).join('\n\n'));
      if (found.codes.length > 1) {
        io.stderr(`${found.codes.length} codes match (by ${found.matchedBy.join(', ')}), newest first.`);
      }
      if (found.truncated) io.stderr('The e-mail scan stopped at --scan-limit: older codes were not read.');
    }
    return exitCode(comparisons);
  },
};
