/**
 * A compact QR Code encoder (ISO/IEC 18004:2015, model 2) for byte-mode data: the smallest version
 * 1–40 that holds the data at the requested error correction level, the level then raised as far as
 * that version allows (as bwip-js/BWIPP does), Reed–Solomon blocks interleaved, and the mask with
 * the lowest penalty. It produces the same module matrix as bwip-js's `qrcode` for byte-mode data
 * (see `test/voucher/qr.test.ts`) in a fraction of the time.
 */
import { applyMask, drawFormat, formatBits, qrTemplate } from './matrix.js';
import { penalty } from './penalty.js';
import { rsRemainder } from './reed-solomon.js';
import { EC_FORMAT_BITS, EC_LEVELS, type QrEcLevel, qrBlocks } from './tables.js';

/** An encoded QR Code: `size` × `size` modules row by row from the top-left, 1 = dark. */
export interface QrMatrix {
  version: number;
  level: QrEcLevel;
  mask: number;
  size: number;
  modules: Uint8Array;
}

/** Options of {@link encodeQr}. */
export interface QrOptions {
  /** Minimum error correction level; default `M`. */
  level?: QrEcLevel;
  /** Keep exactly `level` instead of raising it when the chosen version has room; default false. */
  fixedLevel?: boolean;
  /** Force a mask 0–7 instead of choosing the lowest penalty. */
  mask?: number;
}

// Byte mode: 4-bit mode indicator, then an 8-bit (versions 1–9) or 16-bit count.
function bitsNeeded(length: number, version: number): number {
  return 4 + (version <= 9 ? 8 : 16) + length * 8;
}

function dataCodewords(bytes: Uint8Array, version: number, capacity: number): Uint8Array {
  const out = new Uint8Array(capacity);
  let bit = 0;
  const put = (value: number, width: number): void => {
    for (let i = width - 1; i >= 0; i--, bit++) {
      if ((value >>> i) & 1) out[bit >>> 3] = (out[bit >>> 3] as number) | (0x80 >>> (bit & 7));
    }
  };
  put(0b0100, 4);
  put(bytes.length, version <= 9 ? 8 : 16);
  for (const byte of bytes) put(byte, 8);
  // Terminator (up to four zero bits) and padding to a byte boundary are already zero.
  bit = Math.min(capacity * 8, bit + 4);
  for (let index = (bit + 7) >>> 3, pad = 0xec; index < capacity; index++, pad ^= 0xec ^ 0x11) out[index] = pad;
  return out;
}

function interleave(data: Uint8Array, version: number, level: QrEcLevel): Uint8Array {
  const { ecPerBlock, blocks, total } = qrBlocks(version, level);
  const shortBlocks = blocks - (total % blocks);
  const shortData = Math.floor(total / blocks) - ecPerBlock;
  const out = new Uint8Array(total);
  let offset = 0;
  const ecc: Uint8Array[] = [];
  for (let block = 0; block < blocks; block++) {
    const length = shortData + (block < shortBlocks ? 0 : 1);
    ecc.push(rsRemainder(data, offset, offset + length, ecPerBlock));
    // Data codeword i of this block goes to position i * blocks + block (long blocks' extra last).
    for (let i = 0; i < length; i++) {
      const position = i < shortData ? i * blocks + block : shortData * blocks + (block - shortBlocks);
      out[position] = data[offset + i] as number;
    }
    offset += length;
  }
  const dataTotal = offset;
  ecc.forEach((codewords, block) => {
    for (let i = 0; i < ecPerBlock; i++) out[dataTotal + i * blocks + block] = codewords[i] as number;
  });
  return out;
}

/**
 * Encode `bytes` in byte mode as a QR Code.
 * @throws {RangeError} when the data does not fit version 40 at the level.
 */
export function encodeQr(bytes: Uint8Array, options: QrOptions = {}): QrMatrix {
  let level = options.level ?? 'M';
  let version = 1;
  while (version <= 40 && bitsNeeded(bytes.length, version) > qrBlocks(version, level).data * 8) version++;
  if (version > 40) throw new RangeError(`QR Code: ${bytes.length} bytes do not fit version 40 at level ${level}.`);
  if (!options.fixedLevel) {
    for (const stronger of EC_LEVELS.slice(EC_LEVELS.indexOf(level) + 1)) {
      if (bitsNeeded(bytes.length, version) <= qrBlocks(version, stronger).data * 8) level = stronger;
    }
  }
  const codewords = interleave(dataCodewords(bytes, version, qrBlocks(version, level).data), version, level);
  const template = qrTemplate(version);
  const { size, order, reserved } = template;
  const base = template.modules.slice();
  for (let i = 0, bits = codewords.length * 8; i < order.length && i < bits; i++) {
    if (((codewords[i >>> 3] as number) >>> (7 - (i & 7))) & 1) base[order[i] as number] = 1;
  }
  const levelBits = EC_FORMAT_BITS[level];
  let mask = options.mask ?? 0;
  if (options.mask === undefined) {
    // Score each mask as BWIPP does: format areas dark, version information and dark module light.
    const scored = base.slice();
    for (const index of template.format) scored[index] = 1;
    for (const index of template.fixed) scored[index] = 0;
    const grid = new Uint8Array(scored.length);
    let bestScore = Number.POSITIVE_INFINITY;
    for (let candidate = 0; candidate < 8; candidate++) {
      grid.set(scored);
      applyMask(grid, reserved, size, candidate);
      const score = penalty(grid, size, bestScore);
      if (score < bestScore) {
        bestScore = score;
        mask = candidate;
      }
    }
  }
  applyMask(base, reserved, size, mask);
  drawFormat(base, size, formatBits(levelBits, mask));
  return { version, level, mask, size, modules: base };
}
