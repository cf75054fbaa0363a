/**
 * The SDK's QR Code encoder against bwip-js (BWIPP), which the voucher used before: same module
 * matrix for byte-mode data, every version size class, every level and every forced mask; and
 * Reed–Solomon codewords against the worked examples of ISO/IEC 18004.
 *
 * bwip-js segments data into numeric/alphanumeric/byte runs when that is shorter; our encoder only
 * writes byte mode. The random data below is therefore drawn from bytes outside the alphanumeric set
 * (0-9 A-Z space $ % * + - . /  :), for which byte mode is BWIPP's only choice too. Voucher tokens
 * (base64url) are checked end to end with zbarimg in `render-tools.test.ts`.
 */
import bwipjs from 'bwip-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeQr } from '../../src/voucher/_internal/qr/encode.js';
import { rsRemainder } from '../../src/voucher/_internal/qr/reed-solomon.js';
import { alignmentPositions, qrBlocks, rawDataModules } from '../../src/voucher/_internal/qr/tables.js';

const ALPHANUMERIC = new Set([...' $%*+-./:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) => c.charCodeAt(0)));
const BYTE_ONLY = Array.from({ length: 256 }, (_, code) => code).filter((code) => !ALPHANUMERIC.has(code));

function bwip(bytes: Uint8Array, options: string): { pixx: number; pixs: number[] } {
  // binarytext: pass char codes 0-255 through as bytes (no UTF-8 encoding).
  const [symbol] = bwipjs.raw('qrcode', String.fromCharCode(...bytes), `binarytext ${options}`) as Array<{
    pixx: number;
    pixs: number[];
  }>;
  return symbol as { pixx: number; pixs: number[] };
}

function expectSameMatrix(bytes: Uint8Array, level: 'L' | 'M' | 'Q' | 'H' = 'M'): void {
  const ours = encodeQr(bytes, { level });
  const theirs = bwip(bytes, `eclevel=${level}`);
  expect(ours.size).toBe(theirs.pixx);
  expect(Array.from(ours.modules)).toEqual(theirs.pixs);
}

const byteOnlyData = (maxLength: number): fc.Arbitrary<Uint8Array> =>
  fc
    .array(fc.constantFrom(...BYTE_ONLY), { minLength: 1, maxLength, size: 'max' })
    .map((codes) => Uint8Array.from(codes));

describe('encodeQr', () => {
  it('matches bwip-js module for module on random byte strings, level M (fast-check)', () => {
    fc.assert(
      fc.property(byteOnlyData(600), (bytes) => expectSameMatrix(bytes)),
      { numRuns: 150 },
    );
    // bwip-js's pure-JS QR encoder took 22–25 s for these 150 runs on the shared 2-vCPU VM at a load
    // average of 18–20 (several suites at once): over the 20 s default, with nothing wrong.
  }, 60_000);

  it('matches bwip-js at levels L, Q and H, including version information (v ≥ 7)', () => {
    fc.assert(
      fc.property(fc.constantFrom('L', 'Q', 'H'), byteOnlyData(400), (level, bytes) => expectSameMatrix(bytes, level)),
      { numRuns: 45 },
    );
  });

  it('matches bwip-js on large versions up to 40', () => {
    for (const length of [700, 1300, 2331]) {
      const bytes = Uint8Array.from({ length }, (_, i) => BYTE_ONLY[(i * 37 + length) % BYTE_ONLY.length] as number);
      expectSameMatrix(bytes);
    }
    expect(encodeQr(new Uint8Array(2331)).version).toBe(40);
    expect(() => encodeQr(new Uint8Array(2332))).toThrow(RangeError);
  });

  it('draws every forced mask exactly as bwip-js does', () => {
    const bytes = Uint8Array.from('voucher-token_with.lower~case', (c) => c.charCodeAt(0));
    for (let mask = 0; mask < 8; mask++) {
      const ours = encodeQr(bytes, { mask });
      // BWIPP numbers masks from 1.
      expect(Array.from(ours.modules)).toEqual(bwip(bytes, `eclevel=M mask=${mask + 1}`).pixs);
    }
  });

  it('picks the smallest version, then raises the level while it still fits (as BWIPP does)', () => {
    const token = Uint8Array.from({ length: 141 }, () => 0x61);
    const qr = encodeQr(token);
    expect([qr.version, qr.size, qr.level]).toEqual([8, 49, 'M']);
    expect(encodeQr(new Uint8Array(1)).level).toBe('H');
    expect(encodeQr(new Uint8Array(1), { level: 'M', fixedLevel: true }).level).toBe('M');
  });
});

describe('QR tables and Reed–Solomon', () => {
  it('computes the ISO/IEC 18004 error correction codewords of its worked examples', () => {
    // Annex I: "01234567", version 1-M.
    const numeric = Uint8Array.of(16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17);
    expect(Array.from(rsRemainder(numeric, 0, numeric.length, 10))).toEqual([
      165, 36, 212, 193, 237, 54, 199, 135, 44, 85,
    ]);
    // "HELLO WORLD", version 1-M.
    const hello = Uint8Array.of(32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17);
    expect(Array.from(rsRemainder(hello, 0, hello.length, 10))).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it('knows the capacities and alignment patterns of table 1 and annex E', () => {
    expect(rawDataModules(1)).toBe(208);
    expect(rawDataModules(40)).toBe(29648);
    expect(qrBlocks(8, 'M')).toEqual({ ecPerBlock: 22, blocks: 4, total: 242, data: 154 });
    expect(qrBlocks(40, 'H')).toEqual({ ecPerBlock: 30, blocks: 81, total: 3706, data: 1276 });
    expect(alignmentPositions(1)).toEqual([]);
    expect(alignmentPositions(8)).toEqual([6, 24, 42]);
    expect(alignmentPositions(32)).toEqual([6, 34, 60, 86, 112, 138]);
    expect(alignmentPositions(40)).toEqual([6, 30, 58, 86, 114, 142, 170]);
  });
});
