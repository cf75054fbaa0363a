import { inspect } from './inspect.js';

// Deep equality with the semantics of vitest's `toEqual` for the values stores hand back (records,
// arrays, dates, maps, sets, byte arrays): recursive, Dates compared by instant, a Date never equals
// its ISO string, object classes ignored, properties holding `undefined` ignored, numbers by
// Object.is. Instead of a boolean it returns where the first difference is, for failure messages.

const tagOf = (value: unknown): string => Object.prototype.toString.call(value).slice(8, -1);

/** A one-line rendering of a value for messages (long ones are cut). */
export function brief(value: unknown): string {
  const text = inspect(value, 3);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function definedKeys(value: object): string[] {
  const record = value as Record<string, unknown>;
  return Object.keys(record).filter((key) => record[key] !== undefined);
}

const at = (path: string): string => (path === '' ? 'the value' : path);
const kind = (value: unknown): string =>
  value === null ? 'null' : typeof value === 'object' ? tagOf(value) : typeof value;
function got(path: string, actual: unknown, expected: unknown): string {
  const [kindA, kindB] = [kind(actual), kind(expected)];
  if (kindA === kindB) return `${at(path)} is ${brief(actual)}, expected ${brief(expected)}`;
  return `${at(path)} is a ${kindA} (${brief(actual)}), expected a ${kindB} (${brief(expected)})`;
}

/** `null` when `actual` equals `expected`, otherwise a description of the first difference found. */
export function difference(actual: unknown, expected: unknown, path = ''): string | null {
  if (Object.is(actual, expected)) return null;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) {
    return got(path, actual, expected);
  }
  const [tagA, tagB] = [tagOf(actual), tagOf(expected)];
  if (tagA !== tagB) return got(path, actual, expected);
  if (tagA === 'Date') {
    const [x, y] = [(actual as Date).getTime(), (expected as Date).getTime()];
    return x === y || (Number.isNaN(x) && Number.isNaN(y)) ? null : got(path, actual, expected);
  }
  if (actual instanceof Map && expected instanceof Map) {
    if (actual.size !== expected.size) return `${at(path)} has ${actual.size} entries, expected ${expected.size}`;
    for (const [key, value] of expected) {
      if (!actual.has(key)) return `${at(path)} lacks the key ${brief(key)}`;
      const found = difference(actual.get(key), value, `${path}.get(${brief(key)})`);
      if (found !== null) return found;
    }
    return null;
  }
  if (actual instanceof Set && expected instanceof Set) {
    if (actual.size !== expected.size) return `${at(path)} has ${actual.size} elements, expected ${expected.size}`;
    const pool = [...actual];
    for (const item of expected) {
      if (!pool.some((candidate) => difference(candidate, item) === null)) return `${at(path)} lacks ${brief(item)}`;
    }
    return null;
  }
  if (ArrayBuffer.isView(actual) && ArrayBuffer.isView(expected)) {
    const x = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
    const y = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
    const index = x.length === y.length ? x.findIndex((byte, i) => byte !== y[i]) : 0;
    return x.length === y.length && index === -1 ? null : got(path, actual, expected);
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) {
      return `${at(path)} has length ${actual.length}, expected ${expected.length}: ${brief(actual)}`;
    }
    for (let index = 0; index < expected.length; index += 1) {
      const found = difference(actual[index], expected[index], `${path}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  const [keysA, keysB] = [definedKeys(actual), definedKeys(expected)];
  const member = (key: string): string => (path === '' ? key : `${path}.${key}`);
  const missing = keysB.find((key) => !keysA.includes(key));
  if (missing !== undefined) return `${member(missing)} is missing, expected ${brief(expected[missing as never])}`;
  const extra = keysA.find((key) => !keysB.includes(key));
  if (extra !== undefined) return `${member(extra)} is ${brief(actual[extra as never])}, expected no such property`;
  for (const key of keysB) {
    const found = difference(actual[key as never], expected[key as never], member(key));
    if (found !== null) return found;
  }
  return null;
}

/** Like {@link difference} for vitest's `toMatchObject`: only the properties of `subset` count. */
export function subsetDifference(actual: unknown, subset: unknown, path = ''): string | null {
  if (Array.isArray(subset)) {
    if (!Array.isArray(actual) || actual.length !== subset.length) return got(path, actual, subset);
    for (let index = 0; index < subset.length; index += 1) {
      const found = subsetDifference(actual[index], subset[index], `${path}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (subset === null || typeof subset !== 'object' || tagOf(subset) !== 'Object') {
    return difference(actual, subset, path);
  }
  if (actual === null || typeof actual !== 'object') return got(path, actual, subset);
  for (const [key, value] of Object.entries(subset)) {
    const member = path === '' ? key : `${path}.${key}`;
    if (!(key in actual)) return `${member} is missing, expected ${brief(value)}`;
    const found = subsetDifference(actual[key as never], value, member);
    if (found !== null) return found;
  }
  return null;
}
