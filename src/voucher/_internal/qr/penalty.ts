/**
 * The mask penalty of ISO/IEC 18004 clause 7.8.3, read the way BWIPP (bwip-js) reads it so that
 * both pick the same mask:
 *
 * - N1: 3 + (n − 5) for each run of n ≥ 5 same-colour modules in a row or column;
 * - N2: 3 for each 2×2 block of one colour;
 * - N3: 40 for each dark:light:dark:light:dark run of widths 1:1:3:1:1 (any unit) that touches the
 *   symbol edge or has a light run of at least 4 modules before or after it (counted once);
 * - N4: 10 × ⌊|dark % − 50| / 5⌋.
 *
 * The caller scores the masked symbol with the format information areas dark and the version
 * information areas and the dark module light, as BWIPP does before it writes them.
 */

/**
 * N1 and N3 of one row (`stride` 1) or column (`stride` size) starting at `start`. `rle` receives
 * the run lengths, starting with a (possibly empty) light run.
 */
function lineScore(grid: Uint8Array, start: number, stride: number, size: number, rle: Int32Array): number {
  let score = 0;
  let count = 0;
  let color = 0;
  let length = 0;
  for (let i = 0, index = start; i < size; i++, index += stride) {
    const module = grid[index] as number;
    if (module === color) {
      length++;
    } else {
      if (length >= 5) score += length - 2;
      rle[count++] = length;
      color = module;
      length = 1;
    }
  }
  if (length >= 5) score += length - 2;
  rle[count++] = length;
  for (let j = 3; j <= count - 3; j += 2) {
    const centre = rle[j] as number;
    if (centre % 3 !== 0) continue;
    const unit = centre / 3;
    if (rle[j - 2] !== unit || rle[j - 1] !== unit || rle[j + 1] !== unit || rle[j + 2] !== unit) continue;
    if (j === 3 || j + 4 >= count || (rle[j - 3] as number) >= 4 || (rle[j + 3] as number) >= 4) score += 40;
  }
  return score;
}

/**
 * The penalty of `grid`, or `Infinity` as soon as the running total reaches `stopAt` (the best
 * score so far: the mask can no longer win).
 */
export function penalty(grid: Uint8Array, size: number, stopAt: number = Number.POSITIVE_INFINITY): number {
  const rle = new Int32Array(size + 2);
  let score = 0;
  let dark = 0;
  for (let y = 0; y < size; y++) {
    const row = y * size;
    score += lineScore(grid, row, 1, size, rle) + lineScore(grid, y, size, size, rle);
    let left = grid[row] as number;
    dark += left;
    if (y === 0) {
      for (let x = 1; x < size; x++) dark += grid[row + x] as number;
    } else {
      const above = row - size;
      let leftAbove = grid[above] as number;
      for (let x = 1; x < size; x++) {
        const color = grid[row + x] as number;
        const colorAbove = grid[above + x] as number;
        dark += color;
        if (color === left && color === colorAbove && color === leftAbove) score += 3;
        left = color;
        leftAbove = colorAbove;
      }
    }
    if (score >= stopAt) return Number.POSITIVE_INFINITY;
  }
  return score + Math.floor(Math.abs((dark * 100) / (size * size) - 50) / 5) * 10;
}
