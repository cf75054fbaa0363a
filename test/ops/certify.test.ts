/**
 * certify end to end against the fake PagoEfectivo over real HTTP on 127.0.0.1, then with injected
 * faults: a wrong secret, a webhook endpoint that answers 500, a store that is down.
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/18
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../src/cli/index.js';
import { StorageError } from '../../src/errors.js';
import { type CertifyReport, renderCertificationMarkdown, runCertify } from '../../src/ops/index.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { memoryStore } from '../../src/storage/memory.js';

function testIo(cwd: string, env: Record<string, string> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env,
    cwd,
    untilStopped: () => new Promise(() => undefined),
  };
}

const step = (report: CertifyReport, id: string) => report.steps.find((item) => item.id === id);

describe('certify --environment fake (real HTTP on 127.0.0.1)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pek-certify-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs every scenario, passes, and writes the Spanish Markdown and PDF report', async () => {
    const io = testIo(dir);
    const code = await runCli(['certify', '--environment', 'fake', '--out', 'report', '--json'], io);
    expect(io.err.filter((line) => line.startsWith('error'))).toEqual([]);
    expect(code).toBe(0);
    const report = JSON.parse(io.out.join('')) as CertifyReport & { files: { markdown: string; pdf: string } };
    expect(report.passed).toBe(true);
    expect(report.steps.map((item) => [item.id, item.status])).toEqual([
      ['store', 'passed'],
      ['authenticate', 'passed'],
      ['create_cip', 'passed'],
      ['search_cip', 'passed'],
      ['extend_expiry', 'passed'],
      ['delete_cip', 'passed'],
      ['payment_notification', 'passed'],
      ['forged_notification', 'passed'],
      ['duplicate_notification', 'passed'],
      ['wrong_amount_notification', 'passed'],
      ['sweep_expired', 'passed'],
    ]);
    const markdown = await readFile(path.join(dir, 'report', 'certification-report.md'), 'utf8');
    expect(markdown).toContain('# Informe de pruebas de integración con PagoEfectivo');
    expect(markdown).toContain('APROBADO: todos los pasos pasaron');
    expect(markdown).toContain('POST /v1/cips');
    // Secrets, tokens and personal data are redacted; requests are still shown.
    expect(markdown).toContain('"hashString":"[redacted]"');
    expect(markdown).not.toMatch(/comprador\.prueba|Ñúñez|44556677|987654321|eyJ[A-Za-z0-9_-]{10,}/);
    expect(markdown).not.toMatch(/"accessKey":"(?!\[redacted\])/);
    const pdf = await readFile(path.join(dir, 'report', 'certification-report.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(2000);
  }, 60_000);

  it('writes the report in English with --lang en', async () => {
    const io = testIo(dir);
    expect(await runCli(['certify', '--environment', 'fake', '--out', 'en', '--lang', 'en'], io)).toBe(0);
    const markdown = await readFile(path.join(dir, 'en', 'certification-report.md'), 'utf8');
    expect(markdown).toContain('# PagoEfectivo integration test report');
    expect(markdown).toContain('PASSED: every step passed');
    expect(io.out.at(-1)).toMatch(/^Certification passed/);
  }, 60_000);

  it('refuses bad usage: no --out, an unknown environment, production', async () => {
    expect(await runCli(['certify', '--environment', 'fake'], testIo(dir))).toBe(2);
    expect(await runCli(['certify', '--environment', 'production', '--out', 'x'], testIo(dir))).toBe(2);
    const io = testIo(dir, { PAGOEFECTIVO_ENVIRONMENT: 'production' });
    expect(await runCli(['certify', '--environment', 'sandbox', '--out', 'x'], io)).toBe(2);
    expect(io.err.join('\n')).toContain('sandbox only');
  });

  it('sandbox without credentials is a usage error that names the variables', async () => {
    const io = testIo(dir);
    expect(await runCli(['certify', '--environment', 'sandbox', '--out', 'x'], io)).toBe(2);
    expect(io.err.join('\n')).toContain('PAGOEFECTIVO_ACCESS_KEY');
  });
});

describe('certify with injected faults', () => {
  let server: Server;
  let failingUrl: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.statusCode = 500;
      res.end('{"error":"boom"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    failingUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/pagoefectivo`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('a wrong secret: authentication fails with auth_failed and the steps that need it are skipped', async () => {
    const report = await runCertify({ environment: 'fake', credentials: { secretKey: 'not-the-secret-key-at-all' } });
    expect(report.passed).toBe(false);
    expect(step(report, 'store')?.status).toBe('passed');
    expect(step(report, 'authenticate')).toMatchObject({ status: 'failed' });
    expect(step(report, 'authenticate')?.message).toMatch(/^\[auth_failed\]/);
    expect(step(report, 'create_cip')).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining('authenticate'),
    });
    const markdown = renderCertificationMarkdown(report);
    expect(markdown).toContain('FALLIDO: al menos un paso no pasó');
    expect(markdown).toContain('### 2. Autenticación — FALLIDO');
    expect(markdown).not.toContain('not-the-secret-key-at-all');
  }, 30_000);

  it('a webhook endpoint answering 500: the payment, forged and wrong-amount steps fail saying so', async () => {
    const report = await runCertify({
      environment: 'fake',
      webhookUrl: failingUrl,
      store: memoryStore(),
      paymentTimeoutMs: 1000,
      lang: 'en',
    });
    expect(report.passed).toBe(false);
    expect(step(report, 'payment_notification')).toMatchObject({ status: 'failed' });
    // The fake retries once, like PagoEfectivo: both attempts are reported.
    expect(step(report, 'payment_notification')?.message).toContain('the webhook answered: 500, 500');
    expect(step(report, 'forged_notification')?.message).toContain('answered 500 (expected 401)');
    expect(step(report, 'duplicate_notification')?.status).toBe('skipped');
    expect(step(report, 'wrong_amount_notification')).toMatchObject({ status: 'failed' });
    expect(step(report, 'wrong_amount_notification')?.message).toContain('was answered 500');
    expect(step(report, 'sweep_expired')?.status).toBe('passed');
    expect(renderCertificationMarkdown(report)).toContain('FAILED: at least one step did not pass');
  }, 30_000);

  it('a store that is down: the store step fails with storage_error, nothing is created', async () => {
    const down = new Proxy(memoryStore(), {
      get(target, name) {
        const value = Reflect.get(target, name);
        if (typeof value !== 'function') return value;
        return () => Promise.reject(new StorageError('Store operation failed: connect ECONNREFUSED 127.0.0.1:5432'));
      },
    }) as CashCodeStore;
    const report = await runCertify({ environment: 'fake', store: down });
    expect(report.passed).toBe(false);
    expect(step(report, 'store')).toMatchObject({ status: 'failed' });
    expect(step(report, 'store')?.message).toMatch(/^\[storage_error\].*ECONNREFUSED/);
    expect(step(report, 'authenticate')?.status).toBe('passed');
    for (const id of ['create_cip', 'delete_cip', 'wrong_amount_notification', 'sweep_expired']) {
      expect(step(report, id)?.status, id).toBe('skipped');
    }
    expect(renderCertificationMarkdown(report)).toContain('### 1. Almacén de códigos disponible — FALLIDO');
  }, 30_000);
});
