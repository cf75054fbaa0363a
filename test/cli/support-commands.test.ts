import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { createCashCodes } from '../../src/codes/index.js';
import { sqliteStore } from '../../src/storage/adapters/sqlite.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { requireBinary, runCli } from './_bin.js';

const CREDENTIALS = { serviceId: '4321', accessKey: 'cli-access-key', secretKey: 'cli-secret-key-of-the-fake' };
const PAYER = { email: 'rosa.huaman@example.pe', firstName: 'Rosa', lastName: 'Huamanchumo', phone: '987650021' };

/**
 * `status` and `support-bundle` run as the binary against a SQLite store and a fake PagoEfectivo
 * served over HTTP: one code in sync, one paid at PagoEfectivo whose notification was lost.
 */
describe('status and support-bundle (the binary)', () => {
  let dir: string;
  let fake: FakePagoEfectivo;
  let env: Record<string, string>;
  let store: string;
  const cips: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    requireBinary();
    dir = await mkdtemp(path.join(tmpdir(), 'pek-support-'));
    store = `sqlite:${path.join(dir, 'shop.db')}`;
    fake = createFakePagoEfectivo(CREDENTIALS);
    const baseUrl = await fake.listen();
    env = {
      PAGOEFECTIVO_SERVICE_ID: CREDENTIALS.serviceId,
      PAGOEFECTIVO_ACCESS_KEY: CREDENTIALS.accessKey,
      PAGOEFECTIVO_SECRET_KEY: CREDENTIALS.secretKey,
      PAGOEFECTIVO_ENVIRONMENT: 'sandbox',
      PAGOEFECTIVO_BASE_URL: baseUrl,
    };
    const db = new Database(path.join(dir, 'shop.db'));
    try {
      const codes = createCashCodes({
        client: createPagoEfectivoClient({ ...CREDENTIALS, baseUrl }),
        store: sqliteStore(db),
      });
      for (const name of ['synced', 'missed']) {
        const { code } = await codes.issue({ orderId: `ORD-${name}`, amount: '80.00', currency: 'PEN', payer: PAYER });
        cips[name] = code.cip as string;
        ids[name] = code.id;
      }
      await fake.pay(cips.missed as string, { notify: false });
    } finally {
      db.close();
    }
  });

  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('status prints the side-by-side view and exits 0 when in sync', async () => {
    const result = await runCli(['status', cips.synced as string, '--store', store], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`IN SYNC: PagoEfectivo and our record agree: CIP ${cips.synced} is pending.`);
    expect(result.stdout).toMatch(/ {2}status\s+pending\s+pending/);
    expect(result.stdout).not.toContain('≠');
  });

  it('status exits 1 and marks the differences when PagoEfectivo reports a payment we missed', async () => {
    const result = await runCli(['status', 'ORD-missed', '--store', store], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('DIFFERS: PagoEfectivo reports this CIP paid; our record is still pending.');
    expect(result.stdout).toMatch(/≠ status\s+pending\s+paid/);
    const json = await runCli(['status', ids.missed as string, '--store', store, '--json'], { env });
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ matchedBy: ['transactionCode'], truncated: false });
    expect(parsed.comparisons[0]).toMatchObject({ verdict: 'differs', differences: 2, code: { cip: cips.missed } });
    // The JSON carries the code, with the payer masked.
    expect(json.stdout).not.toMatch(/rosa\.huaman|Huamanchumo|987650021/);
    expect(parsed.comparisons[0].code.payer.email).toBe('r***@example.pe');
  });

  it('status finds codes by e-mail and answers an unknown value with a clear message and exit 1', async () => {
    const byEmail = await runCli(['status', 'ROSA.HUAMAN@example.pe', '--store', store, '--json'], { env });
    expect(JSON.parse(byEmail.stdout).comparisons).toHaveLength(2);
    const unknown = await runCli(['status', 'ORD-nobody', '--store', store], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No code matches "ORD-nobody"');
    const bad = await runCli(['status', 'two words', '--store', store], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error [cli_usage]');
  });

  it('status exits 3 when PagoEfectivo cannot be asked', async () => {
    const down = { ...env, PAGOEFECTIVO_BASE_URL: 'http://127.0.0.1:9/v1/' };
    const result = await runCli(['status', cips.synced as string, '--store', store], { env: down });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('PAGOEFECTIVO UNAVAILABLE');
    expect(result.stdout + result.stderr).not.toContain(CREDENTIALS.secretKey);
  });

  it('support-bundle writes the redacted bundle (mode 0600) and prints its path', async () => {
    const result = await runCli(['support-bundle', cips.synced as string, '--store', store], { env: {}, cwd: dir });
    expect(result.code).toBe(0);
    const file = result.stdout.trim();
    expect(file).toBe(path.join(dir, `support-bundle-${cips.synced}.json`));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    const bundle = JSON.parse(text);
    expect(bundle.code).toMatchObject({ cip: cips.synced, orderId: 'ORD-synced', transactionCode: ids.synced });
    expect(bundle.apiCalls[0]).toMatchObject({ operation: 'createCip', httpStatus: 201, providerCode: '100' });
    expect(bundle.apiCalls[0].requestId).toMatch(/\S/);
    expect(text).not.toMatch(/rosa\.huaman|Rosa|Huamanchumo|987650021|cli-secret-key|cli-access-key/);
    // Never over an existing file without --force.
    const again = await runCli(['support-bundle', cips.synced as string, '--store', store], { env: {}, cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists; pass --force');
    const out = path.join(dir, 'chosen.json');
    await writeFile(out, 'old');
    const forced = await runCli(['support-bundle', 'ORD-missed', '--store', store, '--out', out, '--force', '--json'], {
      env: {},
    });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({
      path: out,
      codeId: ids.missed,
      orderId: 'ORD-missed',
      cip: cips.missed,
    });
    expect(JSON.parse(await readFile(out, 'utf8')).code.cip).toBe(cips.missed);
  });

  it('support-bundle refuses an unknown code (exit 1) and an e-mail (usage)', async () => {
    const unknown = await runCli(['support-bundle', '9999999', '--store', store], { env: {}, cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No code matches "9999999"');
    const email = await runCli(['support-bundle', 'rosa@example.pe', '--store', store], { env: {}, cwd: dir });
    expect(email.code).toBe(2);
    expect(email.stderr).toContain('run "status <e-mail>" first');
  });
});
