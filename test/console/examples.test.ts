/**
 * The three mounting examples (node:http, Express, Hono), each started for real on 127.0.0.1: sign in
 * over HTTP, look a CIP up, upload the voucher PDF, sign out, stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleDemo, seedConsoleDemo } from '../../examples/support-console/_demo.js';
import { startExpressConsole } from '../../examples/support-console/express.js';
import { startHonoConsole } from '../../examples/support-console/hono.js';
import { type RunningConsole, startNodeHttpConsole } from '../../examples/support-console/node-http.js';

const PASSWORDS = { operator: 'operator password 1', viewer: 'viewer password 22' };

describe.each([
  ['node:http', startNodeHttpConsole],
  ['Express', startExpressConsole],
  ['Hono', startHonoConsole],
])('support console mounted in %s', (_name, start) => {
  let demo: ConsoleDemo;
  let running: RunningConsole;

  beforeAll(async () => {
    demo = await seedConsoleDemo({ passwords: PASSWORDS, iterations: 100_000 });
    running = await start(demo);
  });
  afterAll(async () => {
    await running?.close();
  });

  it('refuses anonymous visitors, signs staff in, serves pages and verifies an uploaded PDF', async () => {
    const anonymous = await fetch(`${running.url}/support/`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/support/login');
    expect((await fetch(`${running.url}/support/login`)).status).toBe(200);

    const login = await fetch(`${running.url}/support/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: running.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ staffId: demo.staff.viewer.id, password: PASSWORDS.viewer }),
    });
    expect(login.status).toBe(303);
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/^pek_console_session=/);

    const found = await fetch(`${running.url}/support/?kind=cip&q=${demo.code.cip}`, { headers: { cookie } });
    expect(found.status).toBe(200);
    const html = await found.text();
    expect(html).toContain('ORD-1001');
    expect(html).toContain('j***@example.com');

    const verifyPage = await (await fetch(`${running.url}/support/verify`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(verifyPage)?.[1] as string;
    const form = new FormData();
    form.set('csrf', csrf);
    form.set('pdf', new File([demo.pdf as BlobPart], 'voucher.pdf', { type: 'application/pdf' }));
    const verified = await fetch(`${running.url}/support/verify`, {
      method: 'POST',
      headers: { cookie, origin: running.url },
      body: form,
    });
    expect(verified.status).toBe(200);
    expect(await verified.text()).toContain('data-verdict="genuine"');

    const audit = await demo.store.readLog('kit:console:audit');
    expect(audit.map((entry) => entry.data.ip)).toContain('127.0.0.1');

    const out = await fetch(`${running.url}/support/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: running.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }),
    });
    expect(out.status).toBe(303);
    expect((await fetch(`${running.url}/support/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(303);
  });
});
