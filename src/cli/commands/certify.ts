import path from 'node:path';
import type { CertifyOptions } from '../../ops/certify/types.js';
import { intOption, parseCommandArgs, stringOption } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { CliUsageError, EXIT_CODES } from '../_io.js';
import { CLIENT_ENV, readSecret } from '../_secrets.js';
import { type OpenedStore, openStore, STORE_HELP, STORE_OPTIONS, storeSpec } from '../_store.js';

const HELP = `Usage: pagoefectivo-kit certify --environment fake|sandbox --out DIR [--lang es|en] [--json]

Run the integration scenarios a PagoEfectivo reviewer asks for and write the test report:
authenticate, create a CIP with every optional field, search it, extend its expiry, delete one,
receive and verify a payment notification, reject a forged, a duplicate and a wrong-amount one,
sweep an expired code. Writes DIR/certification-report.md and DIR/certification-report.pdf (Spanish
by default; --lang en for English) with each step, its requests and answers (secrets, tokens and
personal data redacted), timings, the SDK version and the result.

  --environment fake     offline, in seconds: a fake PagoEfectivo on 127.0.0.1 (no credentials)
  --environment sandbox  the PagoEfectivo sandbox; credentials from the environment
                         (${CLIENT_ENV.serviceId}, ${CLIENT_ENV.accessKey}, ${CLIENT_ENV.secretKey} or
                         ${CLIENT_ENV.secretKeyFile}). You pay the CIP in the sandbox while the command waits.

Options:
  --out DIR              where the report goes (created if missing)
  --lang es|en           report language (default es)
  --port N               port of the local webhook listener (default: any free port); PagoEfectivo must
                         reach it (a tunnel) unless --webhook-url is given
  --host HOST            address of the local listener (default 127.0.0.1)
  --webhook-url URL      use your own webhook endpoint instead; it must write to --store
  --timeout-ms N         how long to wait for the payment notification (default 600000; fake 10000)
  --json                 print the report as JSON on stdout
  -h, --help             show this help

${STORE_HELP}
  (default: a memory store, enough when certify serves the webhook itself)

Exit codes: 0 every step passed, 1 a step failed, 2 usage error, 3 runtime error.`;

/** `certify`: the sandbox certification run and its report. */
export const certifyCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      {
        ...STORE_OPTIONS,
        environment: { type: 'string' },
        out: { type: 'string' },
        lang: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'webhook-url': { type: 'string' },
        'timeout-ms': { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 0, max: 0, name: '' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const environment = stringOption(parsed, 'environment');
    if (environment !== 'fake' && environment !== 'sandbox') {
      throw new CliUsageError('--environment must be "fake" or "sandbox" (certification never runs on production).');
    }
    const out = stringOption(parsed, 'out');
    if (out === undefined) throw new CliUsageError('give --out DIR, where the report is written.');
    const lang = stringOption(parsed, 'lang') ?? 'es';
    if (lang !== 'es' && lang !== 'en') throw new CliUsageError('--lang must be "es" or "en".');
    const options: CertifyOptions = {
      environment,
      lang,
      port: intOption(parsed, 'port', 0, 0, 65_535),
      onProgress: (line) => io.stderr(line),
    };
    const host = stringOption(parsed, 'host');
    if (host !== undefined) options.host = host;
    const webhookUrl = stringOption(parsed, 'webhook-url');
    if (webhookUrl !== undefined) options.webhookUrl = webhookUrl;
    const timeout = stringOption(parsed, 'timeout-ms');
    if (timeout !== undefined) options.paymentTimeoutMs = intOption(parsed, 'timeout-ms', 0, 1000, 3_600_000);
    if (environment === 'sandbox') {
      if (io.env[CLIENT_ENV.environment]?.trim() === 'production') {
        throw new CliUsageError(`${CLIENT_ENV.environment}=production: certify runs on the sandbox only.`);
      }
      const secretFile = io.env[CLIENT_ENV.secretKeyFile];
      const secretKey = secretFile
        ? await readSecret({ file: secretFile }, io, 'PagoEfectivo secret key')
        : io.env[CLIENT_ENV.secretKey]?.trim();
      const serviceId = io.env[CLIENT_ENV.serviceId]?.trim();
      const accessKey = io.env[CLIENT_ENV.accessKey]?.trim();
      if (!serviceId || !accessKey || !secretKey) {
        throw new CliUsageError(
          `set the sandbox credentials in the environment: ${CLIENT_ENV.serviceId}, ${CLIENT_ENV.accessKey}, ${CLIENT_ENV.secretKey} (or ${CLIENT_ENV.secretKeyFile}).`,
        );
      }
      const baseUrl = io.env[CLIENT_ENV.baseUrl]?.trim();
      options.credentials = { serviceId, accessKey, secretKey, ...(baseUrl ? { baseUrl } : {}) };
    }
    if (
      webhookUrl !== undefined &&
      stringOption(parsed, 'store') === undefined &&
      stringOption(parsed, 'store-env') === undefined
    ) {
      throw new CliUsageError('--webhook-url needs the store your endpoint writes to (--store / --store-env).');
    }
    let opened: OpenedStore | null = null;
    if (stringOption(parsed, 'store') !== undefined || stringOption(parsed, 'store-env') !== undefined) {
      opened = await openStore(storeSpec(parsed, io), io);
      options.store = opened.store;
    }
    const { runCertify } = await import('../../ops/certify/run.js');
    const { writeCertificationReport } = await import('../../ops/certify/write.js');
    let report: Awaited<ReturnType<typeof runCertify>>;
    try {
      report = await runCertify(options);
    } finally {
      await opened?.close();
    }
    const files = await writeCertificationReport(report, path.resolve(io.cwd, out));
    if (parsed.values.json) io.stdout(JSON.stringify({ ...report, files }));
    else {
      for (const step of report.steps) io.stdout(`${step.status.padEnd(7)} ${step.id.padEnd(26)} ${step.message}`);
      io.stdout(`${report.passed ? 'Certification passed' : 'Certification FAILED'}: ${files.markdown}, ${files.pdf}`);
    }
    return report.passed ? EXIT_CODES.ok : EXIT_CODES.findings;
  },
};
