/**
 * A small support console: staff paste a voucher token or upload a voucher PDF and see whether it is
 * genuine (and why not), the code's current status and its lifecycle history.
 *
 * Run the seeded demo: `npx tsx examples/support-console/server.ts` (set SUPPORT_STAFF_KEY, or one is
 * generated and printed). Use `startSupportConsole` to serve it from your own process.
 *
 * @module examples/support-console
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { CashCodes } from '../../src/codes/index.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import type { VoucherPublicKeys } from '../../src/voucher/token.js';
import { createStaffAuth } from './auth.js';
import { checkVoucher } from './verify.js';

/** Options of {@link startSupportConsole}. */
export interface SupportConsoleOptions {
  /** Port on `host` (0: any free port). */
  port: number;
  /** Interface to bind. Default `127.0.0.1`; put a TLS proxy in front before exposing it. */
  host?: string;
  /** The shared staff key, at least 16 characters, from an environment variable or secret file. */
  staffKey: string;
  /** Trusted voucher public keys (`{ kid: publicKey }`), several during a key rotation. */
  publicKeys: VoucherPublicKeys;
  /** The codes service (for lifecycle history). */
  codes: Pick<CashCodes, 'history'>;
  /** The store (code look-up by CIP, failed-login counters). */
  store: CashCodeStore;
  /** Mark the session cookie `Secure` (when served over HTTPS). Default false. */
  secureCookie?: boolean;
  /** Largest accepted upload in bytes. Default 5 MB. */
  maxUploadBytes?: number;
}

/** A running support console. */
export interface SupportConsole {
  /** `http://host:port` */
  url: string;
  close(): Promise<void>;
}

const page = (name: string): string => readFileSync(new URL(name, import.meta.url), 'utf8');
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    ...headers,
  });
  res.end(body);
}

function html(
  res: ServerResponse,
  status: number,
  template: string,
  values: Record<string, string> = {},
  headers = {},
): void {
  const nonce = randomBytes(16).toString('base64');
  const body = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) =>
    key === 'nonce' ? nonce : escapeHtml(values[key] ?? ''),
  );
  send(res, status, body, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    ...headers,
  });
}

const json = (res: ServerResponse, status: number, value: unknown): void =>
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json' });

/** Start the support console. Every route except the login page needs the staff key or a session. */
export async function startSupportConsole(options: SupportConsoleOptions): Promise<SupportConsole> {
  const auth = createStaffAuth({
    staffKey: options.staffKey,
    store: options.store,
    secureCookie: options.secureCookie ?? false,
  });
  const pages = { login: page('./login.html'), console: page('./console.html') };
  const limit = options.maxUploadBytes ?? 5 * 1024 * 1024;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://console.invalid').pathname;
    const method = req.method ?? 'GET';
    if (path === '/login' && method === 'GET') return html(res, 200, pages.login);
    if (path === '/login' && method === 'POST') {
      const body = await readBody(req, 4096);
      const key = new URLSearchParams(new TextDecoder().decode(body ?? new Uint8Array())).get('staffKey') ?? '';
      const outcome = await auth.login(key, req.socket.remoteAddress ?? 'unknown');
      if (outcome === 'ok') return send(res, 303, '', { location: '/', 'set-cookie': auth.openSession() });
      const error = outcome === 'locked' ? 'Too many failed attempts; try again later.' : 'Wrong staff key.';
      return html(res, outcome === 'locked' ? 429 : 401, pages.login, { error });
    }
    if (!auth.isAuthorized(req)) {
      if (path.startsWith('/api/')) return json(res, 401, { error: 'Staff key or session required.' });
      return send(res, 303, '', { location: '/login' });
    }
    if (path === '/' && method === 'GET') return html(res, 200, pages.console);
    if (path === '/logout' && method === 'POST')
      return send(res, 303, '', { location: '/login', 'set-cookie': auth.closeSession(req) });
    if (path === '/api/verify' && method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (type !== 'application/json' && type !== 'application/pdf') {
        return json(res, 415, { error: 'Send the token as application/json or the voucher as application/pdf.' });
      }
      const body = await readBody(req, limit);
      if (body === null) return json(res, 413, { error: `The upload exceeds ${limit} bytes.` });
      let input: { token: string } | { pdf: Uint8Array };
      if (type === 'application/pdf') input = { pdf: body };
      else {
        const token = (JSON.parse(new TextDecoder().decode(body)) as { token?: unknown }).token;
        if (typeof token !== 'string' || token.trim() === '')
          return json(res, 400, { error: 'Paste a voucher token first.' });
        input = { token };
      }
      return json(res, 200, await checkVoucher(input, options));
    }
    return json(res, 404, { error: 'Not found.' });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const message =
        error instanceof SyntaxError
          ? 'The request body is not valid JSON.'
          : 'The console failed; see the server log.';
      if (!(error instanceof SyntaxError)) console.error('support console error:', error);
      if (!res.headersSent) json(res, error instanceof SyntaxError ? 400 : 500, { error: message });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function isMain(): boolean {
  const script = process.argv[1];
  try {
    return script !== undefined && realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const { runDemo } = await import('./demo.js');
  await runDemo(startSupportConsole);
}
