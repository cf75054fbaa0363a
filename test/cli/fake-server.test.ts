import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { type RunningCli, requireBinary, startCli } from './_bin.js';
import { type Receiver, startReceiver } from './_receiver.js';

function envOf(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

describe('fake-server (the binary)', () => {
  let receiver: Receiver;
  let running: RunningCli;
  let env: Record<string, string>;

  beforeAll(async () => {
    requireBinary();
    receiver = await startReceiver(() => env.PAGOEFECTIVO_SECRET_KEY ?? '');
    running = await startCli(['fake-server', '--webhook-url', receiver.url], /PAGOEFECTIVO_SECRET_KEY=\S+\n/);
    env = envOf(running.stdout());
  });

  afterAll(async () => {
    await receiver.close();
    if (running.child.exitCode === null) await running.stop('SIGKILL');
  });

  it('prints throw-away credentials and a loopback base URL as environment variables', () => {
    expect(Object.keys(env)).toEqual([
      'PAGOEFECTIVO_BASE_URL',
      'PAGOEFECTIVO_ENVIRONMENT',
      'PAGOEFECTIVO_SERVICE_ID',
      'PAGOEFECTIVO_ACCESS_KEY',
      'PAGOEFECTIVO_SECRET_KEY',
    ]);
    expect(env.PAGOEFECTIVO_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/$/);
    expect(env.PAGOEFECTIVO_ENVIRONMENT).toBe('sandbox');
  });

  it('serves the API to the real client, pays through the control route and delivers a signed notification', async () => {
    const client = createPagoEfectivoClient({
      serviceId: env.PAGOEFECTIVO_SERVICE_ID as string,
      accessKey: env.PAGOEFECTIVO_ACCESS_KEY as string,
      secretKey: env.PAGOEFECTIVO_SECRET_KEY as string,
      baseUrl: env.PAGOEFECTIVO_BASE_URL as string,
    });
    const created = await client.createCip({
      currency: 'PEN',
      amount: '150.50',
      transactionCode: 'code-1',
      userEmail: 'buyer@example.com',
      dateExpiry: new Date(Date.now() + 3600_000),
    });
    expect((await client.searchCips([created.cip]))[0]?.state).toBe('pending');
    const origin = new URL(env.PAGOEFECTIVO_BASE_URL as string).origin;
    const paid = await fetch(`${origin}/__fake/cips/${created.cip}/pay`, { method: 'POST' });
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ delivered: true, cip: created.cip, attempts: [{ status: 200 }] });
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0] as string)).toMatchObject({
      eventType: 'cip.paid',
      data: { cip: created.cip, amount: 150.5 },
    });
    expect((await client.searchCips([created.cip]))[0]?.state).toBe('paid');
    const again = await fetch(`${origin}/__fake/cips/${created.cip}/pay`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: expect.stringContaining('only pending CIPs can be paid') });
  });

  it('stops cleanly on Ctrl-C (exit 0)', async () => {
    const result = await running.stop('SIGINT');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Stopped (SIGINT).');
  });
});

describe('fake-server --json (the binary)', () => {
  it('prints the same variables as one JSON object and stops with exit 0', async () => {
    requireBinary();
    const running = await startCli(['fake-server', '--json'], /\}\n/);
    const variables = JSON.parse(running.stdout()) as Record<string, string>;
    expect(Object.keys(variables)).toEqual([
      'PAGOEFECTIVO_BASE_URL',
      'PAGOEFECTIVO_ENVIRONMENT',
      'PAGOEFECTIVO_SERVICE_ID',
      'PAGOEFECTIVO_ACCESS_KEY',
      'PAGOEFECTIVO_SECRET_KEY',
    ]);
    const answer = await fetch(new URL('../__fake/cips/1/', variables.PAGOEFECTIVO_BASE_URL));
    expect(answer.status).toBe(404);
    expect((await running.stop('SIGTERM')).code).toBe(0);
  });
});
