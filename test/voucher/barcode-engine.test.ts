/**
 * The voucher loads only bwip-js's named `code128` encoder: its bars, captured from the drawing
 * calls, equal the bar/space widths of bwip-js's full `raw()` extractor; and the generated OCR-B
 * outline table equals what bwip-js's font produces today (rerun scripts/ocrb-outlines.mjs if not).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import bwipjs from 'bwip-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outlines } from '../../scripts/ocrb-outlines.mjs';
import { OCRB_OUTLINES } from '../../src/voucher/_internal/ocrb-outlines.js';
import { CODE128_QUIET, code128Symbol } from '../../src/voucher/_internal/symbols.js';
import { renderVoucher } from '../../src/voucher/index.js';
import { CODE, OPTIONS } from './fixtures.js';

/** The `re` operators of a symbol as `[left, width]`, quiet zone removed. */
function bars(text: string): Array<[number, number]> {
  return [...code128Symbol(text).ops.matchAll(/^(\d+) 0 (\d+) 1 re$/gm)].map((match) => [
    Number(match[1]) - CODE128_QUIET,
    Number(match[2]),
  ]);
}

/** The same from bwip-js's default-export extractor. */
function expected(text: string): Array<[number, number]> {
  const [symbol] = bwipjs.raw('code128', text, {}) as Array<{ sbs: number[] }>;
  const result: Array<[number, number]> = [];
  let x = 0;
  (symbol?.sbs ?? []).forEach((width, index) => {
    if (index % 2 === 0) result.push([x, width]);
    x += width;
  });
  return result;
}

describe('Code 128 through the named encoder', () => {
  it('draws the same bars as bwip-js raw() for CIP-like and arbitrary ASCII text', () => {
    expect(bars('2401557')).toEqual(expected('2401557'));
    expect(bars('2401557').length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,14}$|^[ -~]{1,20}$/), (text) => {
        expect(bars(text)).toEqual(expected(text));
      }),
      { numRuns: 200 },
    );
  });

  it('has the width bwip-js reports, plus both quiet zones', () => {
    const [symbol] = bwipjs.raw('code128', '2401557', {}) as Array<{ sbs: number[] }>;
    const modules = (symbol?.sbs ?? []).reduce((sum, width) => sum + width, 0);
    expect(code128Symbol('2401557').width).toBe(modules + 2 * CODE128_QUIET);
  });
});

describe('generated OCR-B outlines', () => {
  it('equal what bwip-js produces from its font', () => {
    expect(OCRB_OUTLINES).toEqual(outlines());
    expect(Object.keys(OCRB_OUTLINES)).toHaveLength(95);
  });
});

describe('the CommonJS build', () => {
  const built = new URL('../../dist/node/voucher/index.cjs', import.meta.url);

  it.runIf(existsSync(built))(
    'renders the same PDF as the ESM source (bwip-js render() there, the named encoder here)',
    async () => {
      const cjs = createRequire(import.meta.url)(built.pathname) as { renderVoucher: typeof renderVoucher };
      const [fromCjs, fromSource] = await Promise.all([cjs.renderVoucher(CODE, OPTIONS), renderVoucher(CODE, OPTIONS)]);
      expect(Buffer.from(fromCjs).equals(Buffer.from(fromSource))).toBe(true);
    },
  );
});
