/**
 * doctor against a good deployment (fake PagoEfectivo and a webhook over real HTTP on 127.0.0.1) and
 * against broken ones: each check's fail path.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/18
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { PAGOEFECTIVO_BASE_URLS } from '../../src/client/options.js';
import { createCashCodes } from '../../src/codes/index.js';
import { StorageError } from '../../src/errors.js';
import {
  type DoctorConfig,
  type DoctorReport,
  formatDoctorReport,
  readJobRun,
  recordJobRun,
  runDoctor,
} from '../../src/ops/index.js';
import { reconcileWithApi } from '../../src/reconcile/index.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { generateVoucherKeys } from '../../src/voucher/token.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { toNodeListener } from '../../src/webhooks/node.js';

const CREDS = { serviceId: '4821', accessKey: 'DOCTORACCESSKEY00001', secretKey: 'doctor/secret+key=0123456789abcdef' };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const check = (report: DoctorReport, id: string) => report.checks.find((item) => item.id === id);

describe('runDoctor', () => {
  let fake: FakePagoEfectivo;
  let baseUrl: string;
  let store: CashCodeStore;
  let servers: Server[];
  let webhookUrl: string;
  let failingUrl: string;
  let keysUrl: string;
  const voucher = generateVoucherKeys({ kid: 'v2026' });

  beforeAll(async () => {
    fake = createFakePagoEfectivo(CREDS);
    baseUrl = await fake.listen(0);
    store = memoryStore();
    const client = createPagoEfectivoClient({ ...CREDS, baseUrl });
    const codes = createCashCodes({ client, store });
    const handler = createWebhookHandler({ secretKey: CREDS.secretKey, codes, store });
    const hook = createServer(toNodeListener(handler));
    const failing = createServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const keys = createServer((_req, res) => res.end(`# voucher keys\n${voucher.kid}=${voucher.publicKey}\n`));
    servers = [hook, failing, keys];
    webhookUrl = `${await listen(hook)}/webhooks/pagoefectivo`;
    failingUrl = `${await listen(failing)}/webhooks/pagoefectivo`;
    keysUrl = `${await listen(keys)}/keys.txt`;
    // The service records its runs: the doctor reads them back.
    await codes.sweepExpired();
    await reconcileWithApi({ codes, client, store });
  });
  afterAll(async () => {
    await fake.close();
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  const good = (): DoctorConfig => ({
    environment: 'sandbox',
    credentials: { ...CREDS, baseUrl },
    store,
    webhookUrl,
    voucherKey: { kid: voucher.kid, secretKey: voucher.secretKey },
    voucherPublicKeysUrl: keysUrl,
    allowIps: ['127.0.0.1/32'],
    rateLimit: { limit: 20, windowMs: 60_000 },
  });

  it('passes a good sandbox deployment (warnings only for the memory store and plain HTTP on localhost)', async () => {
    const report = await runDoctor(good());
    const statuses = Object.fromEntries(report.checks.map((item) => [item.id, item.status]));
    expect(statuses).toEqual({
      credentials: 'ok',
      environment: 'skip',
      clock: 'ok',
      webhook_url: 'warn',
      webhook_answer: 'ok',
      store_durable: 'warn',
      store_reachable: 'ok',
      store_writable: 'ok',
      sweeper: 'ok',
      reconciliation: 'ok',
      expiry_policy: 'ok',
      voucher_key: 'ok',
      allow_list: 'ok',
      rate_limit: 'ok',
    });
    expect(report.ok).toBe(true);
    expect(check(report, 'webhook_answer')?.message).toContain('answered 200 (unknown_cip)');
    const text = formatDoctorReport(report);
    expect(text.split('\n')).toHaveLength(report.checks.length + 4); // two fix lines, title, verdict
    expect(text).toContain('Ready: no failures');
    expect(`${text}${JSON.stringify(report)}`).not.toContain(CREDS.secretKey);
    expect(`${text}${JSON.stringify(report)}`).not.toContain(voucher.secretKey);
  });

  it('credentials: a wrong secret fails', async () => {
    const report = await runDoctor({ ...good(), credentials: { ...CREDS, secretKey: 'wrong', baseUrl } });
    expect(check(report, 'credentials')).toMatchObject({ status: 'fail', message: expect.stringContaining('refused') });
    expect(report.ok).toBe(false);
  });

  it('environment: sandbox keys on production get a clear message', async () => {
    const production = createFakePagoEfectivo({ ...CREDS, accessKey: 'OTHERACCESSKEY000001' });
    const routed = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const url = String(input instanceof Request ? input.url : input);
      const target = url.startsWith(PAGOEFECTIVO_BASE_URLS.production)
        ? production.fetch
        : url.startsWith(PAGOEFECTIVO_BASE_URLS.sandbox)
          ? fake.fetch
          : globalThis.fetch;
      const local = url
        .replace(PAGOEFECTIVO_BASE_URLS.production, production.baseUrl)
        .replace(PAGOEFECTIVO_BASE_URLS.sandbox, fake.baseUrl);
      return target(local, init);
    };
    const report = await runDoctor({
      ...good(),
      environment: 'production',
      credentials: CREDS,
      fetch: routed,
      store: undefined,
    });
    expect(check(report, 'credentials')?.status).toBe('fail');
    expect(check(report, 'environment')).toMatchObject({
      status: 'fail',
      message: 'these are sandbox keys, but the deployment is configured for production',
    });
  });

  it('clock: a host clock 10 minutes off fails (the Date header of the API answer)', async () => {
    const report = await runDoctor({ ...good(), now: () => new Date(Date.now() + 600_000) });
    expect(check(report, 'clock')).toMatchObject({ status: 'fail', message: expect.stringContaining('ahead of') });
  });

  it('webhook: missing, not HTTPS in production, not resolving, answering 500, another secret', async () => {
    const missing = await runDoctor({ ...good(), webhookUrl: undefined });
    expect(check(missing, 'webhook_url')?.status).toBe('fail');
    const plain = await runDoctor({
      ...good(),
      environment: 'production',
      webhookUrl: 'http://shop.example.pe/hook',
      resolveHost: async () => ['203.0.113.9'],
    });
    expect(check(plain, 'webhook_url')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('not HTTPS'),
    });
    const nxdomain = await runDoctor({
      ...good(),
      webhookUrl: 'https://nowhere.example.pe/hook',
      resolveHost: async () => {
        throw new Error('getaddrinfo ENOTFOUND nowhere.example.pe');
      },
    });
    expect(check(nxdomain, 'webhook_url')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('does not resolve'),
    });
    expect(check(nxdomain, 'webhook_answer')?.status).toBe('skip');
    const broken = await runDoctor({ ...good(), webhookUrl: failingUrl });
    expect(check(broken, 'webhook_answer')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('answered 500'),
    });
    const otherSecret = await runDoctor({ ...good(), webhookSecretKey: 'a-different-secret' });
    expect(check(otherSecret, 'webhook_answer')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('refused the signature'),
    });
  });

  it('store: memory in production, unreachable, not migrated, no sweeper, old reconciliation', async () => {
    const production = await runDoctor({ ...good(), environment: 'production' });
    expect(check(production, 'store_durable')?.status).toBe('fail');
    const failing = (error: Error): CashCodeStore =>
      new Proxy(memoryStore(), {
        get: (target, name) =>
          name === 'name'
            ? 'postgres'
            : typeof Reflect.get(target, name) === 'function'
              ? () => Promise.reject(error)
              : Reflect.get(target, name),
      }) as CashCodeStore;
    const down = await runDoctor({
      ...good(),
      store: failing(new StorageError('connect ECONNREFUSED 127.0.0.1:5432')),
    });
    expect(check(down, 'store_reachable')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('unreachable'),
    });
    expect(check(down, 'sweeper')?.status).toBe('skip');
    const old = await runDoctor({
      ...good(),
      store: failing(new StorageError('tables missing', { details: { reason: 'schema_outdated' } })),
    });
    expect(check(old, 'store_reachable')).toMatchObject({ status: 'fail', fix: expect.stringContaining('migrate()') });
    const empty = memoryStore();
    await recordJobRun(empty, { job: 'reconcile', at: new Date(Date.now() - 30 * 3600_000), ok: true, counts: {} });
    const idle = await runDoctor({ ...good(), store: empty });
    expect(check(idle, 'sweeper')).toMatchObject({ status: 'fail', message: 'no run recorded in this store' });
    expect(check(idle, 'reconciliation')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('30 h ago'),
    });
  });

  it('policy, voucher key and guards: each fails when missing or wrong, and waivers are explicit', async () => {
    const report = await runDoctor({
      ...good(),
      policy: { defaultHours: 4 },
      voucherKey: undefined,
      allowIps: undefined,
      rateLimit: undefined,
    });
    for (const id of ['expiry_policy', 'voucher_key', 'allow_list', 'rate_limit'])
      expect(check(report, id)?.status, id).toBe('fail');
    const unpublished = await runDoctor({
      ...good(),
      voucherKey: { kid: 'v2027', secretKey: generateVoucherKeys().secretKey },
    });
    expect(check(unpublished, 'voucher_key')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('does not hold'),
    });
    const waived = await runDoctor({
      ...good(),
      allowIps: undefined,
      rateLimit: undefined,
      waive: ['allow_list', 'rate_limit'],
    });
    expect(check(waived, 'allow_list')).toMatchObject({ status: 'ok', message: 'waived' });
    expect(check(waived, 'rate_limit')).toMatchObject({ status: 'ok', message: 'waived' });
    // A waiver does not excuse a value that is given but wrong.
    const invalid = await runDoctor({
      ...good(),
      allowIps: ['not-an-ip'],
      rateLimit: { limit: 0, windowMs: 1.5 },
      waive: ['allow_list', 'rate_limit'],
    });
    expect(check(invalid, 'allow_list')).toMatchObject({ status: 'fail', fix: 'list IPs or CIDR ranges' });
    expect(check(invalid, 'rate_limit')).toMatchObject({ status: 'fail', fix: 'fix rateLimit' });
  });

  it('the sweep and reconciliation runs are recorded in the store as one value each', async () => {
    expect(await readJobRun(store, 'sweep')).toMatchObject({ job: 'sweep', ok: true, counts: { errors: 0 } });
    expect(await readJobRun(store, 'reconcile')).toMatchObject({ job: 'reconcile', ok: true });
  });
});
