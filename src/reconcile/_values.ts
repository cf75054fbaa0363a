import { limaCalendarDate, limaWallClockToInstant, parseApiTimestamp } from '../time/index.js';
import { parseSettlementAmount } from './amount.js';
import type { ColumnIndex } from './columns.js';

/** A settlement row that was read successfully. */
export interface SettlementRow {
  line: number;
  cip: string;
  amountMinor: number;
  /** `null` when the file has no currency column. */
  currency: string | null;
  paidAt: Date | null;
  operationNumber: string | null;
  transactionCode: string | null;
}

/** A row that could not be read: where, why, and its CIP when that part was readable. */
export interface BadRow {
  line: number;
  cip: string | null;
  reasons: string[];
}

const CURRENCY_SPELLINGS: Record<string, string> = {
  PEN: 'PEN',
  'S/': 'PEN',
  'S/.': 'PEN',
  SOLES: 'PEN',
  USD: 'USD',
  US$: 'USD',
  $: 'USD',
  DOLARES: 'USD',
};

function readCurrency(raw: string): string | null {
  const key = raw.trim().normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
  return CURRENCY_SPELLINGS[key] ?? null;
}

const DAY_FIRST = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const YEAR_FIRST = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Read a settlement date: an offset timestamp (`2024-03-05T12:00:07-05:00`), or a Lima wall-clock time
 * `yyyy-MM-dd[ HH:mm[:ss]]` or `dd/MM/yyyy[ HH:mm[:ss]]` (day first, as in Peru).
 */
export function parseSettlementDate(raw: string): Date | null {
  const text = raw.trim();
  const ymd = YEAR_FIRST.exec(text);
  const match = ymd ?? DAY_FIRST.exec(text);
  if (!match) {
    try {
      return parseApiTimestamp(text);
    } catch {
      return null;
    }
  }
  const group = (at: number): number => Number(match[at] ?? '0');
  const [year, month, day] = ymd ? [group(1), group(2), group(3)] : [group(3), group(2), group(1)];
  const [hours, minutes, seconds] = [group(4), group(5), group(6)];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const instant = limaWallClockToInstant(year, month, day, hours, minutes, seconds);
  const calendar = limaCalendarDate(instant);
  return calendar.year === year && calendar.month === month && calendar.day === day ? instant : null;
}

/** Read one data row with the resolved columns: a {@link SettlementRow} or a {@link BadRow}. */
export function readRow(line: number, fields: readonly string[], columns: ColumnIndex): SettlementRow | BadRow {
  const reasons: string[] = [];
  const cell = (field: keyof ColumnIndex): string | null => {
    const at = columns[field];
    return at === null ? null : (fields[at] ?? '').trim();
  };
  const cipText = cell('cip') ?? '';
  const cip = /^\d{1,14}$/.test(cipText) ? cipText.replace(/^0+(?=\d)/, '') : null;
  if (cip === null) reasons.push(`CIP "${cipText}" is not a number of up to 14 digits`);
  const amount = parseSettlementAmount(cell('amount') ?? '');
  if (!amount.ok) reasons.push(`amount: ${amount.reason}`);
  const currencyText = cell('currency');
  const currency = currencyText === null ? null : readCurrency(currencyText);
  if (currencyText !== null && currency === null) reasons.push(`currency "${currencyText}" is not PEN or USD`);
  const paidText = cell('paidAt');
  const paidAt = paidText === null ? null : parseSettlementDate(paidText);
  if (paidText !== null && paidAt === null) reasons.push(`paid date "${paidText}" is not a date`);
  if (reasons.length > 0 || cip === null || !amount.ok) return { line, cip, reasons };
  return {
    line,
    cip,
    amountMinor: amount.minor,
    currency,
    paidAt,
    operationNumber: cell('operationNumber') || null,
    transactionCode: cell('transactionCode') || null,
  };
}
