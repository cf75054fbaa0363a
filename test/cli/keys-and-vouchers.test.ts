import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVoucher } from '../../src/voucher/index.js';
import { createVoucherToken } from '../../src/voucher/token.js';
import { requireBinary, runCli } from './_bin.js';

const CODE = {
  id: 'code-1',
  orderId: 'ORD-777',
  cip: '2401557',
  amountMinor: 15050,
  currency: 'PEN' as const,
  expiresAt: new Date('2099-03-07T04:59:59Z'),
  createdAt: new Date('2024-03-05T15:00:00Z'),
};

/** Flip one character of the signature part (the last 86 characters). */
function tamper(token: string): string {
  const i = token.length - 20;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

describe('keys generate and verify-voucher (the binary)', () => {
  let dir: string;
  let publicKey: string;
  let secretKey: string;
  let token: string;

  beforeAll(async () => {
    requireBinary();
    dir = await mkdtemp(path.join(tmpdir(), 'pek-cli-'));
    const result = await runCli(['keys', 'generate', '--out', 'voucher.key', '--kid', 'k1', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { kid: string; publicKey: string; secretKeyFile: string };
    expect(printed.kid).toBe('k1');
    expect(printed.secretKeyFile).toBe(path.join(dir, 'voucher.key'));
    publicKey = printed.publicKey;
    secretKey = (await readFile(path.join(dir, 'voucher.key'), 'utf8')).trim();
    token = await createVoucherToken(CODE, secretKey, { kid: 'k1' });
    await writeFile(path.join(dir, 'voucher.pdf'), await renderVoucher(CODE, { merchant: { name: 'Tienda' }, token }));
    await writeFile(path.join(dir, 'keys.txt'), `# trusted voucher keys\nold=${'A'.repeat(43)}\nk1=${publicKey}\n`);
    await writeFile(path.join(dir, 'k1.json'), result.stdout);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the secret key to a 0600 file and never prints it', async () => {
    const info = await stat(path.join(dir, 'voucher.key'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(secretKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const human = await runCli(['keys', 'generate', '--out', 'second.key'], { cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^kid=[A-Za-z0-9_-]+\npublic_key=[A-Za-z0-9_-]{43}\nsecret_key_file=/);
    const second = (await readFile(path.join(dir, 'second.key'), 'utf8')).trim();
    expect(human.stdout + human.stderr).not.toContain(second);
  });

  it('refuses to overwrite a key file without --force, and requires --out', async () => {
    const again = await runCli(['keys', 'generate', '--out', 'voucher.key'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists; pass --force');
    expect((await readFile(path.join(dir, 'voucher.key'), 'utf8')).trim()).toBe(secretKey);
    const noOut = await runCli(['keys', 'generate'], { cwd: dir });
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--out FILE is required');
  });

  it('verifies a genuine voucher PDF from its metadata (exit 0)', async () => {
    const result = await runCli(['verify-voucher', 'voucher.pdf', '--public-key', `k1=${publicKey}`], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('GENUINE voucher (signed with key "k1")');
    expect(result.stdout).toContain('CIP:      2401557');
    expect(result.stdout).toContain('Order:    ORD-777');
    expect(result.stdout).toContain('Amount:   S/ 150.50');
    expect(result.stdout).not.toContain('EXPIRED');
  });

  it('verifies a token with keys from a kid=key file or keys-generate JSON', async () => {
    for (const keys of ['keys.txt', 'k1.json']) {
      const result = await runCli(['verify-voucher', token, '--public-key', keys, '--json'], { cwd: dir });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        genuine: true,
        expired: false,
        claims: { cip: '2401557', kid: 'k1' },
      });
    }
  });

  it('says when a genuine voucher has expired', async () => {
    const old = await createVoucherToken({ ...CODE, expiresAt: new Date('2024-03-07T04:59:59Z') }, secretKey, {
      kid: 'k1',
    });
    const result = await runCli(['verify-voucher', old, '--public-key', `k1=${publicKey}`], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('GENUINE voucher (signed with key "k1") - EXPIRED');
  });

  it.each([
    ['a tampered token', (t: string) => tamper(t), 'token_signature_invalid'],
    ['garbage', () => 'not-a-token', 'token_malformed'],
  ])('rejects %s (exit 1)', async (_name, mutate, reason) => {
    const result = await runCli(['verify-voucher', mutate(token), '--public-key', `k1=${publicKey}`, '--json'], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ genuine: false, reason, claims: null, expired: null });
  });

  it('rejects a voucher signed with an untrusted key and a PDF without a token (exit 1)', async () => {
    const other = await runCli(['verify-voucher', token, '--public-key', `k2=${publicKey}`], { cwd: dir });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('NOT GENUINE [token_unknown_key]');
    const plain = await PDFDocument.create();
    plain.addPage();
    await writeFile(path.join(dir, 'plain.pdf'), await plain.save());
    const bare = await runCli(['verify-voucher', 'plain.pdf', '--public-key', `k1=${publicKey}`], { cwd: dir });
    expect(bare.code).toBe(1);
    expect(bare.stdout).toContain('NOT GENUINE [token_missing]: the PDF holds no voucher token');
  });

  it('exits 2 without a usable public key; a file that is not a PDF is not genuine; an unreadable one exits 3', async () => {
    const none = await runCli(['verify-voucher', token], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give at least one --public-key');
    await writeFile(path.join(dir, 'broken.pdf'), 'not a pdf at all');
    const broken = await runCli(['verify-voucher', 'broken.pdf', '--public-key', `k1=${publicKey}`], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('NOT GENUINE [token_malformed]');
    await mkdir(path.join(dir, 'folder.pdf'));
    const unreadable = await runCli(['verify-voucher', 'folder.pdf', '--public-key', `k1=${publicKey}`], { cwd: dir });
    expect(unreadable.code).toBe(3);
    expect(unreadable.stderr).toContain('EISDIR');
    // A missing file is a runtime error like an unreadable one (docs/cli.md: exit 3).
    const missing = await runCli(['verify-voucher', 'missing.pdf', '--public-key', `k1=${publicKey}`], { cwd: dir });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('error [cli_runtime]: ');
    expect(missing.stderr).toContain('missing.pdf does not exist.');
  });
});
