import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoWorld, seedDemo } from '../examples/support-console/demo.js';
import { type SupportConsole, startSupportConsole } from '../examples/support-console/server.js';

const CHROMIUM = '/usr/bin/chromium';
const STAFF_KEY = 'staff-key-for-the-e2e-test';
const hasChromium = existsSync(CHROMIUM);

/** Flip one character in the signature part of a token. */
function tamper(token: string): string {
  const i = token.length - 20;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

describe('support console in headless Chromium', () => {
  if (!hasChromium) {
    it.skip(`needs Chromium at ${CHROMIUM} (apt-get install chromium)`, () => {});
    return;
  }
  let world: DemoWorld;
  let running: SupportConsole;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    world = await seedDemo();
    running = await startSupportConsole({
      port: 0,
      staffKey: STAFF_KEY,
      publicKeys: world.publicKeys,
      codes: world.codes,
      store: world.store,
    });
    dir = await mkdtemp(path.join(tmpdir(), 'support-e2e-'));
    await writeFile(path.join(dir, 'voucher.pdf'), world.pdf);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function signedIn(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${running.url}/`);
    await page.fill('#staffKey', STAFF_KEY);
    await Promise.all([page.waitForURL(`${running.url}/`), page.click('button[type=submit]')]);
    return page;
  }

  it('refuses access without the staff key', async () => {
    const page = await browser.newPage();
    await page.goto(`${running.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#staffKey', 'a-wrong-staff-key-guess');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#login-error')).toBe('Wrong staff key.');
    const api = await page.request.post(`${running.url}/api/verify`, { data: { token: world.token } });
    expect(api.status()).toBe(401);
    expect(await page.context().cookies()).toEqual([]);
    await page.close();
  });

  it('shows a genuine pasted token with the code status and its lifecycle history', async () => {
    const page = await signedIn();
    const cookie = (await page.context().cookies())[0];
    expect(cookie).toMatchObject({ name: 'support_session', httpOnly: true, sameSite: 'Strict' });
    await page.fill('#token', world.token);
    await page.click('#verify-token');
    await expect.poll(() => page.getAttribute('#verdict', 'data-state')).toBe('genuine');
    expect(await page.textContent('#verdict')).toBe('GENUINE voucher; code status: pending.');
    const voucher = await page.textContent('#voucher');
    expect(voucher).toContain(world.code.cip as string);
    expect(voucher).toContain('ORD-1001');
    expect(voucher).toContain('S/ 149.90');
    expect(await page.textContent('#code')).toContain('pending');
    const history = await page.locator('#history tr').allTextContents();
    expect(history.map((row) => row.includes('created'))).toContain(true);
    expect(history.length).toBe((await world.codes.history(world.code.id)).length);
    await page.close();
  });

  it('reads the token from an uploaded voucher PDF and follows the code to paid', async () => {
    await world.codes.applyPayment({
      cip: world.code.cip as string,
      amountMinor: world.code.amountMinor,
      currency: 'PEN',
      operationNumber: '987654',
      source: 'webhook',
    });
    const page = await signedIn();
    await page.setInputFiles('#pdf', path.join(dir, 'voucher.pdf'));
    await expect.poll(() => page.textContent('#verdict')).toBe('GENUINE voucher; code status: paid.');
    const history = (await page.locator('#history tr').allTextContents()).join('\n');
    expect(history).toContain('paid');
    expect(history).toContain('pagoefectivo');
    await page.close();
  });

  it('shows a tampered token as forged, without store details', async () => {
    const page = await signedIn();
    await page.fill('#token', tamper(world.token));
    await page.click('#verify-token');
    await expect.poll(() => page.getAttribute('#verdict', 'data-state')).toBe('forged');
    expect(await page.textContent('#verdict')).toContain('FORGED or altered');
    expect(await page.isVisible('#details')).toBe(false);
    await page.close();
  });
});

describe('support console over HTTP', () => {
  let world: DemoWorld;
  let running: SupportConsole;

  beforeAll(async () => {
    world = await seedDemo();
    running = await startSupportConsole({
      port: 0,
      staffKey: STAFF_KEY,
      publicKeys: world.publicKeys,
      codes: world.codes,
      store: world.store,
      maxUploadBytes: 1024,
    });
  });

  afterAll(async () => {
    await running?.close();
  });

  const verify = (headers: Record<string, string>, body: string): Promise<Response> =>
    fetch(`${running.url}/api/verify`, { method: 'POST', headers, body });

  it('accepts the staff key as a header and refuses a wrong one', async () => {
    const ok = await verify(
      { 'x-staff-key': STAFF_KEY, 'content-type': 'application/json' },
      JSON.stringify({ token: world.token }),
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ genuine: true, code: { status: 'pending' } });
    const wrong = await verify({ 'x-staff-key': `${STAFF_KEY}x`, 'content-type': 'application/json' }, '{}');
    expect(wrong.status).toBe(401);
  });

  it('refuses other content types and oversized uploads', async () => {
    const text = await verify({ 'x-staff-key': STAFF_KEY, 'content-type': 'text/plain' }, world.token);
    expect(text.status).toBe(415);
    const big = await verify({ 'x-staff-key': STAFF_KEY, 'content-type': 'application/pdf' }, 'x'.repeat(2048));
    expect(big.status).toBe(413);
  });

  it('serves pages with a nonce-based CSP and no-store caching', async () => {
    const login = await fetch(`${running.url}/login`);
    const csp = login.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(await login.text()).toContain(`<style nonce="${nonce}">`);
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.headers.get('x-frame-options')).toBe('DENY');
  });

  it('locks an IP out after 10 wrong staff keys, even for the right one', async () => {
    const attempt = (key: string): Promise<Response> =>
      fetch(`${running.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ staffKey: key }).toString(),
        redirect: 'manual',
      });
    for (let i = 0; i < 10; i += 1) expect((await attempt(`wrong-guess-number-${i}`)).status).toBe(401);
    const locked = await attempt(STAFF_KEY);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('Too many failed attempts');
    expect(locked.headers.get('set-cookie')).toBeNull();
  });
});
