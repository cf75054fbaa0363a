/**
 * Money primitives: integer minor units inside, decimal strings at the edges, never floats.
 * @module money
 */
export {
  assertMinorUnits,
  CURRENCIES,
  type Currency,
  formatAmount,
  formatMoney,
  isCurrency,
  parseAmount,
  parseCurrency,
} from './amount.js';
export { type ConvertPriceInput, convertPrice, type FxLock } from './fx.js';
