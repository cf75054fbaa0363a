import type { SweepSummary } from '../../codes/index.js';
import { createCashCodes } from '../../codes/index.js';
import { intOption, parseCommandArgs } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { EXIT_CODES, progress } from '../_io.js';
import { CLIENT_ENV, DLOCAL_ENV, providerFromEnv } from '../_secrets.js';
import { openStore, STORE_HELP, STORE_OPTIONS, storeSpec } from '../_store.js';

const HELP = `Usage: pagoefectivo-kit sweep --store STORE [--limit N] [--max-runs N] [--grace-ms N] [--json]

Expire pending codes past their expiry after confirming with PagoEfectivo, record payments whose
notification never arrived, release reservations of crashed workers, and purge expired keys (dedupe
markers, values, counters) from stores that keep them. Safe to run from several
workers at once (codes are leased). Runs batches until nothing is left (or --max-runs).

PagoEfectivo credentials come from the environment, never from arguments:
  ${CLIENT_ENV.serviceId}, ${CLIENT_ENV.accessKey},
  ${CLIENT_ENV.secretKey} (or ${CLIENT_ENV.secretKeyFile}, a file holding it),
  ${CLIENT_ENV.environment} = sandbox | production (required),
  ${CLIENT_ENV.baseUrl} (optional; e.g. the URL printed by "fake-server").
Through dLocal instead: ${DLOCAL_ENV.provider}=dlocal with ${DLOCAL_ENV.login}, ${DLOCAL_ENV.transKey},
  ${DLOCAL_ENV.secretKey} (or ${DLOCAL_ENV.secretKeyFile}), ${DLOCAL_ENV.environment} and optional ${DLOCAL_ENV.baseUrl}.

${STORE_HELP}

Options:
  --limit N      codes per batch, 1-1000 (default 100)
  --max-runs N   stop after N batches (default 1000)
  --grace-ms N   treat a CIP as possibly paid until N ms after its expiry, since PagoEfectivo reports
                 payments late (settlementGraceMs; default 600000 = 10 minutes, through dLocal
                 345600000 = 4 days: dLocal confirms cash payments 1-2 business days late)
  --json         print the totals as JSON
  -h, --help     show this help

Progress goes to stderr when it is a terminal. Exit codes: 0 done, 2 usage error, 3 runtime error (some codes could not
be checked: API or store failure; they are retried by the next sweep).`;

/** `sweep`: run the expiry sweeper until no expired pending code is left. */
export const sweepCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      {
        ...STORE_OPTIONS,
        limit: { type: 'string' },
        'max-runs': { type: 'string' },
        'grace-ms': { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 0, max: 0, name: '' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const spec = storeSpec(parsed, io);
    const limit = intOption(parsed, 'limit', 100, 1, 1000);
    const maxRuns = intOption(parsed, 'max-runs', 1000, 1, 1_000_000);
    const client = await providerFromEnv(io);
    const settlementGraceMs = intOption(parsed, 'grace-ms', client.settlementGraceMs ?? 600_000, 0, 7 * 24 * 3600_000);
    const opened = await openStore(spec, io);
    const total = {
      expired: 0,
      paid: 0,
      review: 0,
      skipped: 0,
      unconfirmed: 0,
      errors: 0,
      released: 0,
      purged: 0,
    };
    const changed: SweepSummary['changed'] = [];
    let pendingEvents: number | null = null;
    try {
      const codes = createCashCodes({ provider: client, store: opened.store, settlementGraceMs });
      for (let run = 1; run <= maxRuns; run += 1) {
        const summary = await codes.sweepExpired({ limit });
        for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += summary[key];
        changed.push(...summary.changed);
        pendingEvents = summary.events?.pending ?? pendingEvents;
        const touched =
          summary.expired +
          summary.paid +
          summary.review +
          summary.skipped +
          summary.unconfirmed +
          summary.errors +
          summary.released +
          summary.purged;
        progress(
          io,
          `  batch ${run}: ${summary.expired} expired, ${summary.paid} paid, ${summary.review} to review, ` +
            `${summary.skipped} skipped, ${summary.unconfirmed} unconfirmed, ${summary.errors} error(s), ${summary.released} released, ` +
            `${summary.purged} expired key(s) purged`,
        );
        if (touched === 0) break;
      }
    } finally {
      await opened.close();
    }
    if (parsed.values.json) io.stdout(JSON.stringify({ ...total, changed, pendingEvents }));
    else {
      io.stdout(
        `Sweep done: ${total.expired} expired, ${total.paid} payment(s) recovered, ${total.review} payment(s) to review ` +
          `(codes.resolve), ${total.skipped} left pending, ${total.unconfirmed} missing from the search answer, ` +
          `${total.errors} error(s), ${total.released} stale reservation(s) released, ${total.purged} expired key(s) purged.`,
      );
      for (const code of changed.filter((item) => item.status === 'review')) {
        io.stdout(`  review: code ${code.codeId} (order ${code.orderId}) has a payment that needs a decision`);
      }
    }
    return total.errors === 0 ? EXIT_CODES.ok : EXIT_CODES.runtime;
  },
};
