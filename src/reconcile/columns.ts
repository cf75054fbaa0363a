import { ValidationError } from '../errors.js';

/** A header name, several accepted spellings, or `null` for "this file has no such column". */
export type ColumnName = string | readonly string[] | null;

/**
 * Which header holds each field of a settlement export. Headers match ignoring case, accents, spaces
 * and punctuation (`"Nro. Operación"` matches `nro operacion`). `cip` and `amount` are required.
 */
export interface SettlementMapping {
  cip: string | readonly string[];
  amount: string | readonly string[];
  /** Without it every row is taken to be in the code's own currency. */
  currency: ColumnName;
  /** Without it the comparison period must be given (`period`). */
  paidAt: ColumnName;
  operationNumber: ColumnName;
  transactionCode: ColumnName;
}

/**
 * The default mapping. PagoEfectivo does not publish the columns of its merchant-portal export, so
 * these Spanish names are a documented guess: check them against your file and override any of them
 * with `mapping`. Optional columns of the default mapping that a file lacks are treated as absent;
 * columns you map yourself must exist.
 */
export const DEFAULT_SETTLEMENT_MAPPING: SettlementMapping = {
  cip: 'CIP',
  amount: 'Monto',
  currency: 'Moneda',
  paidAt: 'Fecha de Pago',
  operationNumber: 'Nro. Operación',
  transactionCode: 'Código de Transacción',
};

/** The fields of {@link SettlementMapping}. */
export type SettlementField = keyof SettlementMapping;

const FIELDS: readonly SettlementField[] = [
  'cip',
  'amount',
  'currency',
  'paidAt',
  'operationNumber',
  'transactionCode',
];

/** Normalise a header for matching: no accents, lower case, letters and digits only. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Column index of each mapped field (`null` when the mapping says the file has no such column). */
export type ColumnIndex = Record<SettlementField, number | null>;

/**
 * Find the mapped columns in a header row.
 * @throws {ValidationError} `settlement_invalid` naming every mapped column that is missing or ambiguous,
 * and listing the headers that were found.
 */
export function resolveColumns(headers: readonly string[], mapping: Partial<SettlementMapping> = {}): ColumnIndex {
  const merged: SettlementMapping = { ...DEFAULT_SETTLEMENT_MAPPING, ...mapping };
  const normalized = headers.map(normalizeHeader);
  const index = {} as ColumnIndex;
  const problems: { path: string; message: string }[] = [];
  for (const field of FIELDS) {
    const wanted = merged[field];
    if (wanted === null) {
      if (field === 'cip' || field === 'amount') problems.push({ path: field, message: 'is required' });
      index[field] = null;
      continue;
    }
    const names = (typeof wanted === 'string' ? [wanted] : wanted).map(normalizeHeader);
    const hits = normalized.flatMap((header, at) => (names.includes(header) ? [at] : []));
    const explicit = field === 'cip' || field === 'amount' || mapping[field] !== undefined;
    if (hits.length === 1) index[field] = hits[0] as number;
    else if (hits.length === 0 && !explicit) index[field] = null;
    else {
      const spelled = (typeof wanted === 'string' ? [wanted] : wanted).map((name) => `"${name}"`).join(' or ');
      problems.push({
        path: field,
        message: hits.length === 0 ? `no column named ${spelled}` : `${hits.length} columns match ${spelled}`,
      });
      index[field] = null;
    }
  }
  if (problems.length > 0) {
    throw new ValidationError(
      `The settlement file cannot be read with this column mapping (${problems
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')}). Headers found: ${headers.map((h) => JSON.stringify(h)).join(', ')}. ` +
        'Pass `mapping` (CLI: --mapping) naming your columns, or null for a column the file does not have.',
      problems,
      { code: 'settlement_invalid', details: { headers: [...headers] } },
    );
  }
  return index;
}
