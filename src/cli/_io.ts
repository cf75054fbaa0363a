import { isPagoEfectivoKitError } from '../errors.js';

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
}

/** A mistake in how the command was invoked (exit code 2); the message says how to fix it. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** A failure while running (exit code 3) that is not an SDK error, e.g. an unreadable file. */
export class CliRuntimeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliRuntimeError';
  }
}

/** The real process: stdout/stderr, `process.env`, `process.cwd()`, SIGINT/SIGTERM. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    env: process.env,
    cwd: process.cwd(),
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
 * everything else → 3. SDK errors print their code and log-safe message, never a stack or a secret.
 */
export function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CliUsageError) {
    io.stderr(`error: ${error.message}\nRun with --help for usage.`);
    return EXIT_CODES.usage;
  }
  if (isPagoEfectivoKitError(error)) {
    io.stderr(`error [${error.code}]: ${error.message}`);
    return EXIT_CODES.runtime;
  }
  io.stderr(`error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT_CODES.runtime;
}
