/** The logger shapes the SDK accepts and the one it calls. */

/** Fields of a log line: ids, CIP numbers, statuses, error codes — never payer data or secrets. */
export type LogFields = Record<string, unknown>;

/**
 * The shape the SDK calls: message first, then fields — `console`, winston and most loggers. The SDK
 * calls `info`, `warn` and `error` only.
 */
export interface KitLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that takes the fields object first: pino, bunyan, Fastify's `request.log`. */
export interface FieldsFirstLogger {
  info(fields: LogFields, message?: string): void;
  warn(fields: LogFields, message?: string): void;
  error(fields: LogFields, message?: string): void;
}
