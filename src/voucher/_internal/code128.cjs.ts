/**
 * The CommonJS build's Code 128: bwip-js's CJS entry exports no named encoders, only `render`, which
 * looks the encoder up by `bcid`. Selected by tsup.config.ts for the `cjs` format only.
 */
import bwipjs from 'bwip-js';
import type { DrawCode128 } from './code128.js';

/** Encode and draw a Code 128 into `drawing`. */
export const drawCode128: DrawCode128 = (options, drawing) => {
  bwipjs.render(options, drawing as never);
};
