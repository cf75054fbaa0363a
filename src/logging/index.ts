/**
 * Loggers: the SDK calls `(message, fields)`; pino-style loggers take `(fields, message)`. `toKitLogger`
 * detects pino by a documented rule and wraps it; `fromPino` wraps any fields-first logger explicitly.
 *
 * @module logging
 */
export { fromPino, isPinoStyleLogger, toKitLogger } from './pino.js';
export type { FieldsFirstLogger, KitLogger, LogFields } from './types.js';
