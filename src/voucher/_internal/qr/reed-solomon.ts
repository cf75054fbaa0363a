/**
 * Reed–Solomon error correction over GF(256) with the QR Code field polynomial
 * x⁸ + x⁴ + x³ + x² + 1 (0x11D), generator roots α⁰…αⁿ⁻¹ (ISO/IEC 18004 clause 7.5.2).
 * Exp/log tables and generator polynomials are built on first use and kept for the process
 * (a QR symbol uses at most 7 distinct degrees: 7–30).
 */

let tables: { exp: Uint8Array; log: Uint8Array } | undefined;
const generators = new Map<number, Uint8Array>();

function field(): { exp: Uint8Array; log: Uint8Array } {
  if (!tables) {
    // exp is doubled so that exp[log a + log b] needs no modulo.
    const exp = new Uint8Array(512);
    const log = new Uint8Array(256);
    let value = 1;
    for (let power = 0; power < 255; power++) {
      exp[power] = value;
      log[value] = power;
      value <<= 1;
      if (value & 0x100) value ^= 0x11d;
    }
    for (let power = 255; power < 512; power++) exp[power] = exp[power - 255] as number;
    tables = { exp, log };
  }
  return tables;
}

/** The product of two field elements. */
export function gfMultiply(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const { exp, log } = field();
  return exp[(log[a] as number) + (log[b] as number)] as number;
}

/**
 * Coefficients of the generator polynomial of `degree` (∏ (x − αⁱ), i < degree), highest power
 * first, leading 1 omitted: `degree` bytes.
 */
export function rsGenerator(degree: number): Uint8Array {
  let known = generators.get(degree);
  if (known) return known;
  const coefficients = new Uint8Array(degree);
  coefficients[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    // Multiply the current product by (x − root); in GF(2⁸) minus is plus.
    for (let j = 0; j < degree; j++) {
      const next = j + 1 < degree ? (coefficients[j + 1] as number) : 0;
      coefficients[j] = gfMultiply(coefficients[j] as number, root) ^ next;
    }
    root = gfMultiply(root, 2);
  }
  known = coefficients;
  generators.set(degree, known);
  return known;
}

/**
 * The `degree` error correction codewords of `data[start, end)`: the remainder of
 * data(x)·x^degree divided by the generator polynomial.
 */
export function rsRemainder(data: Uint8Array, start: number, end: number, degree: number): Uint8Array {
  const generator = rsGenerator(degree);
  const { exp, log } = field();
  const result = new Uint8Array(degree);
  for (let index = start; index < end; index++) {
    const factor = (data[index] as number) ^ (result[0] as number);
    result.copyWithin(0, 1);
    result[degree - 1] = 0;
    if (factor === 0) continue;
    const logFactor = log[factor] as number;
    for (let j = 0; j < degree; j++) {
      const g = generator[j] as number;
      if (g !== 0) result[j] = (result[j] as number) ^ (exp[(log[g] as number) + logFactor] as number);
    }
  }
  return result;
}
