import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI, exactly what the package's `bin` points at. */
export const BIN: string = fileURLToPath(new URL('../../dist/node/cli/index.js', import.meta.url));

/** Fail loudly when the CLI has not been built: these tests run the real binary. */
export function requireBinary(): void {
  if (!existsSync(BIN)) {
    throw new Error(
      `The CLI binary ${BIN} is missing: run "npm run build" before the CLI tests ` +
        '(or, during development: npx esbuild src/cli/index.ts --bundle --platform=node --format=esm ' +
        '--packages=external --outfile=dist/node/cli/index.js).',
    );
  }
}

/** What a finished CLI run produced. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Extra environment variables (the child gets only these plus PATH, so no real credential leaks in). */
  env?: Record<string, string>;
  cwd?: string;
}

function childEnv(env: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', ...env };
}

/** Run `node dist/node/cli/index.js …args` to completion. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  requireBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: childEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running CLI process (e.g. `fake-server`). */
export interface RunningCli {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Send a signal and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<RunResult>;
}

/** Start the CLI and resolve once stdout matches `ready` (rejects if it exits first). */
export function startCli(args: readonly string[], ready: RegExp, options: RunOptions = {}): Promise<RunningCli> {
  requireBinary();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: childEnv(options.env) });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<RunResult>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (ready.test(stdout)) {
        resolve({
          child,
          stdout: () => stdout,
          stop: (signal = 'SIGINT') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    void exited.then((result) =>
      reject(new Error(`the CLI exited (${result.code}) before it was ready: ${result.stderr}`)),
    );
  });
}

/** Quote one word for `sh -c`. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Run the CLI with stderr on a pseudo-terminal (util-linux `script`), stdout to a file: what an
 * operator at a terminal sees on stderr. Resolves to the exit code, stdout and the terminal's text.
 */
export async function runCliOnTerminal(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  requireBinary();
  const { mkdtemp, readFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(tmpdir(), 'pek-tty-'));
  const out = path.join(dir, 'stdout.txt');
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  try {
    const terminal = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
      const child = spawn('script', ['-qec', `${command} > ${shellQuote(out)}`, '/dev/null'], {
        cwd: options.cwd,
        env: childEnv(options.env),
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, text: text.replace(/\r\n/g, '\n') }));
    });
    return { code: terminal.code, stdout: await readFile(out, 'utf8'), stderr: terminal.text };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
