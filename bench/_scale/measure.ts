// Timing helpers of the scale series. Every number is a per-call (or per-code) cost in milliseconds;
// the series compares them only with numbers taken in the same run, as ratios.

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Calls per sample at most, and how long a sample of a fast operation runs at least. */
const MAX_CALLS = 200;
const MIN_SAMPLE_MS = 15;

/**
 * One sample of `operation`: call it again and again until {@link MIN_SAMPLE_MS} passed (at least once,
 * at most {@link MAX_CALLS} times) and answer the mean time of one call, so that microsecond operations
 * are not lost in the timer's resolution and slow ones still cost a single call.
 */
export async function sampleMs(operation: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let calls = 0;
  let elapsed = 0;
  do {
    await operation();
    calls += 1;
    elapsed = performance.now() - start;
  } while (elapsed < MIN_SAMPLE_MS && calls < MAX_CALLS);
  return elapsed / calls;
}

/** Run `operation`, answering its result and how long it took. */
export async function timed<T>(operation: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await operation();
  return { result, ms: performance.now() - start };
}

/** `ms` as seconds with one decimal, for progress lines. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
