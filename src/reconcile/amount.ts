import { parseAmount } from '../money/index.js';

/** The result of reading a settlement amount: minor units, or why the text was refused. */
export type SettlementAmount = { ok: true; minor: number } | { ok: false; reason: string };

const SYMBOL = /^(?:S\/\.?|US\$|\$|PEN|USD)\s*/i;
const GROUPED = /^\d{1,3}(?:X\d{3})+$/;

/**
 * Read an amount as it appears in a settlement export, exactly (never through a float).
 *
 * Accepted, with at most two decimals: `1234.50`, `1234,50`, `1,234.50`, `1.234,50`, `1 234,50`,
 * `1,234,567` and `1.234.567` (two or more separators of one kind are thousands separators), with an
 * optional leading `S/`, `S/.`, `US$`, `$`, `PEN` or `USD`. When both `.` and `,` appear, the last one is
 * the decimal separator and the other must group digits by three.
 *
 * Refused (the row is reported, never guessed): a single separator followed by exactly three digits
 * (`1,234` or `1.234` — thousands or a third decimal?), negative amounts (reversals need a human), zero,
 * exponent notation and anything else that is not a plain amount.
 */
export function parseSettlementAmount(raw: string): SettlementAmount {
  let text = raw
    .trim()
    .replace(SYMBOL, '')
    .replace(/[\u00a0\u202f]/g, ' ');
  if (text === '') return { ok: false, reason: 'the amount is empty' };
  if (/^[-(]|[-)]$/.test(text)) {
    return { ok: false, reason: 'negative amounts (reversals) are not reconciled automatically' };
  }
  if (text.includes(' ')) {
    // Spaces may only group thousands: "1 234,50".
    if (!/^\d{1,3}(?: \d{3})+(?:[.,]\d{1,2})?$/.test(text))
      return { ok: false, reason: `"${raw}" is not a plain amount` };
    text = text.replaceAll(' ', '');
  }
  if (!/^\d[\d.,]*$/.test(text)) return { ok: false, reason: `"${raw}" is not a plain amount` };
  if (/[.,]$/.test(text)) return { ok: false, reason: `"${raw}" ends with a separator` };
  const lastDot = text.lastIndexOf('.');
  const lastComma = text.lastIndexOf(',');
  let integer = text;
  let fraction = '';
  if (lastDot !== -1 && lastComma !== -1) {
    const decimal = lastDot > lastComma ? '.' : ',';
    const at = Math.max(lastDot, lastComma);
    integer = text.slice(0, at);
    fraction = text.slice(at + 1);
    const group = decimal === '.' ? ',' : '.';
    if (integer.includes(decimal) || !GROUPED.test(integer.replaceAll(group, 'X'))) {
      return { ok: false, reason: `"${raw}" mixes separators inconsistently` };
    }
    integer = integer.replaceAll(group, '');
  } else if (lastDot !== -1 || lastComma !== -1) {
    const separator = lastDot !== -1 ? '.' : ',';
    const parts = text.split(separator);
    if (parts.length > 2) {
      if (!GROUPED.test(text.replaceAll(separator, 'X')))
        return { ok: false, reason: `"${raw}" has misplaced separators` };
      integer = parts.join('');
    } else {
      fraction = parts[1] ?? '';
      integer = parts[0] ?? '';
      if (fraction.length === 3) {
        return {
          ok: false,
          reason: `"${raw}" is ambiguous (thousands separator or three decimals); export with two decimals`,
        };
      }
    }
  }
  if (fraction.length > 2) return { ok: false, reason: `"${raw}" has more than two decimals` };
  try {
    return { ok: true, minor: parseAmount(fraction === '' ? integer : `${integer}.${fraction}`) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
