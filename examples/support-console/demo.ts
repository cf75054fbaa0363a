import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { type CashCodes, createCashCodes } from '../../src/codes/index.js';
import type { CashCode } from '../../src/model/code.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { renderVoucher } from '../../src/voucher/index.js';
import { createVoucherToken, generateVoucherKeys } from '../../src/voucher/token.js';
import type { SupportConsole, SupportConsoleOptions } from './server.js';

/** A seeded demo world: a fake PagoEfectivo, a memory store, one issued code and its voucher. */
export interface DemoWorld {
  fake: FakePagoEfectivo;
  store: MemoryStore;
  codes: CashCodes;
  code: CashCode;
  publicKeys: Record<string, string>;
  /** The voucher's signed token and PDF. */
  token: string;
  pdf: Uint8Array;
}

/** Build the demo world (also used by the end-to-end test). */
export async function seedDemo(): Promise<DemoWorld> {
  const credentials = {
    serviceId: '1234',
    accessKey: 'demo-access-key',
    secretKey: randomBytes(24).toString('base64url'),
  };
  const fake = createFakePagoEfectivo(credentials);
  const store = memoryStore();
  const client = createPagoEfectivoClient({ ...credentials, baseUrl: fake.baseUrl, fetch: fake.fetch });
  const codes = createCashCodes({ client, store });
  const { code } = await codes.issue({
    orderId: 'ORD-1001',
    amount: '149.90',
    currency: 'PEN',
    payer: { email: 'jose.nunez@example.com', firstName: 'José', lastName: 'Ñúñez' },
  });
  const keys = generateVoucherKeys({ kid: 'demo-2024' });
  const token = await createVoucherToken(code, keys.secretKey, { kid: keys.kid });
  const pdf = await renderVoucher(code, { merchant: { name: 'Tienda Ñandú S.A.C.' }, token, now: fake.now });
  return { fake, store, codes, code, publicKeys: { [keys.kid]: keys.publicKey }, token, pdf };
}

/** Run the demo console until Ctrl-C, printing where to find the voucher and how to sign in. */
export async function runDemo(start: (options: SupportConsoleOptions) => Promise<SupportConsole>): Promise<void> {
  const world = await seedDemo();
  const dir = await mkdtemp(path.join(tmpdir(), 'support-console-'));
  const voucherFile = path.join(dir, 'voucher.pdf');
  await writeFile(voucherFile, world.pdf);
  const fromEnv = process.env.SUPPORT_STAFF_KEY;
  const staffKey = fromEnv ?? randomBytes(18).toString('base64url');
  const running = await start({
    port: Number(process.env.PORT ?? 4400),
    staffKey,
    publicKeys: world.publicKeys,
    codes: world.codes,
    store: world.store,
  });
  console.log(`Support console (demo): ${running.url}`);
  // A generated key is printed because this is a throw-away demo; a real deployment sets SUPPORT_STAFF_KEY.
  console.log(fromEnv ? 'Staff key: from SUPPORT_STAFF_KEY' : `Staff key (generated for this demo): ${staffKey}`);
  console.log(`Voucher PDF of CIP ${world.code.cip}: ${voucherFile}`);
  console.log(`Its token: ${world.token}`);
  console.log('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await running.close();
}
