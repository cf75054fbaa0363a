import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary, runCli } from './_bin.js';
import { type Receiver, startReceiver } from './_receiver.js';

const SECRET = 'exampleSecretKey/abc+123=';
const PRETTY = `{
  "eventType": "cip.paid",
  "operationNumber": "987654",
  "data": { "cip": "2401557", "currency": "PEN", "amount": 150.50, "transactionCode": "ORD-0001", "paymentDate": "2024-03-05T12:00:07-05:00" }
}
`;
const COMPACT =
  '{"eventType":"cip.paid","operationNumber":"987654","data":{"cip":"2401557","currency":"PEN","amount":150.5,"transactionCode":"ORD-0001","paymentDate":"2024-03-05T12:00:07-05:00"}}';

/** A URL on a port of 127.0.0.1 that was free a moment ago and is now closed. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hook`;
}

describe('sign-webhook (the binary)', () => {
  let dir: string;
  let receiver: Receiver;

  beforeAll(async () => {
    requireBinary();
    dir = await mkdtemp(path.join(tmpdir(), 'pek-sign-'));
    await writeFile(path.join(dir, 'body.json'), PRETTY);
    await writeFile(path.join(dir, 'secret.txt'), `${SECRET}\n`);
    receiver = await startReceiver(() => SECRET);
  });

  afterAll(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the headers and the compact body, signed like PagoEfectivo (protocol §5 vector)', async () => {
    const result = await runCli(['sign-webhook', 'body.json', '--secret-env', 'PE_SECRET'], {
      cwd: dir,
      env: { PE_SECRET: SECRET },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'content-type: application/json\n' +
        'pe-signature: 6ef202b861c049a326c9f4b6ef63c55f9a906f30448408605ae67876489aa663\n\n' +
        `${COMPACT}\n`,
    );
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('reads the secret from a file and prints JSON', async () => {
    const result = await runCli(['sign-webhook', 'body.json', '--secret-file', 'secret.txt', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const signed = JSON.parse(result.stdout) as { body: string; headers: Record<string, string> };
    expect(signed.body).toBe(COMPACT);
    expect(signed.headers['pe-signature']).toBe(createHmac('sha256', SECRET).update(COMPACT).digest('hex'));
  });

  it('sends the notification to a local endpoint that verifies it (exit 0)', async () => {
    const result = await runCli(['sign-webhook', 'body.json', '--secret-env', 'PE_SECRET', '--send', receiver.url], {
      cwd: dir,
      env: { PE_SECRET: SECRET },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('answered 200: ok');
    expect(receiver.received).toContain(COMPACT);
  });

  it('exits 1 when the endpoint refuses the notification (wrong secret)', async () => {
    const result = await runCli(['sign-webhook', 'body.json', '--secret-env', 'PE_SECRET', '--send', receiver.url], {
      cwd: dir,
      env: { PE_SECRET: 'another-secret' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/answered 401: .*does not match/);
  });

  it.each([
    [
      ['--secret-env', 'UNSET_VAR'],
      'environment variable UNSET_VAR (the PagoEfectivo secret key) is not set or empty.',
    ],
    [[], 'exactly one of --secret-env NAME or --secret-file PATH'],
    [['--secret-env', 'PE_SECRET', '--send', 'https://example.com/hook'], '--send only posts to localhost'],
  ])('exits 2 for %j', async (extra, message) => {
    const result = await runCli(['sign-webhook', 'body.json', ...extra], { cwd: dir, env: { PE_SECRET: SECRET } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('exits 3 when the endpoint cannot be reached or the body file is missing', async () => {
    const url = await closedPortUrl();
    const closed = await runCli(['sign-webhook', 'body.json', '--secret-env', 'PE_SECRET', '--send', url], {
      cwd: dir,
      env: { PE_SECRET: SECRET },
    });
    expect(closed.code).toBe(3);
    expect(closed.stderr).toContain(`could not reach ${url}: ECONNREFUSED`);
    const missing = await runCli(['sign-webhook', 'nope.json', '--secret-env', 'PE_SECRET'], {
      cwd: dir,
      env: { PE_SECRET: SECRET },
    });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('ENOENT');
  });
});
