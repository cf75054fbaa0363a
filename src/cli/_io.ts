import { CliRuntimeError, CliUsageError, isPagoEfectivoKitError } from '../errors.js';

export { CliRuntimeError, CliUsageError };

/** The documented exit codes of `pagoefectivo-kit`. */
export const EXIT_CODES: {
  readonly ok: 0;
  readonly findings: 1;
  readonly usage: 2;
  readonly runtime: 3;
} = { ok: 0, findings: 1, usage: 2, runtime: 3 };

/** Where a command reads its environment and writes its output (the real process, or a test double). */
export interface CliIo {
  /** Results (what scripts pipe on). */
  stdout(text: string): void;
  /** Progress, warnings and errors. */
  stderr(text: string): void;
  /** Environment variables (secrets come from here or from files, never from argv). */
  env: Readonly<Record<string, string | undefined>>;
  /** Base for relative paths. */
  cwd: string;
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM); used by long-running commands. */
  untilStopped(): Promise<string>;
  /**
   * Whether stderr is a terminal. Progress of long runs is written only then: in CI logs and cron
   * mail it would be noise between the results and the errors.
   */
  stderrIsTTY?: boolean;
  /**
   * The real stdout stream, when there is one: long streamed results (`reconcile --format ndjson`)
   * wait for it to drain instead of piling up in memory. Absent in test doubles (`stdout` is used).
   */
  stdoutStream?: NodeJS.WritableStream & { once: NodeJS.WritableStream['once']; off: NodeJS.WritableStream['off'] };
  /** Read all of stdin as text (`staff add --password-stdin`); absent when there is no stdin to read. */
  readStdin?(): Promise<string>;
}

/** Write a progress line of a long run (reconcile, sweep) on stderr, only when stderr is a terminal. */
export function progress(io: CliIo, text: string): void {
  if (io.stderrIsTTY === true) io.stderr(text);
}

/** The real process: stdout/stderr, `process.env`, `process.cwd()`, SIGINT/SIGTERM. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    env: process.env,
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutStream: process.stdout,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).toString('utf8');
    },
    untilStopped: () =>
      new Promise((resolve) => {
        const stop = (signal: string): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
  };
}

/**
 * Turn anything a command threw into a message on stderr and an exit code: usage mistakes → 2,
 * everything else → 3. Every message carries a stable code (`error [code]: message`; with `--json`,
 * `{"error":{"code","message"}}`); SDK errors print their log-safe message, never a stack or a secret.
 */
export function reportFailure(error: unknown, io: CliIo, json = false): number {
  const known = isPagoEfectivoKitError(error);
  const code = known ? error.code : 'cli_runtime';
  const message = error instanceof Error ? error.message : String(error);
  const usage = error instanceof CliUsageError;
  if (json) io.stderr(JSON.stringify({ error: { code, message } }));
  else io.stderr(`error [${code}]: ${message}${usage ? '\nRun with --help for usage.' : ''}`);
  return usage ? EXIT_CODES.usage : EXIT_CODES.runtime;
}
