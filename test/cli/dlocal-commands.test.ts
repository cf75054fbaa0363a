/**
 * `reconcile --api` and `sweep` with a dLocal-backed service (PAGOEFECTIVO_KIT_PROVIDER=dlocal): status
 * comes from dLocal's payments API, on the fake dLocal served over 127.0.0.1 (the built binary).
 * @see https://github.com/pagoefectivo-kit/pagoefectivo-kit/issues/15
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCashCodes } from '../../src/codes/index.js';
import { createDlocalProvider } from '../../src/providers/dlocal/index.js';
import { sqliteStore } from '../../src/storage/adapters/sqlite.js';
import { createFakeDlocal, type FakeDlocal } from '../../src/testing/index.js';
import { requireBinary, runCli } from './_bin.js';

describe('reconcile --api and sweep through dLocal (the binary)', () => {
  let dir: string;
  let fake: FakeDlocal;
  let env: Record<string, string>;
  const cips: Record<string, string> = {};
  const file = (): string => path.join(dir, 'shop.db');

  beforeAll(async () => {
    requireBinary();
    dir = await mkdtemp(path.join(tmpdir(), 'pek-dlocal-'));
    fake = createFakeDlocal();
    const baseUrl = await fake.listen();
    const { login, transKey, secretKey } = fake.credentials;
    env = {
      PAGOEFECTIVO_KIT_PROVIDER: 'dlocal',
      DLOCAL_LOGIN: login,
      DLOCAL_TRANS_KEY: transKey,
      DLOCAL_SECRET_KEY: secretKey,
      DLOCAL_ENVIRONMENT: 'sandbox',
      DLOCAL_BASE_URL: baseUrl,
    };
    const db = new Database(file());
    try {
      const store = sqliteStore(db);
      const provider = createDlocalProvider({ login, transKey, secretKey, environment: 'sandbox', baseUrl });
      const codes = createCashCodes({ provider, store });
      for (const order of ['missed', 'quiet']) {
        const { code } = await codes.issue({
          orderId: `ORD-${order}`,
          amount: '80.00',
          currency: 'PEN',
          payer: { email: 'b@example.com', firstName: 'Rosa', documentNumber: '12345678' },
        });
        cips[order] = code.cip as string;
      }
      await fake.pay(cips.missed as string, { notify: false }); // paid, the notification lost
    } finally {
      db.close();
    }
  });

  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reconcile --api recovers the missed dLocal payment from GET /payments/{id}, then agrees', async () => {
    const result = await runCli(['reconcile', '--api', '--store', `sqlite:${file()}`, '--json'], { env });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { items: { cip: string; kind: string; action: string }[] };
    const byCip = Object.fromEntries(report.items.map((item) => [item.cip, [item.kind, item.action]]));
    expect(byCip[cips.missed as string]).toEqual(['payment_recovered', 'applied']);
    expect(byCip[cips.quiet as string]).toEqual(['matched', 'none']);
    expect(fake.stats().getPayment).toBeGreaterThanOrEqual(2);
    const again = await runCli(['reconcile', '--api', '--store', `sqlite:${file()}`], { env });
    expect(again.code).toBe(0);
  });

  it('sweep through dLocal uses its 4-day settlement grace by default', async () => {
    const result = await runCli(['sweep', '--store', `sqlite:${file()}`, '--json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ expired: 0, errors: 0 });
  });

  it('names every missing dLocal variable (exit 2) and refuses an unknown provider', async () => {
    const missing = await runCli(['reconcile', '--api', '--store', `sqlite:${file()}`], {
      env: { PAGOEFECTIVO_KIT_PROVIDER: 'dlocal' },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('DLOCAL_LOGIN, DLOCAL_TRANS_KEY, DLOCAL_ENVIRONMENT, DLOCAL_SECRET_KEY');
    const unknown = await runCli(['sweep', '--store', `sqlite:${file()}`], {
      env: { PAGOEFECTIVO_KIT_PROVIDER: 'pagsmile' },
    });
    expect(unknown.code).toBe(2);
  });
});
