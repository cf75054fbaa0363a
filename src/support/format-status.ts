import type { LiveStatusComparison } from './live-status.js';

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const YELLOW = '\u001b[33m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

const VERDICT_LABELS: Record<LiveStatusComparison['verdict'], string> = {
  in_sync: 'IN SYNC',
  differs: 'DIFFERS',
  not_found_at_provider: 'NOT FOUND AT PAGOEFECTIVO',
  unavailable: 'PAGOEFECTIVO UNAVAILABLE',
};

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - [...text].length));

/**
 * The side-by-side view of a {@link LiveStatusComparison} for a terminal: a headline with the verdict
 * and the summary sentence, then one row per field (ours, PagoEfectivo's), differing rows marked `≠`
 * (and red with `color`).
 */
export function formatStatusComparison(c: LiveStatusComparison, options: { color?: boolean } = {}): string {
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${RESET}` : text);
  const tone = c.verdict === 'in_sync' ? GREEN : c.verdict === 'differs' ? RED : YELLOW;
  const rows = c.fields.map((field) => [field.field, field.ours ?? '—', field.provider ?? '—', field.differs]);
  const header = ['field', 'ours', 'PagoEfectivo'];
  const widths = [0, 1, 2].map((index) =>
    Math.max([...(header[index] as string)].length, ...rows.map((row) => [...String(row[index])].length)),
  );
  const line = (cells: string[], mark: string): string =>
    `${mark} ${cells.map((cell, index) => pad(cell, widths[index] ?? 0)).join('  ')}`.trimEnd();
  const lines = [
    paint(BOLD + tone, `${VERDICT_LABELS[c.verdict]}: ${c.summary}`),
    `code ${c.code.id} · order ${c.code.orderId} · CIP ${c.code.cip ?? '—'} · checked ${c.provider.checkedAt.toISOString()}`,
    '',
    line(header, ' '),
    ...rows.map((row) => {
      const text = line([String(row[0]), String(row[1]), String(row[2])], row[3] ? '≠' : ' ');
      return row[3] ? paint(RED, text) : text;
    }),
  ];
  if (c.provider.error !== null)
    lines.push('', `provider error: ${c.provider.error.code}: ${c.provider.error.message}`);
  if (c.differences > 0) lines.push('', `${c.differences} difference(s). Nothing was changed: this view is read-only.`);
  return lines.join('\n');
}
