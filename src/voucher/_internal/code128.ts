/**
 * bwip-js's Code 128 encoder alone, through its named ESM export: bundlers keep only this encoder
 * (the default export links all ~100). bwip-js's CommonJS build has no named encoders, so the CJS
 * build of this package swaps in `code128.cjs.ts` (tsup.config.ts), where bundle size does not apply.
 */
import { code128 } from 'bwip-js';

/** bwip-js render options and a drawing context, as its encoders take them. */
export type DrawCode128 = (
  options: { bcid: 'code128'; text: string; scale: number; height: number },
  drawing: object,
) => void;

/** Encode and draw a Code 128 into `drawing`. */
export const drawCode128: DrawCode128 = (options, drawing) => {
  code128(options, drawing as never);
};
