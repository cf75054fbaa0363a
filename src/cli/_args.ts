import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliUsageError } from './_io.js';

/** The option table of a command, in `node:util` `parseArgs` form. */
export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments of a command. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

// Flags that would put a secret into shell history and the process list. Refused everywhere.
const SECRET_FLAG =
  /^--(secret|secret-key|access-key|password|passwd|staff-key|api-key|private-key|auth-token)(=.*)?$/i;

/**
 * Refuse secret-carrying flags with a message that says where secrets go instead.
 * @throws {CliUsageError}
 */
export function refuseSecretFlags(args: readonly string[]): void {
  for (const arg of args) {
    const match = SECRET_FLAG.exec(arg);
    if (match) {
      throw new CliUsageError(
        `--${match[1]} is refused: secrets on the command line end up in shell history and the process list. ` +
          'Pass secrets through an environment variable (--secret-env NAME) or a file (--secret-file PATH).',
      );
    }
  }
}

// An option name as a person types one; anything else (a pasted token after `--`) is not repeated.
const OPTION_NAME = /^--?[a-z][a-z0-9-]{0,30}$/;

/** node:util's parse error, with the option it names shown only when it looks like an option name. */
function safeParseMessage(error: unknown): string {
  // The first line says what is wrong; node's hints after it quote the offending token back.
  const text = (error instanceof Error ? error.message : String(error))
    .split('\n')[0]
    ?.replace(/\. To specify.*$/, '.');
  if (text === undefined) return 'invalid arguments.';
  return text.replace(/'(-[^' ]*)(?: <value>)?'/g, (quoted, name: string) =>
    OPTION_NAME.test(name) ? quoted : 'an option (not shown, in case it is a secret)',
  );
}

/**
 * Parse a command's arguments strictly (unknown flags are usage errors). `--help`/`-h` is always
 * accepted; the caller checks `values.help`.
 * @throws {CliUsageError} for unknown flags, missing values or a wrong number of positionals.
 */
export function parseCommandArgs(
  args: readonly string[],
  options: OptionTable,
  positionals: { min: number; max: number; name: string },
): ParsedArgs {
  refuseSecretFlags(args);
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as ParsedArgs;
  } catch (error) {
    throw new CliUsageError(safeParseMessage(error));
  }
  if (parsed.values.help === true) return parsed;
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new CliUsageError(`missing ${positionals.name}.`);
  if (count > positionals.max) {
    // Never echoed: an extra argument is often a secret pasted in the wrong place, and this line lands
    // in CI logs. Its position is enough to find it.
    throw new CliUsageError(
      `unexpected argument #${positionals.max + 1} (value not shown, in case it is a secret); ` +
        `this command takes ${positionals.max === 0 ? 'no arguments' : `at most ${positionals.max}`}.`,
    );
  }
  return parsed;
}

/** A string option's value, or `undefined`. */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string option's values. */
export function listOption(parsed: ParsedArgs, name: string): string[] {
  const value = parsed.values[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * An ISO-8601 instant option (`2024-03-05T00:00:00-05:00`), or `undefined` when absent.
 * @throws {CliUsageError} when it is not a valid instant with a time zone.
 */
export function dateOption(parsed: ParsedArgs, name: string): Date | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  const date = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new CliUsageError(`--${name} must be an ISO instant with a zone, e.g. 2024-03-05T00:00:00-05:00.`);
  }
  return date;
}

/**
 * A positive integer option, or `fallback` when absent.
 * @throws {CliUsageError} when it is not an integer within `[min, max]`.
 */
export function intOption(parsed: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const text = stringOption(parsed, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new CliUsageError(`--${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
}
