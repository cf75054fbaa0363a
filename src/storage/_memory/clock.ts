import { ConfigurationError } from '../../errors.js';

/** A store clock option: `() => Date` like every clock of the SDK, or (still accepted) epoch milliseconds. */
export type StoreClock = (() => Date) | (() => number);

/** Read a store clock option as epoch milliseconds; `Date.now` when omitted. */
export function epochClock(now: StoreClock | undefined, factory: string): () => number {
  if (now === undefined) return Date.now;
  if (typeof now !== 'function') {
    throw new ConfigurationError(`${factory}(): \`now\` must be a function returning a Date (or epoch ms).`, {
      details: { option: 'now' },
    });
  }
  return () => {
    const value: unknown = now();
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    throw new ConfigurationError(`${factory}(): \`now()\` returned neither a valid Date nor epoch milliseconds.`, {
      details: { option: 'now' },
    });
  };
}
