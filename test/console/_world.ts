/**
 * A seeded console world for the console tests: a fake PagoEfectivo, a memory store, the codes
 * service with signed vouchers, one operator and one viewer, and the console mounted at /support.
 */
import { createPagoEfectivoClient } from '../../src/client/index.js';
import { type CashCodes, createCashCodes } from '../../src/codes/index.js';
import {
  addStaffAccount,
  createSupportConsole,
  type ShareLinkDelivery,
  type SupportConsoleHandler,
  type SupportConsoleOptions,
} from '../../src/console/index.js';
import type { CashCode } from '../../src/model/code.js';
import { type MemoryStore, memoryStore } from '../../src/storage/memory.js';
import { createFakePagoEfectivo, type FakePagoEfectivo } from '../../src/testing/index.js';
import { createVoucherToken, generateVoucherKeys } from '../../src/voucher/token.js';

/** Fast but valid hashing for tests (the floor the console accepts). */
export const FAST_ITERATIONS = 100_000;
export const OPERATOR = { id: 'olga@shop.pe', password: 'operator password 1' };
export const VIEWER = { id: 'victor', password: 'viewer password 22' };

export interface ConsoleWorld {
  fake: FakePagoEfectivo;
  store: MemoryStore;
  codes: CashCodes;
  /** A pending code with its signed voucher token. */
  code: CashCode;
  token: string;
  publicKeys: Record<string, string>;
  secretKey: string;
  kid: string;
  shared: ShareLinkDelivery[];
  handler: SupportConsoleHandler;
  /** Another console over the same world with different options. */
  mount(options?: Partial<SupportConsoleOptions>): SupportConsoleHandler;
  issue(orderId: string, email?: string): Promise<CashCode>;
}

export async function consoleWorld(options: Partial<SupportConsoleOptions> = {}): Promise<ConsoleWorld> {
  const credentials = {
    serviceId: '1234',
    accessKey: 'console-access-key',
    secretKey: 'console-secret-key-0123456789',
  };
  const fake = createFakePagoEfectivo(credentials);
  const store = memoryStore();
  const client = createPagoEfectivoClient({ ...credentials, baseUrl: fake.baseUrl, fetch: fake.fetch });
  const codes = createCashCodes({ client, store });
  const keys = generateVoucherKeys({ kid: 'test-2026' });
  const issue = async (orderId: string, email = 'jose.nunez@example.com'): Promise<CashCode> =>
    (await codes.issue({ orderId, amount: '1234.50', currency: 'PEN', payer: { email, firstName: 'José' } })).code;
  const code = await issue('ORD-1001');
  const token = await createVoucherToken(code, keys.secretKey, { kid: keys.kid });
  await addStaffAccount(store, { ...OPERATOR, role: 'operator', iterations: FAST_ITERATIONS });
  await addStaffAccount(store, { ...VIEWER, role: 'viewer', iterations: FAST_ITERATIONS });
  const shared: ShareLinkDelivery[] = [];
  const publicKeys = { [keys.kid]: keys.publicKey };
  const mount = (extra: Partial<SupportConsoleOptions> = {}): SupportConsoleHandler =>
    createSupportConsole({
      codes,
      client,
      store,
      basePath: '/support',
      voucherKeys: publicKeys,
      auth: { passwordIterations: FAST_ITERATIONS, lockout: { perAccount: 3, perIp: 10, windowMs: 60_000 } },
      shareLinks: { send: async (delivery) => void shared.push(delivery) },
      ...options,
      ...extra,
    });
  return {
    fake,
    store,
    codes,
    code,
    token,
    publicKeys,
    secretKey: keys.secretKey,
    kid: keys.kid,
    shared,
    handler: mount(),
    mount,
    issue,
  };
}

/** A tiny browser over a handler: keeps cookies, sends the console's Origin on POSTs. */
export interface Agent {
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, form: Record<string, string> | FormData, headers?: Record<string, string>): Promise<Response>;
  login(staff: { id: string; password: string }): Promise<Response>;
  /** The CSRF token of the last page fetched. */
  csrf(): string;
  cookies: Map<string, string>;
}

export const ORIGIN = 'http://127.0.0.1:4400';

export function agent(handler: SupportConsoleHandler, ip = '10.1.1.1'): Agent {
  const cookies = new Map<string, string>();
  let lastHtml = '';
  const remember = (response: Response): void => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (/Max-Age=0/.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  };
  const cookieHeader = (): Record<string, string> =>
    cookies.size === 0 ? {} : { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  const call = async (path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> => {
    const response = await handler(
      new Request(`${ORIGIN}${path}`, { ...init, headers: { ...cookieHeader(), ...init.headers } }),
      { ip },
    );
    remember(response);
    if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
      lastHtml = await response.clone().text();
    }
    return response;
  };
  const self: Agent = {
    cookies,
    get: (path, headers = {}) => call(path, { method: 'GET', headers }),
    post: (path, form, headers = {}) => {
      const body = form instanceof FormData ? form : new URLSearchParams(form);
      return call(path, { method: 'POST', body, headers: { origin: ORIGIN, ...headers } });
    },
    async login(staff) {
      return self.post('/support/login', { staffId: staff.id, password: staff.password });
    },
    csrf() {
      return /name="csrf" value="([^"]*)"/.exec(lastHtml)?.[1] ?? '';
    },
  };
  return self;
}
