// A deterministic, runtime-neutral rendering of values for conformance failure messages (the suite
// must load without node:util on workerd and in browsers). Close to node's `util.inspect` for the
// values stores hand back: records, arrays, dates, maps, sets, byte arrays, primitives.

const tagOf = (value: unknown): string => Object.prototype.toString.call(value).slice(8, -1);

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

/**
 * Render `value`; nested values past `depth` show as `[Object]` / `[Array]`. With `indent`, one
 * entry per line (for line diffs), otherwise one line.
 */
export function inspect(value: unknown, depth = 3, indent: string | null = null, seen: object[] = []): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `[Function: ${value.name || '(anonymous)'}]`;
  if (typeof value !== 'object' || value === null) return Object.is(value, -0) ? '-0' : String(value);
  if (seen.includes(value)) return '[Circular]';
  const tag = tagOf(value);
  if (tag === 'Date') {
    const time = (value as Date).getTime();
    return Number.isNaN(time) ? 'Invalid Date' : (value as Date).toISOString();
  }
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const shown = Array.from(bytes.subarray(0, 50), (byte) => byte.toString());
    return `${tag}(${bytes.length}) [ ${shown.join(', ')}${bytes.length > 50 ? ', ...' : ''} ]`;
  }
  if (depth < 0) return Array.isArray(value) ? '[Array]' : `[${tag}]`;
  const inner = [...seen, value];
  const render = (item: unknown): string => inspect(item, depth - 1, indent === null ? null : `${indent}  `, inner);
  let open: string;
  let entries: string[];
  if (value instanceof Map) {
    open = `Map(${value.size}) {`;
    entries = [...value].map(([k, v]) => `${render(k)} => ${render(v)}`);
  } else if (value instanceof Set) {
    open = `Set(${value.size}) {`;
    entries = [...value].map(render);
  } else if (Array.isArray(value)) {
    open = '[';
    entries = value.map(render);
  } else {
    const prefix = tag === 'Object' ? '' : `${tag} `;
    open = `${prefix}{`;
    entries = Object.keys(value).map((name) => `${key(name)}: ${render((value as Record<string, unknown>)[name])}`);
  }
  const close = open === '[' ? ']' : '}';
  if (entries.length === 0) return `${open}${close}`;
  if (indent === null) return `${open} ${entries.join(', ')} ${close}`;
  return `${open}\n${entries.map((entry) => `${indent}  ${entry}`).join(',\n')}\n${indent}${close}`;
}

/** A line diff of the two values' multi-line renderings, in node's `+ actual - expected` layout. */
export function diffLines(actual: unknown, expected: unknown): string {
  const a = inspect(actual, 6, '').split('\n');
  const b = inspect(expected, 6, '').split('\n');
  // Longest common subsequence, so unchanged lines are shown once; renderings are small.
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = table[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((table[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((table[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const lines = ['+ actual - expected', ''];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(`  ${a[i++]}`);
      j++;
    } else if (
      j < b.length &&
      (i === a.length || ((table[i] as number[])[j + 1] as number) >= ((table[i + 1] as number[])[j] as number))
    ) {
      lines.push(`- ${b[j++]}`);
    } else lines.push(`+ ${a[i++]}`);
  }
  return lines.join('\n');
}
