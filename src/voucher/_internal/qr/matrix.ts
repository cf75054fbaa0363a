/**
 * The QR Code module grid: function patterns (finders, separators, timing, alignment, dark
 * module, version information), the zigzag order in which codeword bits fill the remaining
 * modules, the eight data masks and the format information (ISO/IEC 18004 clauses 6.3, 7.7–7.9).
 *
 * A grid is a `Uint8Array` of size × size modules, row by row from the top-left, 1 = dark.
 * Per-version templates are built on first use and kept (at most 40 versions exist).
 */
import { alignmentPositions, qrSize } from './tables.js';

/** What never changes within a version: function modules and the order data bits go in. */
export interface QrTemplate {
  size: number;
  /** Function-pattern modules as drawn (format information areas still light). */
  modules: Uint8Array;
  /** 1 where a module belongs to a function pattern or is reserved for format information. */
  reserved: Uint8Array;
  /** Indices of the data modules in placement order. */
  order: Uint32Array;
  /** Indices of the format information modules (dark while masks are scored). */
  format: Uint32Array;
  /** Indices of the version information modules and the dark module (light while masks are scored). */
  fixed: Uint32Array;
}

const templates = new Map<number, QrTemplate>();

function finder(modules: Uint8Array, reserved: Uint8Array, size: number, cx: number, cy: number): void {
  for (let dy = -4; dy <= 4; dy++) {
    for (let dx = -4; dx <= 4; dx++) {
      const x = cx + dx;
      const y = cy + dy;
      if (x < 0 || y < 0 || x >= size || y >= size) continue;
      const distance = Math.max(Math.abs(dx), Math.abs(dy));
      modules[y * size + x] = distance !== 2 && distance !== 4 ? 1 : 0;
      reserved[y * size + x] = 1;
    }
  }
}

/** The 18-bit version information word (BCH(18,6), clause 7.10). */
export function versionBits(version: number): number {
  let remainder = version;
  for (let i = 0; i < 12; i++) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
  return (version << 12) | remainder;
}

/** The 15-bit format information word for a level's format bits and a mask (clause 7.9). */
export function formatBits(levelBits: number, mask: number): number {
  const data = (levelBits << 3) | mask;
  let remainder = data;
  for (let i = 0; i < 10; i++) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  return ((data << 10) | remainder) ^ 0x5412;
}

/** The function patterns and data placement order of `version` (1–40). */
export function qrTemplate(version: number): QrTemplate {
  const known = templates.get(version);
  if (known) return known;
  const size = qrSize(version);
  const modules = new Uint8Array(size * size);
  const reserved = new Uint8Array(size * size);
  for (let i = 0; i < size; i++) {
    const dark = i % 2 === 0 ? 1 : 0;
    modules[6 * size + i] = dark;
    reserved[6 * size + i] = 1;
    modules[i * size + 6] = dark;
    reserved[i * size + 6] = 1;
  }
  finder(modules, reserved, size, 3, 3);
  finder(modules, reserved, size, size - 4, 3);
  finder(modules, reserved, size, 3, size - 4);
  const centres = alignmentPositions(version);
  const last = centres.length - 1;
  centres.forEach((cy, i) => {
    centres.forEach((cx, j) => {
      // Skip the three corners taken by finder patterns.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const index = (cy + dy) * size + cx + dx;
          modules[index] = Math.max(Math.abs(dx), Math.abs(dy)) !== 1 ? 1 : 0;
          reserved[index] = 1;
        }
      }
    });
  });
  // Format information areas (filled per mask) and the dark module.
  const format: number[] = [];
  const fixed: number[] = [(size - 8) * size + 8];
  for (let i = 0; i < 9; i++) format.push(8 * size + i, i * size + 8);
  for (let i = 0; i < 8; i++) format.push(8 * size + size - 1 - i, (size - 1 - i) * size + 8);
  for (const index of format) reserved[index] = 1;
  modules[(size - 8) * size + 8] = 1;
  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i++) {
      const dark = (bits >>> i) & 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      modules[b * size + a] = dark;
      modules[a * size + b] = dark;
      reserved[b * size + a] = 1;
      reserved[a * size + b] = 1;
      fixed.push(b * size + a, a * size + b);
    }
  }
  const order = new Uint32Array(size * size);
  let count = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const y = upward ? size - 1 - step : step;
      for (let j = 0; j < 2; j++) {
        const index = y * size + right - j;
        if (!reserved[index]) order[count++] = index;
      }
    }
  }
  const template = {
    size,
    modules,
    reserved,
    order: order.slice(0, count),
    // The timing patterns cross the format areas at row 6 and column 6: those are not format bits.
    format: Uint32Array.from(format.filter((index) => index % size !== 6 && Math.floor(index / size) !== 6)),
    fixed: Uint32Array.from(fixed),
  };
  templates.set(version, template);
  return template;
}

/** XOR mask `mask` (0–7) onto the non-reserved modules of `grid`, in place. */
export function applyMask(grid: Uint8Array, reserved: Uint8Array, size: number, mask: number): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const index = y * size + x;
      if (reserved[index]) continue;
      let invert: boolean;
      switch (mask) {
        case 0:
          invert = (x + y) % 2 === 0;
          break;
        case 1:
          invert = y % 2 === 0;
          break;
        case 2:
          invert = x % 3 === 0;
          break;
        case 3:
          invert = (x + y) % 3 === 0;
          break;
        case 4:
          invert = (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
          break;
        case 5:
          invert = ((x * y) % 2) + ((x * y) % 3) === 0;
          break;
        case 6:
          invert = (((x * y) % 2) + ((x * y) % 3)) % 2 === 0;
          break;
        default:
          invert = (((x + y) % 2) + ((x * y) % 3)) % 2 === 0;
      }
      if (invert) grid[index] = (grid[index] as number) ^ 1;
    }
  }
}

/** Write both copies of the format information word `bits` into `grid`. */
export function drawFormat(grid: Uint8Array, size: number, bits: number): void {
  const bit = (i: number): number => (bits >>> i) & 1;
  // Around the top-left finder.
  for (let i = 0; i <= 5; i++) grid[i * size + 8] = bit(i);
  grid[7 * size + 8] = bit(6);
  grid[8 * size + 8] = bit(7);
  grid[8 * size + 7] = bit(8);
  for (let i = 9; i < 15; i++) grid[8 * size + 14 - i] = bit(i);
  // Split between the top-right and bottom-left finders.
  for (let i = 0; i < 8; i++) grid[8 * size + size - 1 - i] = bit(i);
  for (let i = 8; i < 15; i++) grid[(size - 15 + i) * size + 8] = bit(i);
  grid[(size - 8) * size + 8] = 1;
}
