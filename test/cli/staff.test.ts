/** `pagoefectivo-kit staff add|disable|enable|list` against a SQLite store, run in-process. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../src/cli/index.js';
import { verifyStaffPassword } from '../../src/console/passwords.js';
import { findStaffRecord } from '../../src/console/staff.js';
import { sqliteStore } from '../../src/storage/adapters/sqlite.js';

interface Captured {
  io: CliIo;
  out: string[];
  err: string[];
}

function capture(env: Record<string, string> = {}, stdin?: string): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env,
    cwd: process.cwd(),
    untilStopped: () => new Promise(() => {}),
    ...(stdin === undefined ? {} : { readStdin: async () => stdin }),
  };
  return { io, out, err };
}

describe('staff commands', () => {
  let dir: string;
  let store: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pek-staff-'));
    const file = path.join(dir, 'shop.db');
    const db = new Database(file);
    sqliteStore(db); // creates the schema
    db.close();
    store = `sqlite:${file}`;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function withStore<T>(task: (opened: ReturnType<typeof sqliteStore>) => Promise<T>): Promise<T> {
    const db = new Database(store.slice('sqlite:'.length));
    try {
      return await task(sqliteStore(db));
    } finally {
      db.close();
    }
  }

  it('adds an account with the password from an environment variable', async () => {
    const run = capture({ STAFF_PASSWORD: 'a long enough password' });
    const code = await runCli(
      ['staff', 'add', 'Ana', '--role', 'operator', '--store', store, '--password-env', 'STAFF_PASSWORD'],
      run.io,
    );
    expect(run.err).toEqual([]);
    expect(code).toBe(0);
    expect(run.out.join('\n')).toMatch(/^added ana\s+operator\s+enabled/);
    const record = await withStore((opened) => findStaffRecord(opened, 'ana'));
    expect(await verifyStaffPassword('a long enough password', record?.passwordHash ?? '')).toBe(true);
    expect(run.out.join('')).not.toContain('a long enough password');
  });

  it('adds an account with the password from stdin', async () => {
    const run = capture({}, 'viewer password from stdin\n');
    expect(
      await runCli(
        ['staff', 'add', 'beto', '--role', 'viewer', '--store', store, '--password-stdin', '--json'],
        run.io,
      ),
    ).toBe(0);
    expect(JSON.parse(run.out[0] as string)).toMatchObject({ id: 'beto', role: 'viewer', disabled: false });
    const record = await withStore((opened) => findStaffRecord(opened, 'beto'));
    expect(await verifyStaffPassword('viewer password from stdin', record?.passwordHash ?? '')).toBe(true);
  });

  it('refuses a password on the command line, a missing source, a bad role and a duplicate id', async () => {
    const flag = capture();
    expect(
      await runCli(['staff', 'add', 'carla', '--role', 'viewer', '--store', store, '--password', 'x'], flag.io),
    ).toBe(2);
    expect(flag.err.join('')).toContain('--password is refused');
    const none = capture();
    expect(await runCli(['staff', 'add', 'carla', '--role', 'viewer', '--store', store], none.io)).toBe(2);
    const role = capture({ P: 'a long enough password' });
    expect(
      await runCli(['staff', 'add', 'carla', '--role', 'admin', '--store', store, '--password-env', 'P'], role.io),
    ).toBe(2);
    const dup = capture({ P: 'a long enough password' });
    expect(
      await runCli(['staff', 'add', 'ana', '--role', 'viewer', '--store', store, '--password-env', 'P'], dup.io),
    ).toBe(3);
    expect(dup.err.join('')).toContain('staff_account_exists');
    const weak = capture({ P: 'short' });
    expect(
      await runCli(['staff', 'add', 'dora', '--role', 'viewer', '--store', store, '--password-env', 'P'], weak.io),
    ).toBe(3);
    expect(weak.err.join('')).toContain('staff_account_invalid');
  });

  it('disables, enables and lists accounts', async () => {
    const disable = capture();
    expect(await runCli(['staff', 'disable', 'beto', '--store', store], disable.io)).toBe(0);
    const list = capture();
    expect(await runCli(['staff', 'list', '--store', store, '--json'], list.io)).toBe(0);
    const accounts = JSON.parse(list.out[0] as string) as { id: string; disabled: boolean }[];
    expect(accounts.map(({ id, disabled }) => ({ id, disabled }))).toEqual([
      { id: 'ana', disabled: false },
      { id: 'beto', disabled: true },
    ]);
    expect(list.out.join('')).not.toContain('pbkdf2');
    expect(await runCli(['staff', 'enable', 'beto', '--store', store], capture().io)).toBe(0);
    const missing = capture();
    expect(await runCli(['staff', 'disable', 'nobody', '--store', store], missing.io)).toBe(3);
    expect(missing.err.join('')).toContain('staff_account_not_found');
  });
});
