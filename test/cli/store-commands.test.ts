import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { createCashCodes } from '../../src/codes/index.js';
import { sqliteStore } from '../../src/storage/adapters/sqlite.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { requireBinary, runCli, runCliOnTerminal } from './_bin.js';

const CREDENTIALS = { serviceId: '4321', accessKey: 'cli-access-key', secretKey: 'cli-secret-key-of-the-fake' };

/**
 * A SQLite store with codes in every situation the store commands handle, behind a fake PagoEfectivo
 * served over HTTP (the CLI runs in another process and reaches it like the real API).
 */
describe('reconcile and sweep against a SQLite store (the binary)', () => {
  let dir: string;
  let fake: FakePagoEfectivo;
  let env: Record<string, string>;
  const cips: Record<string, string> = {};
  const file = (): string => path.join(dir, 'shop.db');

  async function withStore<T>(task: (store: ReturnType<typeof sqliteStore>) => Promise<T>): Promise<T> {
    const db = new Database(file());
    try {
      return await task(sqliteStore(db));
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    requireBinary();
    dir = await mkdtemp(path.join(tmpdir(), 'pek-store-'));
    fake = createFakePagoEfectivo(CREDENTIALS);
    const baseUrl = await fake.listen();
    env = {
      PAGOEFECTIVO_SERVICE_ID: CREDENTIALS.serviceId,
      PAGOEFECTIVO_ACCESS_KEY: CREDENTIALS.accessKey,
      PAGOEFECTIVO_SECRET_KEY: CREDENTIALS.secretKey,
      PAGOEFECTIVO_ENVIRONMENT: 'sandbox',
      PAGOEFECTIVO_BASE_URL: baseUrl,
    };
    await withStore(async (store) => {
      const client = createPagoEfectivoClient({ ...CREDENTIALS, baseUrl });
      const codes = createCashCodes({ client, store });
      for (const order of ['expired', 'paidLate', 'stillPayable', 'missed', 'quiet']) {
        const { code } = await codes.issue({
          orderId: `ORD-${order}`,
          amount: '150.50',
          currency: 'PEN',
          payer: { email: 'b@example.com' },
        });
        cips[order] = code.cip as string;
        if (order === 'expired' || order === 'paidLate' || order === 'stillPayable') {
          // Our expiry has passed (the sweeper's business) …
          await store.updateCode(
            { ...code, version: code.version + 1, expiresAt: new Date(Date.now() - 60_000) },
            code.version,
          );
        }
      }
      fake.expire(cips.expired as string); // … and PagoEfectivo agrees for this one,
      // This one was paid in time but the notification got lost,
      await fake.pay(cips.paidLate as string, { paidAt: new Date(Date.now() - 120_000), notify: false });
      await fake.pay(cips.missed as string, { notify: false }); // and so was this pending one.
    });
  });

  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sweep leaves codes alone during the settlement grace (default 10 minutes)', async () => {
    const result = await runCli(['sweep', '--store', `sqlite:${file()}`, '--json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      expired: 0,
      paid: 0,
      review: 0,
      skipped: 0,
      unconfirmed: 0,
      errors: 0,
      released: 0,
      changed: [],
    });
  });

  it('sweep expires, recovers and leaves payable codes alone, with progress on a terminal only (exit 0)', async () => {
    const result = await runCliOnTerminal(['sweep', '--store', `sqlite:${file()}`, '--grace-ms', '0', '--json'], {
      env,
    });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      expired: 1,
      paid: 1,
      review: 0,
      skipped: 1,
      unconfirmed: 0,
      errors: 0,
      released: 0,
    });
    expect(summary.changed).toHaveLength(2);
    expect(result.stderr).toContain('batch 1: 1 expired, 1 paid, 0 to review, 1 skipped');
    // Piped (CI, cron): the same run writes nothing on stderr.
    const piped = await runCli(['sweep', '--store', `sqlite:${file()}`, '--grace-ms', '0', '--json'], { env });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    await withStore(async (store) => {
      expect((await store.getCodeByCip(cips.expired as string))?.status).toBe('expired');
      expect((await store.getCodeByCip(cips.paidLate as string))?.payment?.source).toBe('sweeper');
      expect((await store.getCodeByCip(cips.stillPayable as string))?.status).toBe('pending');
    });
  });

  it('reconcile --api recovers the missed payment and exits 1 with the finding', async () => {
    const result = await runCli(['reconcile', '--api', '--store', `sqlite:${file()}`, '--json'], { env });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      findings: number;
      items: { cip: string; kind: string; action: string }[];
    };
    const byCip = Object.fromEntries(report.items.map((item) => [item.cip, [item.kind, item.action]]));
    expect(byCip[cips.missed as string]).toEqual(['payment_recovered', 'applied']);
    expect(byCip[cips.quiet as string]).toEqual(['matched', 'none']);
    expect(byCip[cips.paidLate as string]).toEqual(['matched', 'none']);
    expect(result.stderr).toBe('');
    const again = await runCliOnTerminal(['reconcile', '--api', '--store', `sqlite:${file()}`], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 finding(s)');
    expect(again.stderr).toMatch(/checked \d+ code\(s\) in \d+ search call\(s\)/);
  });

  it('reconcile <settlement.csv> reports each row and exits 1 on findings, 0 when everything matches', async () => {
    const rows = [
      'CIP;Monto;Moneda;Fecha de Pago',
      `${cips.missed};150,50;PEN;2024-03-05 09:00`,
      `${cips.paidLate};149,50;PEN;2024-03-05 09:30`,
      '99999999;10,00;PEN;2024-03-05 10:00',
    ];
    await writeFile(path.join(dir, 'settlement.csv'), `${rows.join('\r\n')}\r\n`);
    const found = await runCliOnTerminal(['reconcile', 'settlement.csv', '--store', `sqlite:${file()}`, '--csv'], {
      cwd: dir,
    });
    expect(found.code).toBe(1);
    expect(found.stderr).toContain('compared 3/3 row(s)');
    const lines = found.stdout.trim().split('\r\n');
    expect(lines[0]).toMatch(/^kind,severity,line,cip,/);
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual([
      `matched,info,2,${cips.missed}`,
      `amount_mismatch,critical,3,${cips.paidLate}`,
      'unknown_here,critical,4,99999999',
    ]);
    await writeFile(path.join(dir, 'clean.csv'), `CIP,Monto\n${cips.missed},150.50\n`);
    const clean = await runCli(['reconcile', 'clean.csv', '--store', `sqlite:${file()}`], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('Reconciliation (settlement file): 1 item(s), 0 finding(s).');
  });

  it('reconcile --format ndjson|csv streams the report; a failure midway ends it with an incomplete marker (exit 3)', async () => {
    const rows = ['CIP,Monto', `${cips.missed},150.50`, '99999999,10.00'];
    await writeFile(path.join(dir, 'stream.csv'), `${rows.join('\n')}\n`);
    const store = ['--store', `sqlite:${file()}`];
    const ndjson = await runCli(['reconcile', 'stream.csv', ...store, '--format', 'ndjson'], { cwd: dir });
    expect(ndjson.code).toBe(1);
    const lines = ndjson.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.type, line.kind ?? null])).toEqual([
      ['item', 'matched'],
      ['item', 'unknown_here'],
      ['summary', null],
    ]);
    expect(lines[2]).toMatchObject({ complete: true, items: 2, findings: 1 });
    const csv = await runCli(['reconcile', 'stream.csv', ...store, '--format', 'csv'], { cwd: dir });
    const legacy = await runCli(['reconcile', 'stream.csv', ...store, '--csv'], { cwd: dir });
    expect(csv.stdout).toBe(legacy.stdout);
    expect(csv.stdout).toMatch(/^kind,severity,line,cip,/);

    await writeFile(path.join(dir, 'broken.csv'), `CIP,Monto\n${cips.missed},150.50\n1,"never closed\n`);
    const broken = await runCli(['reconcile', 'broken.csv', ...store, '--format', 'ndjson'], { cwd: dir });
    expect(broken.code).toBe(3);
    expect(broken.stderr).toContain('error [settlement_invalid]: Unterminated quoted field starting on line 3.');
    const last = JSON.parse(broken.stdout.trim().split('\n').at(-1) as string);
    expect(last).toMatchObject({ type: 'error', complete: false, items: 1, code: 'settlement_invalid' });
    expect(broken.stdout).not.toContain('"summary"');

    const missing = await runCli(['reconcile', 'nope.csv', ...store, '--format', 'ndjson'], { cwd: dir });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('error [cli_runtime]: cannot read');
    expect(missing.stdout).toBe('');
  });

  it.each([
    [['--format', 'xml'], '--format must be summary, json, csv or ndjson.'],
    [['--format', 'ndjson', '--csv'], 'choose one of --format, --json and --csv.'],
    [['--json', '--csv'], 'choose one of --format, --json and --csv.'],
  ])('reconcile %j is a usage error (exit 2)', async (flags, message) => {
    const result = await runCli(['reconcile', 'x.csv', '--store', `sqlite:${file()}`, ...flags], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('exits 3 for an unreadable settlement file, naming the columns it could not find', async () => {
    await writeFile(path.join(dir, 'odd.csv'), 'Numero,Importe\n1,2\n');
    const odd = await runCli(['reconcile', 'odd.csv', '--store', `sqlite:${file()}`], { cwd: dir });
    expect(odd.code).toBe(3);
    expect(odd.stderr).toContain('error [settlement_invalid]');
    expect(odd.stderr).toContain('Headers found: "Numero", "Importe"');
    await writeFile(
      path.join(dir, 'mapping.json'),
      JSON.stringify({ cip: 'Numero', amount: 'Importe', currency: null, paidAt: null }),
    );
    const mapped = await runCli(['reconcile', 'odd.csv', '--store', `sqlite:${file()}`, '--mapping', 'mapping.json'], {
      cwd: dir,
    });
    expect(mapped.code).toBe(1);
    expect(mapped.stdout).toContain('unknown_here');
  });

  it.each([
    [['reconcile', 'x.csv', '--store', 'mongodb://db/shop'], 2, 'unknown store "mongodb://db/shop"'],
    [['reconcile', 'x.csv', '--store', 'postgres://app:hunter2@db/shop'], 2, '--store contains a password'],
    [['reconcile', 'x.csv'], 2, 'exactly one of --store URL or --store-env NAME'],
    [['reconcile', 'x.csv', '--api', '--store', 'sqlite:x.db'], 2, 'give a settlement CSV file or --api (not both)'],
    [['sweep', '--store', 'sqlite:missing.db'], 3, 'unable to open database file'],
    [['reconcile', 'x.csv', '--store-env', 'SHOP_DB'], 2, 'environment variable SHOP_DB (the store URL) is not set'],
  ])('%j exits %i', async (args, code, message) => {
    const result = await runCli(args, { cwd: dir, env: args[0] === 'sweep' ? env : {} });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('hunter2');
  });

  it('sweep needs the credentials in the environment and names what is missing (exit 2)', async () => {
    const result = await runCli(['sweep', '--store', `sqlite:${file()}`], { env: { PAGOEFECTIVO_SERVICE_ID: '1' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'set the PagoEfectivo credentials in the environment: PAGOEFECTIVO_ACCESS_KEY, PAGOEFECTIVO_ENVIRONMENT, PAGOEFECTIVO_SECRET_KEY (or PAGOEFECTIVO_SECRET_KEY_FILE).',
    );
  });

  it('exits 3 when PostgreSQL or Redis cannot be reached, without printing the URL password', async () => {
    for (const url of ['postgres://app:s3cret@127.0.0.1:9/shop', 'redis://:s3cret@127.0.0.1:9']) {
      const result = await runCli(['reconcile', 'x.csv', '--store-env', 'STORE_URL'], {
        cwd: dir,
        env: { STORE_URL: url },
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('error [storage_error]');
      expect(result.stderr).not.toContain('s3cret');
    }
  });
});
