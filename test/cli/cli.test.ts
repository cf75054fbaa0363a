import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, requireBinary, runCli } from './_bin.js';

describe('pagoefectivo-kit (the binary)', () => {
  beforeAll(requireBinary);

  it('lists the commands with --help and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['keys generate', 'verify-voucher', 'sign-webhook', 'reconcile', 'sweep', 'fake-server']) {
      expect(result.stdout).toContain(name);
    }
    expect(result.stdout).toContain(
      'Exit codes: 0 ok, 1 findings / verification failed, 2 usage error, 3 runtime error.',
    );
  });

  it('prints the command list on stderr and exits 2 without a command', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: pagoefectivo-kit <command>');
    expect(result.stderr).toContain('error [cli_usage]: missing command.');
  });

  it('prints the package version with --version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
    expect(JSON.parse((await runCli(['--version', '--json'])).stdout)).toEqual({ version });
  });

  it.each([
    [['frobnicate-s3cr3t-t0ken'], 'unknown command (not shown'],
    [['sweep', 's3cr3t-t0ken'], 'unexpected argument #1 (value not shown'],
    [['verify-voucher', 'tok', 's3cr3t-t0ken'], 'unexpected argument #2 (value not shown'],
    [['sweep', '--S3cr3t-t0ken=x'], 'Unknown option an option (not shown'],
    [
      ['verify-voucher', 'tok', '--public-key', 's3cr3t-t0ken'],
      '--public-key #1 is neither kid=KEY nor an existing file',
    ],
  ])('never echoes a value that may be a pasted secret (%j)', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('error [cli_usage]');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/s3cr3t|S3cr3t/);
  });

  it('prints errors as JSON on stderr with --json, with the same code and exit code', async () => {
    const result = await runCli(['sweep', 'extra', '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const { error } = JSON.parse(result.stderr) as { error: { code: string; message: string } };
    expect(error.code).toBe('cli_usage');
    expect(error.message).toMatch(/^unexpected argument #1/);
  });

  it.each(['keys generate', 'verify-voucher', 'sign-webhook', 'reconcile', 'sweep', 'fake-server'])(
    'offers --json on %s',
    async (name) => {
      const result = await runCli([...name.split(' '), '--help']);
      expect(result.stdout).toMatch(/\n {2}--json\b/);
    },
  );

  it.each([
    [['frobnicate'], 'unknown command (not shown, in case it is a secret). Commands: keys generate,'],
    [['keys'], '"keys" needs a subcommand: keys generate.'],
    [['keys', 'generate', '--bogus'], "Unknown option '--bogus'"],
    [['verify-voucher'], 'missing the voucher PDF or token.'],
    [
      ['sweep', 'extra'],
      'unexpected argument #1 (value not shown, in case it is a secret); this command takes no arguments.',
    ],
  ])('exits 2 with a usage message for %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error [cli_usage]: `);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Run with --help for usage.');
  });

  it.each([
    ['sign-webhook', 'body.json', '--secret=abc'],
    ['sweep', '--access-key', 'abc'],
    ['reconcile', '--password', 'abc'],
    ['verify-voucher', 'tok', '--secret-key=abc'],
  ])('refuses secrets on the command line (%s)', async (...args) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--[a-z-]+ is refused: secrets on the command line end up in shell history/);
    expect(result.stderr).not.toContain('abc');
  });

  it.each(['keys generate', 'verify-voucher', 'sign-webhook', 'reconcile', 'sweep', 'fake-server'])(
    'gives %s a --help with its exit codes',
    async (name) => {
      const result = await runCli([...name.split(' '), '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: pagoefectivo-kit ${name}`);
      expect(result.stdout).toMatch(/Exit codes: 0 /);
    },
  );

  it('starts with a node shebang and runs through a symlink, as npm links the bin', async () => {
    expect((await readFile(BIN, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
    const dir = await mkdtemp(path.join(tmpdir(), 'pek-bin-'));
    try {
      await symlink(BIN, path.join(dir, 'pagoefectivo-kit'));
      const linked = spawnSync(process.execPath, [path.join(dir, 'pagoefectivo-kit'), '--help'], { encoding: 'utf8' });
      expect(linked.status).toBe(0);
      expect(linked.stdout).toContain('Usage: pagoefectivo-kit <command>');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs nothing when imported as the pagoefectivo-kit/cli module', () => {
    const script = `const m = await import(${JSON.stringify(pathToFileURL(BIN).href)}); console.log(Object.keys(m).sort().join(','));`;
    const imported = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(imported.status).toBe(0);
    expect(imported.stdout.trim()).toBe(
      'CLI_VERSION,CliRuntimeError,CliUsageError,EXIT_CODES,cliCommands,processIo,runCli',
    );
    expect(imported.stderr).toBe('');
  });
});
