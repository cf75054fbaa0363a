/**
 * The seeded world behind the support console examples: a fake PagoEfectivo, a memory store, one
 * issued code with its signed voucher (token and PDF), and two staff accounts. The examples mount
 * `createSupportConsole` from `pagoefectivo-kit/console` under `/support` in their framework.
 */
import { randomBytes } from 'node:crypto';
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { type CashCodes, createCashCodes } from '../../src/codes/index.js';
import { addStaffAccount, type SupportConsoleOptions } from '../../src/console/index.js';
import type { CashCode } from '../../src/model/code.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { renderVoucher } from '../../src/voucher/index.js';
import { createVoucherToken, generateVoucherKeys } from '../../src/voucher/token.js';

/** A seeded demo world and the options to mount the console over it. */
export interface ConsoleDemo {
  fake: FakePagoEfectivo;
  store: MemoryStore;
  codes: CashCodes;
  code: CashCode;
  token: string;
  pdf: Uint8Array;
  /** The signing key (tests forge and tamper with vouchers). */
  voucherKey: { kid: string; secretKey: string };
  /** The demo's staff logins (an operator and a viewer). */
  staff: { operator: { id: string; password: string }; viewer: { id: string; password: string } };
  /** The options for `createSupportConsole` (add `basePath` and mount it). */
  options: SupportConsoleOptions;
}

/** Options of {@link seedConsoleDemo}. */
export interface SeedOptions {
  /** Staff passwords (default: random; a real deployment adds staff with `npx pagoefectivo-kit staff add`). */
  passwords?: { operator: string; viewer: string };
  /** PBKDF2 iterations of the demo accounts (default 600 000; tests use the 100 000 floor). */
  iterations?: number;
}

/** Build the demo world. */
export async function seedConsoleDemo(seed: SeedOptions = {}): Promise<ConsoleDemo> {
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
    amount: '1234.50',
    currency: 'PEN',
    payer: { email: 'jose.nunez@example.com', firstName: 'José', lastName: 'Ñúñez' },
  });
  const keys = generateVoucherKeys({ kid: 'demo-2026' });
  const token = await createVoucherToken(code, keys.secretKey, { kid: keys.kid });
  const pdf = await renderVoucher(code, { merchant: { name: 'Tienda Ñandú S.A.C.' }, token, now: fake.now });
  const passwords = seed.passwords ?? {
    operator: randomBytes(12).toString('base64url'),
    viewer: randomBytes(12).toString('base64url'),
  };
  const staff = {
    operator: { id: 'olga@tienda.pe', password: passwords.operator },
    viewer: { id: 'victor@tienda.pe', password: passwords.viewer },
  };
  const iterations = seed.iterations ?? 600_000;
  await addStaffAccount(store, { ...staff.operator, role: 'operator', iterations });
  await addStaffAccount(store, { ...staff.viewer, role: 'viewer', iterations });
  const options: SupportConsoleOptions = {
    codes,
    client,
    store,
    voucherKeys: { [keys.kid]: keys.publicKey },
    auth: { passwordIterations: iterations },
  };
  return { fake, store, codes, code, token, pdf, voucherKey: keys, staff, options };
}

/** Print how to use a running demo console. */
export function printDemo(url: string, demo: ConsoleDemo): void {
  console.log(`Support console (demo): ${url}/support`);
  // Generated passwords are printed because this is a throw-away demo with a memory store.
  console.log(`Operator: ${demo.staff.operator.id} / ${demo.staff.operator.password}`);
  console.log(`Viewer:   ${demo.staff.viewer.id} / ${demo.staff.viewer.password}`);
  console.log(`CIP to look up: ${demo.code.cip}; voucher token: ${demo.token}`);
  console.log('Press Ctrl-C to stop.');
}
