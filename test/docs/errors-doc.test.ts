import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors.js';
import { ERROR_CODES, type ErrorCode } from '../../src/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** The documented entries: code → the text under its `### \`code\`` heading. */
function entries(): Map<string, string> {
  const map = new Map<string, string>();
  const parts = doc.split(/^### `([a-z_]+)`\s*$/m);
  for (let i = 1; i < parts.length; i += 2) map.set(parts[i] as string, (parts[i + 1] ?? '').split(/^## /m)[0] ?? '');
  return map;
}

describe('docs/errors.md', () => {
  const documented = entries();
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it('documents every code of ERROR_CODES', () => {
    const missing = codes.filter((code) => !documented.has(code));
    expect(missing, `add these codes to docs/errors.md: ${missing.join(', ')}`).toEqual([]);
  });

  it('documents no code that is not in ERROR_CODES', () => {
    const stale = [...documented.keys()].filter((code) => !(code in ERROR_CODES));
    expect(stale, `remove or rename in docs/errors.md: ${stale.join(', ')}`).toEqual([]);
  });

  it.each(codes)('gives %s its registry meaning, an existing class, when and how to fix', (code) => {
    const text = documented.get(code) ?? '';
    expect(text).toContain(ERROR_CODES[code]);
    const klass = /- \*\*Class:\*\* `(\w+)`/.exec(text)?.[1];
    expect(klass && typeof (errors as Record<string, unknown>)[klass]).toBe('function');
    expect(text).toMatch(/- \*\*When:\*\* \S.{10,}/);
    expect(text).toMatch(/- \*\*Fix:\*\* \S.{10,}/);
  });
});
