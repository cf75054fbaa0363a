// The table the scale series prints: one row per store and metric, costs at each size, the ratio the
// issue's goal is about, and whether it was met. Printed aligned for the terminal and as Markdown for
// docs/storage-adapters.md.

/** One row of the table. */
export interface ReportRow {
  store: string;
  metric: string;
  /** Milliseconds per code (drains) or per call, by size; absent when not measured. */
  costs: Partial<Record<number, number>>;
  /** The sizes the ratio compares: `[base, top]`. */
  ratioOf: readonly [number, number];
  /** The goal: the ratio at most this. */
  goal: number;
  /** Why a cost is missing or qualified (a time box ran out, …). */
  note?: string;
}

export const SIZES = [10_000, 100_000, 1_000_000] as const;

const sizeName = (size: number): string => (size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`);

function cost(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

/** The ratio of a row, or `null` when one of its two costs is missing. */
export function ratioOf(row: ReportRow): number | null {
  const [base, top] = row.ratioOf;
  const low = row.costs[base];
  const high = row.costs[top];
  return low === undefined || high === undefined ? null : high / low;
}

function cells(row: ReportRow): string[] {
  const ratio = ratioOf(row);
  const [base, top] = row.ratioOf;
  const verdict = ratio === null ? 'not measured' : ratio <= row.goal ? 'yes' : 'NO';
  return [
    row.store,
    row.metric,
    ...SIZES.map((size) => cost(row.costs[size])),
    ratio === null ? '—' : `${ratio.toFixed(2)}x (${sizeName(top)}/${sizeName(base)})`,
    `≤ ${row.goal}x`,
    row.note === undefined ? verdict : `${verdict} (${row.note})`,
  ];
}

const HEADER = ['store', 'metric', ...SIZES.map(sizeName), 'ratio', 'goal', 'met'];

/** The table as aligned text. */
export function textTable(rows: readonly ReportRow[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  return table
    .map((line) =>
      line
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The table as Markdown, padded the way `npm run format` leaves a table in docs/. */
export function markdownTable(rows: readonly ReportRow[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(3, ...table.map((line) => line[column]!.length)));
  const line = (values: readonly string[]): string =>
    `| ${values.map((value, column) => value.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(HEADER), line(widths.map((width) => '-'.repeat(width))), ...rows.map((row) => line(cells(row)))].join(
    '\n',
  );
}
