import type { CliIo } from './_io.js';

/** One `pagoefectivo-kit` command, loaded only when it runs (so `--help` stays fast). */
export interface CliCommand {
  /** The full `--help` text. */
  help: string;
  /** Run with the arguments after the command name; resolves to the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** An entry of the command list. */
export interface CliCommandEntry {
  /** The words that select it, e.g. `keys generate`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Load the command's module. */
  load(): Promise<CliCommand>;
}
