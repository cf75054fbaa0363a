/**
 * createSupportConsole over HTTP semantics (Request in, Response out): the access gate on every
 * route, login, sessions, lockout, CSRF, roles, the SSO hook, look-ups, live status, voucher checks,
 * operator actions, the audit log, locales and the security headers.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSupportConsole,
  disableStaffAccount,
  enableStaffAccount,
  readAuditLog,
} from '../../src/console/index.js';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { reconcileSettlement } from '../../src/reconcile/index.js';
import { renderVoucher } from '../../src/voucher/index.js';
import { agent, type ConsoleWorld, consoleWorld, OPERATOR, ORIGIN, VIEWER } from './_world.js';

const GET_ROUTES = [
  '/',
  '/?q=123',
  '/verify',
  '/review',
  '/reconcile',
  '/audit',
  '/codes/x',
  '/codes/x/live',
  '/codes/x/bundle',
];
const POST_ROUTES = ['/verify', '/logout', '/codes/x/cancel', '/codes/x/resolve', '/codes/x/share', '/nowhere'];

function tamper(token: string): string {
  const index = token.length - 20;
  return token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
}

describe('support console', () => {
  let world: ConsoleWorld;
  beforeEach(async () => {
    world = await consoleWorld();
  });

  describe('access', () => {
    it.each(GET_ROUTES)('sends anonymous GET %s to the login page and shows nothing', async (path) => {
      const response = await agent(world.handler).get(`/support${path}`);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/support/login');
      expect(await response.text()).toBe('');
    });

    it.each(POST_ROUTES)('refuses anonymous POST %s', async (path) => {
      const response = await agent(world.handler).post(`/support${path}`, { csrf: 'x' });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(world.code.cip as string);
    });

    it('serves the login page and the assets without a session, and nothing outside the mount path', async () => {
      const visitor = agent(world.handler);
      expect((await visitor.get('/support/login')).status).toBe(200);
      const css = await visitor.get('/support/assets/console.css');
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toContain('text/css');
      expect((await visitor.get('/support/assets/console.js')).status).toBe(200);
      expect((await visitor.get('/support/assets/other.js')).status).toBe(404);
      expect((await visitor.get('/elsewhere')).status).toBe(404);
    });

    it('answers 404 for broken code escapes and inherited asset names, and 413 for an oversized login', async () => {
      const visitor = agent(world.handler);
      for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const response = await visitor.get(`/support/assets/${name}`);
        expect(response.status).toBe(404);
        expect(response.headers.get('content-type')).toContain('text/html');
      }
      const huge = await visitor.post('/support/login', { staffId: OPERATOR.id, password: 'x'.repeat(20 * 1024) });
      expect(huge.status).toBe(413);
      expect(await huge.text()).toContain('La solicitud es demasiado grande.');
      const staff = agent(world.handler);
      await staff.login(OPERATOR);
      for (const path of ['/support/codes/%E0%A4%A', '/support/codes/%ZZ', '/support/codes/%E0%A4%A/live']) {
        expect((await staff.get(path)).status).toBe(404);
      }
    });

    it('answers a garbage review cursor with 400 and a fixed translated reason, never the internal message', async () => {
      const staff = agent(world.handler);
      await staff.login(OPERATOR);
      for (const [lang, text] of [
        ['es-PE', 'La solicitud contiene un valor que no se puede usar'],
        ['en', 'The request holds a value that cannot be used'],
        ['zh-CN', '请求包含无法使用的值'],
      ] as const) {
        const response = await staff.get(`/support/review?cursor=garbage&lang=${lang}`);
        expect(response.status).toBe(400);
        const html = await response.text();
        expect(html).toContain(text);
        expect(html).not.toContain('store.listCodes');
        expect(html).not.toContain('Invalid argument');
      }
    });

    it('answers with a strict CSP, no framing and no caching', async () => {
      const response = await agent(world.handler).get('/support/login');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const html = await response.text();
      expect(html).not.toMatch(/<script>(?!<\/script>)/);
      expect(html).not.toMatch(/ on[a-z]+="/);
    });
  });

  describe('login and sessions', () => {
    it('signs in with the right password: HttpOnly, SameSite=Strict cookie scoped to the mount path', async () => {
      const staff = agent(world.handler);
      const wrong = await staff.login({ id: OPERATOR.id, password: 'not the password' });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('Usuario o contraseña incorrectos.');
      const ok = await staff.login(OPERATOR);
      expect(ok.status).toBe(303);
      const cookie = ok.headers.getSetCookie().find((line) => line.startsWith('pek_console_session=')) ?? '';
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\/support/);
      expect(cookie).not.toMatch(/Secure/); // 127.0.0.1
      expect((await staff.get('/support/')).status).toBe(200);
    });

    it('marks the cookie Secure off localhost', async () => {
      const response = await world.handler(
        new Request('https://support.shop.pe/support/login', {
          method: 'POST',
          headers: { origin: 'https://support.shop.pe', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ staffId: OPERATOR.id, password: OPERATOR.password }),
        }),
      );
      expect(response.status).toBe(303);
      expect(response.headers.getSetCookie().join('\n')).toMatch(/pek_console_session=[^;]+;.*Secure/);
    });

    it('marks the cookie Secure behind a TLS proxy that forwards to 127.0.0.1, and only omits it for plain-http loopback', async () => {
      const login = async (origin: string): Promise<string> => {
        const response = await world.handler(
          new Request('http://127.0.0.1:4400/support/login', {
            method: 'POST',
            headers: { host: '127.0.0.1:4400', origin, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ staffId: OPERATOR.id, password: OPERATOR.password }),
          }),
        );
        expect(response.status).toBe(303);
        return response.headers.getSetCookie().find((line) => line.startsWith('pek_console_session=')) ?? '';
      };
      const handler = world.mount({
        auth: { passwordIterations: 100_000, allowedOrigins: ['https://support.shop.pe'] },
      });
      world.handler = handler;
      expect(await login('https://support.shop.pe')).toMatch(/; Secure$/);
      expect(await login('http://127.0.0.1:4400')).not.toMatch(/Secure/);
    });

    it('refuses a forged session cookie', async () => {
      const staff = agent(world.handler);
      await staff.login(OPERATOR);
      const real = staff.cookies.get('pek_console_session') as string;
      staff.cookies.set('pek_console_session', `${real.slice(0, -2)}xx`);
      expect((await staff.get('/support/')).status).toBe(303);
    });

    it('expires sessions after their lifetime', async () => {
      let now = new Date();
      const handler = world.mount({ now: () => now, auth: { passwordIterations: 100_000, sessionTtlMs: 60_000 } });
      const staff = agent(handler);
      await staff.login(OPERATOR);
      expect((await staff.get('/support/')).status).toBe(200);
      now = new Date(now.getTime() + 61_000);
      expect((await staff.get('/support/')).status).toBe(303);
    });

    it('revokes the session on the server at logout (the old cookie stops working)', async () => {
      const staff = agent(world.handler);
      await staff.login(VIEWER);
      await staff.get('/support/');
      const stolen = staff.cookies.get('pek_console_session') as string;
      const out = await staff.post('/support/logout', { csrf: staff.csrf() });
      expect(out.status).toBe(303);
      const replay = agent(world.handler);
      replay.cookies.set('pek_console_session', stolen);
      expect((await replay.get('/support/')).status).toBe(303);
    });

    it('ends the sessions of a disabled account at their next request', async () => {
      const staff = agent(world.handler);
      await staff.login(VIEWER);
      expect((await staff.get('/support/')).status).toBe(200);
      await disableStaffAccount(world.store, VIEWER.id);
      expect((await staff.get('/support/')).status).toBe(303);
      expect((await staff.login(VIEWER)).status).toBe(401);
    });

    it('keeps the old sessions of a disabled account dead after it is enabled again', async () => {
      const staff = agent(world.handler);
      await staff.login(VIEWER);
      const old = staff.cookies.get('pek_console_session') as string;
      expect((await staff.get('/support/')).status).toBe(200);
      await disableStaffAccount(world.store, VIEWER.id);
      await enableStaffAccount(world.store, VIEWER.id);
      const replay = agent(world.handler);
      replay.cookies.set('pek_console_session', old);
      expect((await replay.get('/support/')).status).toBe(303);
      const fresh = agent(world.handler);
      expect((await fresh.login(VIEWER)).status).toBe(303);
      expect((await fresh.get('/support/')).status).toBe(200);
    });

    it('tells sessions apart by revocation, not by clock: all in one millisecond, the old dies and the new lives', async () => {
      // A frozen clock puts the login, the disable, the enable and the second login at one instant:
      // an opening-time comparison cannot order them (it once refused the fresh session under load).
      const instant = new Date('2026-12-02T15:00:00.000Z');
      const frozen = world.mount({ now: () => instant });
      const staff = agent(frozen);
      await staff.login(VIEWER);
      const old = staff.cookies.get('pek_console_session') as string;
      await disableStaffAccount(world.store, VIEWER.id, { now: instant });
      await enableStaffAccount(world.store, VIEWER.id, { now: instant });
      const fresh = agent(frozen);
      expect((await fresh.login(VIEWER)).status).toBe(303);
      expect((await fresh.get('/support/')).status).toBe(200);
      const replay = agent(frozen);
      replay.cookies.set('pek_console_session', old);
      expect((await replay.get('/support/')).status).toBe(303);
      // The next revocation, in the same instant again, ends the fresh session too.
      await disableStaffAccount(world.store, VIEWER.id, { now: instant });
      await enableStaffAccount(world.store, VIEWER.id, { now: instant });
      expect((await fresh.get('/support/')).status).toBe(303);
    });

    it('keeps a session recorded without a revocation count only while the account was never revoked', async () => {
      const staff = agent(world.handler);
      await staff.login(VIEWER);
      const cookie = staff.cookies.get('pek_console_session') as string;
      const key = `kit:console:session:${cookie.split('.')[0]}`;
      const { generation: _generation, ...legacy } = JSON.parse((await world.store.getValue(key)) as string);
      await world.store.putValue(key, JSON.stringify(legacy), 3_600_000);
      expect((await staff.get('/support/')).status).toBe(200);
      // A revocation stamped by a server whose clock is behind still ends it: no instant is compared.
      const behind = new Date(Date.now() - 5 * 60_000);
      await disableStaffAccount(world.store, VIEWER.id, { now: behind });
      await enableStaffAccount(world.store, VIEWER.id, { now: behind });
      expect((await staff.get('/support/')).status).toBe(303);
    });

    it('locks an account after repeated failures, even for the right password, with 429', async () => {
      const guesser = agent(world.handler, '10.2.2.2');
      for (let attempt = 0; attempt < 2; attempt++) {
        expect((await guesser.login({ id: OPERATOR.id, password: `guess number ${attempt}` })).status).toBe(401);
      }
      expect((await guesser.login({ id: OPERATOR.id, password: 'guess number 9' })).status).toBe(429);
      const owner = agent(world.handler, '10.3.3.3');
      const locked = await owner.login(OPERATOR);
      expect(locked.status).toBe(429);
      expect(await locked.text()).toContain('bloqueado');
    });

    it('checks at most the limit of passwords when guesses arrive in parallel', async () => {
      const guesser = agent(world.handler, '10.6.6.6');
      const guesses = Array.from({ length: 40 }, (_, index) =>
        guesser.login({ id: OPERATOR.id, password: index === 30 ? OPERATOR.password : `parallel guess ${index}` }),
      );
      const statuses = (await Promise.all(guesses)).map((response) => response.status);
      // perAccount is 3 in the test world: three guesses were checked (the third says "locked"), the rest refused.
      expect(statuses.filter((status) => status !== 429)).toHaveLength(2);
      expect(statuses.filter((status) => status === 401)).toHaveLength(2);
      expect(statuses[30]).toBe(429);
      expect(statuses.filter((status) => status === 303)).toHaveLength(0);
    });

    it('without a known client IP, counts only per account, so junk logins do not lock everybody out', async () => {
      const anonymous = (staffId: string, password: string): Promise<Response> =>
        world.handler(
          new Request('http://127.0.0.1:4400/support/login', {
            method: 'POST',
            headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ staffId, password }),
          }),
        );
      // perIp is 10 in the test world: 12 junk logins on other accounts would have filled a shared IP counter.
      for (let attempt = 0; attempt < 12; attempt++) {
        expect((await anonymous(`junk${attempt}`, 'some password 1')).status).toBe(401);
      }
      expect((await anonymous(OPERATOR.id, OPERATOR.password)).status).toBe(303);
      for (let attempt = 0; attempt < 2; attempt++) expect((await anonymous(VIEWER.id, 'wrong')).status).toBe(401);
      expect((await anonymous(VIEWER.id, 'wrong')).status).toBe(429);
      expect((await anonymous(VIEWER.id, VIEWER.password)).status).toBe(429);
    });

    it('locks an IP that tries many accounts', async () => {
      const guesser = agent(world.handler, '10.4.4.4');
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 10; attempt++) {
        statuses.push((await guesser.login({ id: `user${attempt}`, password: 'some password 1' })).status);
      }
      expect(statuses.at(-1)).toBe(429);
      expect((await guesser.login(OPERATOR)).status).toBe(429);
      expect((await agent(world.handler, '10.5.5.5').login(OPERATOR)).status).toBe(303);
    });
  });

  describe('CSRF', () => {
    it('refuses state changes without the Origin, from another origin, or without the token', async () => {
      const staff = agent(world.handler);
      await staff.login(OPERATOR);
      await staff.get(`/support/codes/${world.code.id}`);
      const path = `/support/codes/${world.code.id}/cancel`;
      const token = staff.csrf();
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await staff.post(path, { csrf: token }, { origin: 'https://evil.example' })).status).toBe(403);
      expect((await staff.post(path, { csrf: 'wrong' })).status).toBe(403);
      expect((await staff.post(path, {})).status).toBe(403);
      const noOrigin = await world.handler(
        new Request(`${ORIGIN}${path}`, {
          method: 'POST',
          headers: { cookie: `pek_console_session=${staff.cookies.get('pek_console_session')}` },
          body: new URLSearchParams({ csrf: token }),
        }),
      );
      expect(noOrigin.status).toBe(403);
      expect((await world.store.getCode(world.code.id))?.status).toBe('pending');
      const audit = await readAuditLog(world.store, { limit: 10 });
      expect(audit.entries.some((entry) => entry.outcome === 'refused' && entry.detail === 'csrf')).toBe(true);
    });

    it('answers 413 to an operator form over 16 KB, with the right token, and changes nothing', async () => {
      const staff = agent(world.handler);
      await staff.login(OPERATOR);
      await staff.get(`/support/codes/${world.code.id}`);
      const response = await staff.post(`/support/codes/${world.code.id}/resolve`, {
        csrf: staff.csrf(),
        decision: 'refund',
        note: 'x'.repeat(17 * 1024),
      });
      expect(response.status).toBe(413);
      expect(await response.text()).not.toContain('x'.repeat(100));
      expect((await world.store.getCode(world.code.id))?.status).toBe('pending');
    });

    it('refuses a cross-site login form', async () => {
      const response = await agent(world.handler).post(
        '/support/login',
        { staffId: OPERATOR.id, password: OPERATOR.password },
        { origin: 'https://evil.example' },
      );
      expect(response.status).toBe(403);
      expect(response.headers.getSetCookie().join('')).not.toContain('pek_console_session=');
    });
  });

  describe('roles and operator actions', () => {
    it('refuses a viewer an operator action with 403 and audits it', async () => {
      const viewer = agent(world.handler);
      await viewer.login(VIEWER);
      const page = await viewer.get(`/support/codes/${world.code.id}`);
      expect(await page.text()).not.toContain('/cancel');
      const refused = await viewer.post(`/support/codes/${world.code.id}/cancel`, { csrf: viewer.csrf() });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('Tu rol (consulta) no permite esta acción');
      expect((await viewer.get('/support/audit')).status).toBe(403);
      expect((await world.store.getCode(world.code.id))?.status).toBe('pending');
      const audit = await readAuditLog(world.store);
      expect(audit.entries[0]).toMatchObject({ staffId: VIEWER.id, action: 'audit.read', outcome: 'refused' });
      expect(audit.entries[1]).toMatchObject({
        staffId: VIEWER.id,
        action: 'code.cancel',
        outcome: 'refused',
        detail: 'role',
      });
    });

    it('lets an operator cancel a code, and says why a cancel is refused', async () => {
      const operator = agent(world.handler);
      await operator.login(OPERATOR);
      await operator.get(`/support/codes/${world.code.id}`);
      const done = await operator.post(`/support/codes/${world.code.id}/cancel`, { csrf: operator.csrf() });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(`/support/codes/${world.code.id}?done=cancelled`);
      expect((await world.store.getCode(world.code.id))?.status).toBe('cancelled');
      expect(await (await operator.get(done.headers.get('location') as string)).text()).toContain(
        'El código fue anulado.',
      );
      const paid = await world.issue('ORD-1002');
      await world.codes.applyPayment({
        cip: paid.cip as string,
        amountMinor: paid.amountMinor,
        currency: 'PEN',
        operationNumber: 'OP-2',
      });
      const refused = await operator.post(`/support/codes/${paid.id}/cancel`, { csrf: operator.csrf() });
      expect(refused.status).toBe(409);
      expect(await refused.text()).toContain('No se hizo:');
      expect((await world.store.getCode(paid.id))?.status).toBe('paid');
    });

    it('lists payments under review and lets an operator resolve one', async () => {
      await world.codes.applyPayment({
        cip: world.code.cip as string,
        amountMinor: 100,
        currency: 'PEN',
        operationNumber: 'OP-1',
      });
      expect((await world.store.getCode(world.code.id))?.status).toBe('review');
      const operator = agent(world.handler);
      await operator.login(OPERATOR);
      const queue = await (await operator.get('/support/review')).text();
      expect(queue).toContain(world.code.cip as string);
      await operator.get(`/support/codes/${world.code.id}`);
      const bad = await operator.post(`/support/codes/${world.code.id}/resolve`, {
        csrf: operator.csrf(),
        decision: 'maybe',
      });
      expect(bad.status).toBe(400);
      const done = await operator.post(`/support/codes/${world.code.id}/resolve`, {
        csrf: operator.csrf(),
        decision: 'refund',
        note: 'paid 1.00 instead of 1234.50',
      });
      expect(done.status).toBe(303);
      const code = await world.store.getCode(world.code.id);
      expect(code?.status).toBe('refund_required');
      expect(code?.review).toMatchObject({ decision: 'refund', decidedBy: OPERATOR.id });
      expect(await (await operator.get('/support/review')).text()).toContain('Ningún pago espera una decisión.');
    });

    it('re-sends a share link through the configured sender without showing the passcode to staff', async () => {
      const operator = agent(world.handler);
      await operator.login(OPERATOR);
      await operator.get(`/support/codes/${world.code.id}`);
      const done = await operator.post(`/support/codes/${world.code.id}/share`, { csrf: operator.csrf() });
      expect(done.status).toBe(303);
      expect(world.shared).toHaveLength(1);
      expect(world.shared[0]).toMatchObject({ staffId: OPERATOR.id, code: { id: world.code.id } });
      const page = await (await operator.get(done.headers.get('location') as string)).text();
      expect(page).not.toContain(world.shared[0]?.passcode as string);
      expect(page).not.toContain(world.shared[0]?.token as string);
    });
  });

  describe('look-up', () => {
    async function signedIn(): Promise<ReturnType<typeof agent>> {
      const staff = agent(world.handler);
      await staff.login(VIEWER);
      return staff;
    }

    it.each([
      ['cip', () => world.code.cip as string],
      ['orderId', () => 'ORD-1001'],
      ['email', () => 'jose.nunez@example.com'],
      ['transactionCode', () => world.code.id],
      ['any', () => world.code.cip as string],
    ])('finds the code by %s, with the e-mail masked', async (kind, value) => {
      const staff = await signedIn();
      const response = await staff.get(`/support/?kind=${kind}&q=${encodeURIComponent(value())}`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(world.code.cip as string);
      expect(html).toContain('j***@example.com');
      // Only the search box repeats what staff typed; the results show the masked address.
      expect(html.split('jose.nunez@example.com').length - 1).toBe(kind === 'email' ? 1 : 0);
      expect(html).toContain('S/ 1,234.50');
      expect(html).toContain('hora de Lima (UTC−5)');
    });

    it('answers 404 with a message for an unknown CIP and 400 for an empty search', async () => {
      const staff = await signedIn();
      const unknown = await staff.get('/support/?kind=cip&q=99999999');
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('No se encontró nada para «99999999»');
      expect((await staff.get('/support/?q=')).status).toBe(400);
      expect((await staff.get('/support/codes/nope')).status).toBe(404);
      expect((await staff.get('/support/codes/bad%20id')).status).toBe(404);
    });

    it('shows the lifecycle and the events of a code', async () => {
      const staff = await signedIn();
      const html = await (await staff.get(`/support/codes/${world.code.id}`)).text();
      expect(html).toContain('<code>created</code>');
      expect(html).toContain('Historial');
      expect(html).toContain('Eventos');
    });

    it('pages a long lifecycle: the newest 100 entries, then older ones; a foreign cursor is a 400', async () => {
      const base = (await world.codes.history(world.code.id)).length;
      const at = new Date('2026-03-01T15:00:00Z');
      for (let index = 0; index < 150; index += 1) {
        await world.store.appendLog({
          id: `note-${index}`,
          subject: world.code.id,
          orderId: world.code.orderId,
          cip: world.code.cip,
          type: 'provider_call',
          actor: 'system',
          at: new Date(at.getTime() + index * 1000),
          reason: `call number ${index}`,
          from: null,
          to: null,
          data: {},
        });
      }
      const staff = await signedIn();
      const first = await (await staff.get(`/support/codes/${world.code.id}`)).text();
      expect(first).toContain('call number 149');
      expect(first).toContain('call number 50');
      expect(first).not.toContain('call number 49<');
      const older = /href="([^"]*\?before=[^"]*)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
      expect(older).toBeDefined();
      const second = await (await staff.get(older as string)).text();
      expect(second).toContain('call number 49');
      expect(second).toContain('call number 0<');
      expect(second).not.toContain('call number 50<');
      // The oldest page: the 50 oldest notes and the code's own first entries.
      expect(second.match(/call number \d+</g)).toHaveLength(50);
      expect(base).toBeGreaterThan(0);
      expect(second).toContain('<code>created</code>');
      // The oldest page links to no older one (the language links keep the query, so look at the link).
      expect(first).toContain('>Registros anteriores</a>');
      expect(second).not.toContain('>Registros anteriores</a>');
      const bad = await staff.get(`/support/codes/${world.code.id}?before=not-a-cursor`);
      expect(bad.status).toBe(400);
    });

    it('audits every look-up with who, what and the IP (e-mails masked)', async () => {
      const staff = await signedIn();
      await staff.get('/support/?kind=email&q=jose.nunez%40example.com');
      const { entries } = await readAuditLog(world.store, { limit: 5 });
      expect(entries[0]).toMatchObject({
        staffId: VIEWER.id,
        action: 'code.lookup',
        target: 'email:j***@example.com',
        ip: '10.1.1.1',
      });
    });

    it('downloads the redacted support bundle in one click, and audits it', async () => {
      const staff = await signedIn();
      const page = await (await staff.get(`/support/codes/${world.code.id}`)).text();
      expect(page).toContain(`/support/codes/${world.code.id}/bundle`);
      const response = await staff.get(`/support/codes/${world.code.id}/bundle`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="support-bundle-${world.code.cip}.json"`,
      );
      expect(response.headers.get('cache-control')).toBe('no-store');
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({
        code: { cip: world.code.cip, orderId: 'ORD-1001', transactionCode: world.code.id },
      });
      expect(text).not.toContain('jose.nunez@example.com');
      const { entries } = await readAuditLog(world.store, { limit: 1 });
      expect(entries[0]).toMatchObject({ staffId: VIEWER.id, action: 'code.bundle', target: `code:${world.code.id}` });
    });

    it('compares with the live status at the fake PagoEfectivo, highlighting differences', async () => {
      const staff = await signedIn();
      const inSync = await staff.get(`/support/codes/${world.code.id}/live`);
      expect(inSync.status).toBe(200);
      expect(await inSync.text()).toContain('Coincide: PagoEfectivo está de acuerdo');
      await world.fake.pay(world.code.cip as string, { notify: false });
      const html = await (await staff.get(`/support/codes/${world.code.id}/live`)).text();
      expect(html).toContain('no coinciden');
      expect(html).toMatch(/<tr class="differs">/);
    });
  });

  describe('voucher verification', () => {
    async function verify(input: Record<string, string> | FormData): Promise<Response> {
      const staff = agent(world.handler);
      await staff.login(VIEWER);
      await staff.get('/support/verify');
      const form = input instanceof FormData ? input : new FormData();
      if (!(input instanceof FormData)) for (const [name, value] of Object.entries(input)) form.set(name, value);
      form.set('csrf', staff.csrf());
      return staff.post('/support/verify', form);
    }

    it('says GENUINE for our token of a pending code', async () => {
      const response = await verify({ token: world.token });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('data-verdict="genuine"');
      expect(html).toContain('se puede pagar hasta');
    });

    it('says NOT GENUINE for a tampered token, and 400 for a malformed one', async () => {
      const forged = await verify({ token: tamper(world.token) });
      expect(forged.status).toBe(200);
      const html = await forged.text();
      expect(html).toContain('data-verdict="not_genuine"');
      expect(html).not.toContain('j***@example.com');
      const malformed = await verify({ token: 'not-a-token' });
      expect(malformed.status).toBe(400);
      expect(await malformed.text()).toContain('No es un token de nuestros comprobantes');
      expect((await verify({ token: '  ' })).status).toBe(400);
    });

    it('says GENUINE BUT NOT PAYABLE for a paid code', async () => {
      await world.codes.applyPayment({
        cip: world.code.cip as string,
        amountMinor: world.code.amountMinor,
        currency: 'PEN',
        operationNumber: 'OP-9',
      });
      const html = await (await verify({ token: world.token })).text();
      expect(html).toContain('data-verdict="not_payable"');
      expect(html).toContain('ya está pagado');
    });

    it('reads the token from an uploaded voucher PDF', async () => {
      const pdf = await renderVoucher(world.code, {
        merchant: { name: 'Tienda' },
        token: world.token,
        now: world.fake.now,
      });
      const form = new FormData();
      form.set('pdf', new File([pdf as BlobPart], 'voucher.pdf', { type: 'application/pdf' }));
      const html = await (await verify(form)).text();
      expect(html).toContain('data-verdict="genuine"');
      const junk = new FormData();
      junk.set('pdf', new File(['not a pdf'], 'voucher.pdf', { type: 'application/pdf' }));
      expect((await verify(junk)).status).toBe(400);
    });

    it('refuses an upload over the limit with 413 and a message', async () => {
      const handler = world.mount({ maxUploadBytes: 1024 });
      const staff = agent(handler);
      await staff.login(VIEWER);
      await staff.get('/support/verify');
      const form = new FormData();
      form.set('csrf', staff.csrf());
      form.set('pdf', new File([new Uint8Array(4096)], 'big.pdf', { type: 'application/pdf' }));
      const response = await staff.post('/support/verify', form);
      expect(response.status).toBe(413);
      expect(await response.text()).toContain('El archivo es demasiado grande: como máximo 1 KB.');
    });
  });

  describe('reconciliation page', () => {
    it("lists the last reconciliation's most urgent findings, critical first, linked to their codes, escaped", async () => {
      const viewer = agent(world.handler);
      await viewer.login(VIEWER);
      expect(await (await viewer.get('/support/reconcile')).text()).not.toContain('findings');
      const cip = world.code.cip as string;
      const csv = `CIP,Monto,Moneda,Fecha de Pago\n7777,<b>x</b>,PEN,2024-03-05 09:00\n${cip},1234.50,PEN,2024-03-05 10:00\n`;
      const report = await reconcileSettlement(csv, { store: world.store, items: 'none' });
      expect(report.findings).toBe(2);
      const text = await (await viewer.get('/support/reconcile')).text();
      expect(text).toContain('Hallazgos más urgentes de la última conciliación');
      expect(text).toContain('2 de 2 hallazgos, los críticos primero');
      const critical = text.indexOf('severity-critical');
      const warning = text.indexOf('severity-warning');
      expect(critical).toBeGreaterThan(0);
      expect(warning).toBeGreaterThan(critical);
      expect(text).toContain(`<a href="/support/codes/${encodeURIComponent(world.code.id)}">${cip}</a>`);
      expect(text).toContain('&lt;b&gt;x&lt;/b&gt;');
      expect(text).not.toContain('<b>x</b>');
      // A later run whose findings record failed: its counts are shown, the older findings are not.
      const failing = Object.create(world.store) as typeof world.store;
      failing.putValue = async (key, value, ttl) => {
        if (key.includes('last-findings')) throw new Error('disk full');
        return world.store.putValue(key, value, ttl);
      };
      const later = new Date(Date.now() + 60_000);
      await reconcileSettlement('CIP,Monto,Moneda,Fecha de Pago\n', {
        store: failing,
        items: 'none',
        now: () => later,
      });
      const after = await (await viewer.get('/support/reconcile')).text();
      expect(after).toContain('Hallazgos: 0');
      expect(after).not.toContain('severity-critical');
    });
  });

  describe('audit log page', () => {
    it('shows operators who did what, newest first, paged', async () => {
      const operator = agent(world.handler);
      await operator.login(OPERATOR);
      for (let index = 0; index < 55; index++) await operator.get(`/support/?kind=cip&q=${1000 + index}`);
      const first = await (await operator.get('/support/audit')).text();
      expect(first).toContain('cip:1054');
      expect(first).not.toContain('cip:1003');
      const older = /href="([^"]*audit\?before=[^"]*)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
      expect(older).toBeDefined();
      const second = await (await operator.get(older as string)).text();
      expect(second).toContain('cip:1003');
      expect(second).toContain('<code>login</code>');
    });
  });

  describe('single sign-on hook', () => {
    it('takes the staff member from auth.authorize, with a CSRF cookie, and refuses malformed answers', async () => {
      const handler = world.mount({
        auth: {
          builtInAccounts: false,
          authorize: (request) => {
            const who = request.headers.get('x-sso-user');
            if (who === 'broken') return { staffId: 'x', role: 'admin' } as never;
            return who ? { staffId: who, role: who.startsWith('op') ? 'operator' : 'viewer' } : null;
          },
        },
      });
      const sso = agent(handler);
      expect((await sso.get('/support/')).status).toBe(303);
      expect((await sso.get('/support/', { 'x-sso-user': 'broken' })).status).toBe(303);
      const page = await sso.get(`/support/codes/${world.code.id}`, { 'x-sso-user': 'op-maria' });
      expect(page.status).toBe(200);
      expect(sso.cookies.get('pek_console_csrf')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const noToken = await sso.post(`/support/codes/${world.code.id}/cancel`, {}, { 'x-sso-user': 'op-maria' });
      expect(noToken.status).toBe(403);
      const viewer = await sso.post(
        `/support/codes/${world.code.id}/cancel`,
        { csrf: sso.csrf() },
        { 'x-sso-user': 'vera' },
      );
      expect(viewer.status).toBe(403);
      const done = await sso.post(
        `/support/codes/${world.code.id}/cancel`,
        { csrf: sso.csrf() },
        { 'x-sso-user': 'op-maria' },
      );
      expect(done.status).toBe(303);
      const { entries } = await readAuditLog(world.store, { limit: 1 });
      expect(entries[0]).toMatchObject({ staffId: 'op-maria', action: 'code.cancel', outcome: 'ok' });
      expect((await sso.post('/support/login', { staffId: OPERATOR.id, password: OPERATOR.password })).status).toBe(
        404,
      );
    });
  });

  describe('locales', () => {
    it('switches language with ?lang= and remembers it in a cookie', async () => {
      const staff = agent(world.handler);
      await staff.login(VIEWER);
      const english = await (await staff.get('/support/?lang=en')).text();
      expect(english).toContain('<html lang="en">');
      expect(english).toContain('Look up a code');
      expect(await (await staff.get('/support/verify')).text()).toContain('Verify a voucher');
      const chinese = await (await staff.get('/support/?lang=zh-CN')).text();
      expect(chinese).toContain('查询付款码');
      expect((await staff.get('/support/?lang=xx')).status).toBe(200);
    });
  });

  describe('options', () => {
    it('refuses a console without codes, store, provider or auth', () => {
      for (const broken of [
        { ...baseOptions(), codes: undefined },
        { ...baseOptions(), store: undefined },
        { ...baseOptions(), client: undefined },
        { ...baseOptions(), auth: undefined },
        { ...baseOptions(), auth: { builtInAccounts: false } },
        { ...baseOptions(), basePath: 'support' },
      ]) {
        let caught: unknown;
        try {
          createSupportConsole(broken as never);
        } catch (error) {
          caught = error;
        }
        expect(isPagoEfectivoKitError(caught, 'config_invalid')).toBe(true);
      }
    });

    function baseOptions(): Record<string, unknown> {
      return { codes: world.codes, store: world.store, client: { searchCips: async () => [] }, auth: {} };
    }
  });
});
