/**
 * QR Code capacity tables (ISO/IEC 18004:2015 table 9): error correction codewords per block and
 * number of blocks for each version 1–40 and error correction level, and the derived sizes.
 */

/** Error correction levels in order of strength; the value is the row in the tables below. */
export type QrEcLevel = 'L' | 'M' | 'Q' | 'H';

/** Levels from weakest to strongest. */
export const EC_LEVELS: readonly QrEcLevel[] = ['L', 'M', 'Q', 'H'];

/** The two format-information bits of each level (ISO/IEC 18004 table 12). */
export const EC_FORMAT_BITS: Readonly<Record<QrEcLevel, number>> = { L: 1, M: 0, Q: 3, H: 2 };

// Index 0 is unused so that the version is the index.
// biome-ignore format: one row per level reads better than one number per line
const EC_CODEWORDS_PER_BLOCK: readonly (readonly number[])[] = [
  [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];

// biome-ignore format: one row per level reads better than one number per line
const EC_BLOCKS: readonly (readonly number[])[] = [
  [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];

/** Modules per side of a version. */
export function qrSize(version: number): number {
  return version * 4 + 17;
}

/** Modules left for data and error correction once function patterns and format/version info are placed. */
export function rawDataModules(version: number): number {
  let result = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    result -= (25 * align - 10) * align - 55;
    if (version >= 7) result -= 36;
  }
  return result;
}

/** Block structure of a version at a level. */
export interface QrBlocks {
  /** Error correction codewords in every block. */
  ecPerBlock: number;
  /** Number of blocks. */
  blocks: number;
  /** All codewords of the symbol (data + error correction). */
  total: number;
  /** Data codewords of the symbol. */
  data: number;
}

/** The block structure of `version` at `level`. */
export function qrBlocks(version: number, level: QrEcLevel): QrBlocks {
  const row = EC_LEVELS.indexOf(level);
  const ecPerBlock = EC_CODEWORDS_PER_BLOCK[row]?.[version] ?? 0;
  const blocks = EC_BLOCKS[row]?.[version] ?? 0;
  const total = rawDataModules(version) >> 3;
  return { ecPerBlock, blocks, total, data: total - ecPerBlock * blocks };
}

/** Centres of the alignment patterns along one axis (empty for version 1). */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = Math.floor((version * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
  const result = [6];
  for (let position = qrSize(version) - 7; result.length < count; position -= step) result.splice(1, 0, position);
  return result;
}
