import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isPagoEfectivoKitError } from '../../errors.js';
import { createFakePagoEfectivo, type FakePagoEfectivo, type FakePayOptions } from '../../testing/index.js';
import { intOption, parseCommandArgs, stringOption } from '../_args.js';
import type { CliCommand } from '../_command.js';
import { CliUsageError, EXIT_CODES } from '../_io.js';

const HELP = `Usage: pagoefectivo-kit fake-server [--port N] [--webhook-url URL] [--json]

Run a local fake PagoEfectivo API for development (same paths, envelopes and auth check as the
real one) on 127.0.0.1. Prints fresh throw-away credentials as environment variables; point your
app (or "sweep" / "reconcile --api") at it with them. Ctrl-C stops it.

Test controls (POST, loopback only):
  /__fake/cips/<cip>/pay      pay a CIP; optional JSON body {"amount","currency","operationNumber"};
                              the signed cip.paid notification goes to --webhook-url
  /__fake/cips/<cip>/expire   expire a CIP
  GET /__fake/cips/<cip>      the fake's record of a CIP

Options:
  --port N           port to listen on (default 0: a free port)
  --webhook-url URL  where paid notifications are delivered (your webhook endpoint)
  --json             print the credentials as one JSON object of the same NAME: value pairs
  -h, --help         show this help

Exit codes: 0 stopped with Ctrl-C / SIGTERM, 2 usage error, 3 could not listen.`;

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

function toRequest(req: IncomingMessage, body: string, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && body !== '';
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method ?? 'GET',
    headers,
    body: hasBody ? body : undefined,
  });
}

async function control(fake: FakePagoEfectivo, method: string, path: string, body: string): Promise<Response | null> {
  const match = /^\/__fake\/cips\/(\d{1,14})(?:\/(pay|expire))?$/.exec(path);
  if (!match) return null;
  const [, cip = '', action] = match;
  try {
    if (action === undefined && method === 'GET')
      return Response.json(fake.getCip(cip) ?? null, { status: fake.getCip(cip) ? 200 : 404 });
    if (action === 'expire' && method === 'POST') {
      fake.expire(cip);
      return Response.json(fake.getCip(cip));
    }
    if (action === 'pay' && method === 'POST') {
      const options = (body.trim() === '' ? {} : JSON.parse(body)) as Pick<
        FakePayOptions,
        'amount' | 'currency' | 'operationNumber'
      >;
      const { amount, currency, operationNumber } = options;
      return Response.json(await fake.pay(cip, { amount, currency, operationNumber }));
    }
    return Response.json({ error: 'method not allowed' }, { status: 405 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return Response.json(
      { error: message },
      { status: isPagoEfectivoKitError(error) || error instanceof SyntaxError ? 409 : 500 },
    );
  }
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(new Uint8Array(await response.arrayBuffer()));
}

/** `fake-server`: a local fake PagoEfectivo with throw-away credentials and test controls. */
export const fakeServerCommand: CliCommand = {
  help: HELP,
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      { port: { type: 'string' }, 'webhook-url': { type: 'string' }, json: { type: 'boolean' } },
      { min: 0, max: 0, name: '' },
    );
    if (parsed.values.help) {
      io.stdout(HELP);
      return EXIT_CODES.ok;
    }
    const port = intOption(parsed, 'port', 0, 0, 65535);
    const webhookUrl = stringOption(parsed, 'webhook-url');
    if (webhookUrl !== undefined && !URL.canParse(webhookUrl))
      throw new CliUsageError('--webhook-url must be an absolute URL.');
    const credentials = {
      serviceId: String(randomInt(1000, 10000)),
      accessKey: randomBytes(12).toString('base64url'),
      secretKey: randomBytes(24).toString('base64url'),
    };
    const fake = createFakePagoEfectivo({ ...credentials, ...(webhookUrl ? { webhook: { url: webhookUrl } } : {}) });
    let origin = '';
    const server = createServer((req, res) => {
      readBody(req)
        .then(async (body) => {
          const path = new URL(req.url ?? '/', origin).pathname;
          return (await control(fake, req.method ?? 'GET', path, body)) ?? fake.handle(toRequest(req, body, origin));
        })
        .then((response) => send(res, response))
        .catch((error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`fake PagoEfectivo failed: ${error instanceof Error ? error.message : String(error)}`);
        });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
    const variables = {
      PAGOEFECTIVO_BASE_URL: `${origin}/v1/`,
      PAGOEFECTIVO_ENVIRONMENT: 'sandbox',
      PAGOEFECTIVO_SERVICE_ID: credentials.serviceId,
      PAGOEFECTIVO_ACCESS_KEY: credentials.accessKey,
      PAGOEFECTIVO_SECRET_KEY: credentials.secretKey,
    };
    if (parsed.values.json) io.stdout(JSON.stringify(variables));
    else
      io.stdout(
        Object.entries(variables)
          .map(([name, value]) => `${name}=${value}`)
          .join('\n'),
      );
    io.stderr(
      `Fake PagoEfectivo listening on ${origin}/v1/ (throw-away credentials above).\n` +
        `Pay a CIP: curl -X POST ${origin}/__fake/cips/<cip>/pay${webhookUrl ? ` (notifies ${webhookUrl})` : ''}\n` +
        'Press Ctrl-C to stop.',
    );
    const signal = await io.untilStopped();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    io.stderr(`Stopped (${signal}).`);
    return EXIT_CODES.ok;
  },
};
