/**
 * Adapting loggers that take `(fields, message)` — pino and its friends — to the SDK's
 * `(message, fields)`. Pino also accepts `(message, ...args)`, so a pino logger type-checks as a
 * `(message, fields)` logger and would silently drop every field: hence a runtime rule, not a type.
 */
import { ConfigurationError } from '../errors.js';
import type { FieldsFirstLogger, KitLogger, LogFields } from './types.js';

const LEVELS = ['info', 'warn', 'error'] as const;

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/** Names of the level methods `logger` lacks. */
function missingLevels(logger: object): string[] {
  return LEVELS.filter((level) => typeof (logger as Record<string, unknown>)[level] !== 'function');
}

/**
 * Whether `logger` is pino-style. The rule, exactly: an object whose `levels` is an object with a
 * `values` object, and whose `bindings` and `child` are functions — what every pino logger and child
 * (including Fastify's `request.log`) has. Nothing else is guessed at: `console`, winston and plain
 * objects are taken as `(message, fields)`; wrap other fields-first loggers (bunyan) in {@link fromPino}.
 */
export function isPinoStyleLogger(logger: unknown): boolean {
  if (typeof logger !== 'object' || logger === null) return false;
  const candidate = logger as { levels?: unknown; bindings?: unknown; child?: unknown };
  const levels = candidate.levels as { values?: unknown } | null | undefined;
  return (
    typeof levels === 'object' &&
    levels !== null &&
    typeof levels.values === 'object' &&
    levels.values !== null &&
    typeof candidate.bindings === 'function' &&
    typeof candidate.child === 'function'
  );
}

/**
 * Wrap a fields-first logger (pino, bunyan, Fastify's `request.log`) as the SDK's `(message, fields)`.
 * The methods are called on `logger` itself, so pino's `this` stays intact.
 *
 * @example
 * createCashCodes({ client, store, logger: fromPino(pino()) });
 * @throws {ConfigurationError} `config_invalid` when `logger` lacks `info`, `warn` or `error`.
 */
export function fromPino(logger: FieldsFirstLogger): KitLogger {
  if (typeof logger !== 'object' || logger === null) {
    throw new ConfigurationError(`fromPino needs a logger object, got ${describe(logger)}.`, {
      details: { option: 'logger' },
    });
  }
  const missing = missingLevels(logger);
  if (missing.length > 0) {
    throw new ConfigurationError(`fromPino needs a logger with info, warn and error; missing: ${missing.join(', ')}.`, {
      details: { option: 'logger', missing },
    });
  }
  const call = (level: (typeof LEVELS)[number], message: string, fields?: LogFields): void => {
    logger[level](fields ?? {}, message);
  };
  return {
    info: (message, fields) => call('info', message, fields),
    warn: (message, fields) => call('warn', message, fields),
    error: (message, fields) => call('error', message, fields),
  };
}

/**
 * The logger the SDK calls: a pino-style logger ({@link isPinoStyleLogger}) wrapped with
 * {@link fromPino}, anything else returned as given. Level methods that are present must be functions.
 *
 * @throws {ConfigurationError} `config_invalid` when `logger` is not an object or a level is not a function.
 */
export function toKitLogger<L extends Partial<KitLogger>>(logger: L): L | KitLogger {
  if (typeof logger !== 'object' || logger === null) {
    throw new ConfigurationError(
      `logger must be an object with info, warn and error methods, got ${describe(logger)}.`,
      {
        details: { option: 'logger' },
      },
    );
  }
  if (isPinoStyleLogger(logger)) return fromPino(logger as unknown as FieldsFirstLogger);
  const invalid = LEVELS.filter((level) => logger[level] !== undefined && typeof logger[level] !== 'function');
  if (invalid.length > 0) {
    throw new ConfigurationError(`logger.${invalid.join(', logger.')} must be a function.`, {
      details: { option: 'logger', invalid },
    });
  }
  return logger;
}
