/**
 * The real console in headless Chromium (playwright-core driving Debian's chromium) over HTTP on
 * 127.0.0.1, with the fake PagoEfectivo: login, lockout, a viewer refused an operator action, CSRF
 * refusal, search by each key, live status, PDF upload of a genuine and a tampered voucher, the QR
 * scanner, locale switch and the audit log. Screenshots go to a temporary folder (path printed).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleDemo, seedConsoleDemo } from '../../examples/support-console/_demo.js';
import { type RunningConsole, startNodeHttpConsole } from '../../examples/support-console/node-http.js';
import { addStaffAccount } from '../../src/console/index.js';
import { reconcileSettlement } from '../../src/reconcile/index.js';
import { VOUCHER_TOKEN_INFO_KEY } from '../../src/voucher/index.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORDS = { operator: 'operator password 1', viewer: 'viewer password 22' };
const hasChromium = existsSync(CHROMIUM);

/**
 * Close a page without waiting for ever: CI once spent a whole test's minute in a step without a
 * timeout of its own. A close that has not finished in 5 s is left to the context's close.
 */
async function closePage(page: Page): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      trace.push(`${new Date().toISOString()} page.close still running after 5 s; left to the context`);
      resolve();
    }, 5_000);
  });
  await Promise.race([page.close().catch(() => undefined), late]);
  clearTimeout(timer);
}

/** The last Playwright API calls and browser messages, printed when a test fails (the step that hung). */
const trace: string[] = [];
const TRACE_LINES = 60;
function traceLine(line: string): void {
  trace.push(`${new Date().toISOString()} ${line}`);
  if (trace.length > TRACE_LINES * 4) trace.splice(0, trace.length - TRACE_LINES);
}

/** Flip one character in the signature part of a token. */
function tamper(token: string): string {
  const index = token.length - 20;
  return token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
}

/** The genuine voucher PDF with its embedded token altered (what a forger editing the file produces). */
async function tamperedPdf(pdf: Uint8Array, token: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  info.set(PDFName.of(VOUCHER_TOKEN_INFO_KEY), PDFHexString.fromText(tamper(token)));
  return doc.save();
}

describe('support console in headless Chromium', () => {
  if (!hasChromium) {
    it.skip(`SKIPPED LOUDLY: needs Chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it`, () => {});
    console.warn(
      `\n*** support console browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install chromium) ***\n`,
    );
    return;
  }
  let demo: ConsoleDemo;
  let running: RunningConsole;
  let context: BrowserContext;
  let profile: string;
  let shots: string;
  let files: { genuine: string; tampered: string };

  beforeAll(async () => {
    demo = await seedConsoleDemo({ passwords: PASSWORDS, iterations: 100_000 });
    // The lockout scenario locks its own account, so the others can still sign in from 127.0.0.1.
    await addStaffAccount(demo.store, {
      id: 'locked@tienda.pe',
      role: 'viewer',
      password: 'never typed right',
      iterations: 100_000,
    });
    demo.options.auth = { ...demo.options.auth, lockout: { perAccount: 3, perIp: 50 } };
    running = await startNodeHttpConsole(demo);
    profile = await mkdtemp(path.join(tmpdir(), 'pek-chromium-'));
    shots = await mkdtemp(path.join(tmpdir(), 'pek-console-shots-'));
    console.info(`support console screenshots: ${shots}`);
    files = { genuine: path.join(shots, 'voucher.pdf'), tampered: path.join(shots, 'tampered.pdf') };
    await writeFile(files.genuine, demo.pdf);
    await writeFile(files.tampered, await tamperedPdf(demo.pdf, demo.token));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 860 },
      logger: { isEnabled: (name) => name === 'api', log: (_name, _severity, message) => traceLine(String(message)) },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    // A stuck step fails with Playwright's error naming it, well inside the test's own timeout.
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(20_000);
    // Chromium's first page in a new profile costs the most (renderer start, first paint): spend it here.
    const warmUp = await context.newPage();
    await warmUp.goto(`${running.url}/support/login`);
    await closePage(warmUp);
  }, 90_000);

  afterEach(({ task }) => {
    if (task.result?.state === 'fail') console.error(`last browser steps:\n${trace.slice(-TRACE_LINES).join('\n')}`);
    trace.length = 0;
  });

  afterAll(async () => {
    await context?.close();
    await running?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function signIn(who: { id: string; password: string }): Promise<Page> {
    const page = await context.newPage();
    await context.clearCookies();
    await page.goto(`${running.url}/support/`);
    expect(page.url()).toBe(`${running.url}/support/login`);
    await page.fill('input[name="staffId"]', who.id);
    await page.fill('input[name="password"]', who.password);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${running.url}/support/`);
    return page;
  }

  const shot = (page: Page, name: string): Promise<Buffer> =>
    page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

  it('signs in, refuses a wrong password, and locks an account after repeated failures', async () => {
    const page = await context.newPage();
    await page.goto(`${running.url}/support/login`);
    await shot(page, '01-login');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await page.fill('input[name="staffId"]', 'locked@tienda.pe');
      await page.fill('input[name="password"]', `wrong guess ${attempt}`);
      const [response] = await Promise.all([
        page.waitForResponse(/\/support\/login$/),
        page.click('button[type="submit"]'),
      ]);
      expect(response.status()).toBe(attempt < 3 ? 401 : 429);
    }
    await expect(page.locator('.notice-error').textContent()).resolves.toContain('Demasiados intentos fallidos');
    await shot(page, '02-locked');
    await page.fill('input[name="staffId"]', 'locked@tienda.pe');
    await page.fill('input[name="password"]', 'never typed right');
    const [locked] = await Promise.all([
      page.waitForResponse(/\/support\/login$/),
      page.click('button[type="submit"]'),
    ]);
    expect(locked.status()).toBe(429);
    await closePage(page);
  }, 60_000);

  it('finds the code by CIP, order id, e-mail and transaction code, and shows its page', async () => {
    const page = await signIn({ id: demo.staff.operator.id, password: PASSWORDS.operator });
    for (const [kind, value] of [
      ['cip', demo.code.cip as string],
      ['orderId', 'ORD-1001'],
      ['email', 'jose.nunez@example.com'],
      ['transactionCode', demo.code.id],
    ] as const) {
      await page.selectOption('select[name="kind"]', kind);
      await page.fill('input[name="q"]', value);
      await Promise.all([page.waitForURL(/\?kind=/), page.click('form.search button')]);
      await expect(page.locator('table.codes tbody tr').count()).resolves.toBe(1);
      await expect(page.locator('table.codes').textContent()).resolves.toContain('j***@example.com');
      if (kind === 'email') await shot(page, '03-search');
    }
    await page.fill('input[name="q"]', '99999999');
    await page.selectOption('select[name="kind"]', 'cip');
    const [missing] = await Promise.all([page.waitForResponse(/q=99999999/), page.click('form.search button')]);
    expect(missing.status()).toBe(404);
    await expect(page.locator('.notice-error').textContent()).resolves.toContain('99999999');
    await page.goto(`${running.url}/support/?kind=cip&q=${demo.code.cip}`);
    await Promise.all([page.waitForURL(/\/codes\//), page.click('table.codes a')]);
    await expect(page.locator('h1').textContent()).resolves.toContain(demo.code.cip as string);
    await expect(page.locator('table.log').first().textContent()).resolves.toContain('created');
    await shot(page, '04-code');
    await closePage(page);
  }, 60_000);

  it('shows the live status beside ours, differences highlighted', async () => {
    const page = await signIn({ id: demo.staff.viewer.id, password: PASSWORDS.viewer });
    await page.goto(`${running.url}/support/codes/${demo.code.id}`);
    await Promise.all([page.waitForURL(/\/live$/), page.click('a[href$="/live"]')]);
    await expect(page.locator('.notice').textContent()).resolves.toContain('Coincide');
    await demo.fake.pay(demo.code.cip as string, { notify: false });
    await page.reload();
    await expect(page.locator('tr.differs').count()).resolves.toBeGreaterThan(0);
    await shot(page, '05-live-differs');
    await closePage(page);
  }, 60_000);

  it('verifies an uploaded genuine voucher and refuses a tampered one', async () => {
    const page = await signIn({ id: demo.staff.viewer.id, password: PASSWORDS.viewer });
    await page.goto(`${running.url}/support/verify`);
    await page.click('#scan-qr');
    await expect(page.locator('.scan-message').textContent()).resolves.toMatch(/BarcodeDetector|cámara/);
    await page.setInputFiles('input[name="pdf"]', files.genuine);
    await Promise.all([page.waitForResponse(/\/support\/verify$/), page.click('#verify-form button[type="submit"]')]);
    // Our records still say pending (the fake's payment was never notified): genuine and payable.
    await expect(page.locator('.verdict').getAttribute('data-verdict')).resolves.toBe('genuine');
    await expect(page.locator('.verdict-reason').textContent()).resolves.toContain('se puede pagar hasta');
    await shot(page, '06-genuine');
    await page.setInputFiles('input[name="pdf"]', files.tampered);
    await Promise.all([page.waitForResponse(/\/support\/verify$/), page.click('#verify-form button[type="submit"]')]);
    await expect(page.locator('.verdict').getAttribute('data-verdict')).resolves.toBe('not_genuine');
    await expect(page.locator('.verdict-title').textContent()).resolves.toBe('NO AUTÉNTICO');
    await shot(page, '07-tampered');
    await closePage(page);
  }, 60_000);

  it('refuses a viewer an operator action, and a form with a wrong CSRF token', async () => {
    const other = await demo.codes.issue({
      orderId: 'ORD-2002',
      amount: '80.00',
      currency: 'PEN',
      payer: { email: 'ana.quispe@example.com' },
    });
    const viewer = await signIn({ id: demo.staff.viewer.id, password: PASSWORDS.viewer });
    await viewer.goto(`${running.url}/support/codes/${other.code.id}`);
    await expect(viewer.locator('form[action$="/cancel"]').count()).resolves.toBe(0);
    const status = await viewer.evaluate(async (action) => {
      const csrf = (document.querySelector('input[name="csrf"]') as HTMLInputElement).value;
      const response = await fetch(action, { method: 'POST', body: new URLSearchParams({ csrf }) });
      return response.status;
    }, `${running.url}/support/codes/${other.code.id}/cancel`);
    expect(status).toBe(403);
    await closePage(viewer);

    const operator = await signIn({ id: demo.staff.operator.id, password: PASSWORDS.operator });
    operator.on('dialog', (dialog) => void dialog.accept());
    await operator.goto(`${running.url}/support/codes/${other.code.id}`);
    await operator.evaluate(() => {
      for (const input of document.querySelectorAll<HTMLInputElement>('form[action$="/cancel"] input[name="csrf"]')) {
        input.value = 'forged-token';
      }
    });
    const [refused] = await Promise.all([
      operator.waitForResponse(/\/cancel$/),
      operator.click('form[action$="/cancel"] button'),
    ]);
    expect(refused.status()).toBe(403);
    await expect(operator.locator('.notice-error').textContent()).resolves.toContain('Este formulario expiró');
    await shot(operator, '08-csrf-refused');
    expect((await demo.store.getCode(other.code.id))?.status).toBe('pending');
    await operator.goto(`${running.url}/support/codes/${other.code.id}`);
    await Promise.all([operator.waitForURL(/done=cancelled/), operator.click('form[action$="/cancel"] button')]);
    await expect(operator.locator('.notice-ok').textContent()).resolves.toContain('El código fue anulado.');
    expect((await demo.store.getCode(other.code.id))?.status).toBe('cancelled');
    await closePage(operator);
  }, 60_000);

  it('switches the language and shows the audit log to operators', async () => {
    const page = await signIn({ id: demo.staff.operator.id, password: PASSWORDS.operator });
    await page.click('nav.lang a[lang="en"]');
    await expect(page.locator('h1').textContent()).resolves.toBe('Look up a code');
    await page.goto(`${running.url}/support/audit`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Audit log');
    const table = await page.locator('table.audit').textContent();
    expect(table).toContain('code.lookup');
    expect(table).toContain('code.cancel');
    expect(table).toContain('refused');
    expect(table).toContain('127.0.0.1');
    await shot(page, '09-audit-en');
    await page.click('nav.lang a[lang="zh-CN"]');
    await expect(page.locator('h1').textContent()).resolves.toBe('审计日志');
    await page.goto(`${running.url}/support/?kind=cip&q=${demo.code.cip}`);
    await shot(page, '10-search-zh');
    await closePage(page);
  }, 60_000);

  it("lists the last reconciliation's most urgent findings, each CIP opening its code", async () => {
    const csv = `CIP,Monto,Moneda,Fecha de Pago\n7777,12.5.0,PEN,2024-03-05 09:00\n${demo.code.cip},1234.50,PEN,2024-03-05 10:00\n`;
    await reconcileSettlement(csv, { store: demo.store, items: 'none' });
    const page = await signIn({ id: demo.staff.viewer.id, password: PASSWORDS.viewer });
    await page.goto(`${running.url}/support/reconcile`);
    const rows = page.locator('table.findings tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(0).locator('.severity-critical').textContent()).resolves.toBe('crítico');
    await expect(rows.nth(1).locator('.severity-warning').textContent()).resolves.toBe('advertencia');
    await shot(page, '11-reconcile-findings');
    await Promise.all([page.waitForURL(/\/support\/codes\//), rows.nth(0).locator('a').click()]);
    await expect(page.locator('body').textContent()).resolves.toContain(demo.code.cip as string);
    await closePage(page);
  }, 60_000);
});
