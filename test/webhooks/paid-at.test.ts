/**
 * `paidAt` comes from `parseApiTimestamp`, which reads the timestamp by index (it runs on every
 * webhook). It must behave exactly like the reference below — the former regular expression + probe
 * `Date` implementation — on every input: same instant, same `null` for the sentinel, same error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { parseApiTimestamp } from '../../src/time/index.js';

const API_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:?\d{2})$/;

/** The reference: what `parseApiTimestamp` returns, or the start of its error message. */
function reference(text: string): Date | null | string {
  const match = typeof text === 'string' ? API_TIMESTAMP.exec(text.trim()) : null;
  if (!match) return 'not a timestamp';
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  if (year === 1900 && mo === '01' && d === '01') return null;
  const offsetMinutes =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  const probe = new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== Number(mo) - 1 ||
    probe.getUTCDate() !== Number(d) ||
    probe.getUTCHours() !== Number(h) ||
    probe.getUTCMinutes() !== Number(mi) ||
    probe.getUTCSeconds() !== Number(s)
  ) {
    return 'not a real calendar date';
  }
  return new Date(utc - offsetMinutes * 60_000);
}

function actual(text: string): Date | null | string {
  try {
    return parseApiTimestamp(text, 'data.paymentDate');
  } catch (error) {
    expect(isPagoEfectivoKitError(error, 'date_invalid')).toBe(true);
    const message = (error as Error).message;
    expect(message).toBe(
      message.includes('real calendar')
        ? `data.paymentDate ${JSON.stringify(text)} is not a real calendar date.`
        : `data.paymentDate ${JSON.stringify(text)} is not a timestamp like "2024-03-05T10:15:30-05:00".`,
    );
    return message.includes('real calendar') ? 'not a real calendar date' : 'not a timestamp';
  }
}

const digit = fc.constantFrom(...'0123456789');
const noisy = fc.constantFrom(...'0123456789-:.T Z+/xe\u00a0\n');
const two = (low: number, high: number): fc.Arbitrary<string> =>
  fc.integer({ min: low, max: high }).map((value) => String(value).padStart(2, '0'));

/** Mostly well-formed timestamps around every boundary, then one random edit. */
const timestamp = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 99, 100, 1900, 1996, 2000, 2100, 9999)),
    two(0, 13),
    fc.oneof(two(0, 32), fc.constantFrom('01', '28', '29', '30', '31')),
    fc.constantFrom('T', ' ', 't', '_'),
    two(0, 25),
    two(0, 61),
    two(0, 61),
    fc.oneof(
      fc.constant(''),
      fc.string({ unit: digit, minLength: 0, maxLength: 9 }).map((f) => `.${f}`),
    ),
    fc.constantFrom('Z', '-05:00', '-0500', '+01:00', '+0130', '-05:0', '-5:00', '+99:99', 'z', '', '-05:00Z'),
    fc.constantFrom('', ' ', '\n', '\u00a0', '\ufeff'),
  )
  .map(([y, mo, d, sep, h, mi, s, fraction, zone, pad]) => {
    return `${pad}${String(y).padStart(4, '0')}-${mo}-${d}${sep}${h}:${mi}:${s}${fraction}${zone}${pad}`;
  });
const edited = fc
  .tuple(timestamp, fc.nat(40), fc.nat(2), noisy)
  .map(([text, at, kind, char]) =>
    kind === 0
      ? text
      : kind === 1
        ? text.slice(0, at) + char + text.slice(at + 1)
        : text.slice(0, at) + text.slice(at + 1),
  );

describe('parseApiTimestamp, as used for paidAt', () => {
  it('behaves exactly like the reference implementation on random inputs', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 8, arbitrary: edited }, { weight: 1, arbitrary: fc.string() }), (text) => {
        expect(actual(text)).toEqual(reference(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on the documented spellings, the sentinel and the edge cases', () => {
    for (const text of [
      '2024-03-05T10:15:30-05:00',
      '2024-03-05 10:15:30-05:00',
      '2024-03-05T10:15:30-0500',
      '2024-03-05T10:15:30.1234567Z',
      '2024-03-05T10:15:30.12345678Z',
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2000-02-29T23:59:59+14:00',
      '1900-02-29T00:00:00Z',
      '1900-01-01T99:99:99+99:99',
      '0099-01-01T00:00:00Z',
      '0100-01-01T00:00:00Z',
      ' 2024-03-05T10:15:30-05:00\n',
      '2024-03-05T24:00:00Z',
      '2024-03-05T10:60:00Z',
      '2024-03-05T10:15:60Z',
      '2024-03-05T10:15:30',
      '２０２４-03-05T10:15:30Z',
    ]) {
      expect(actual(text)).toEqual(reference(text));
    }
    expect(actual(42 as never)).toBe('not a timestamp');
  });
});
