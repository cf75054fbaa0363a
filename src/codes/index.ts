/**
 * The codes service: one payment code per order, two-phase creation, payment application, expiry
 * sweeping and the lifecycle log. Re-exported by the root entry.
 *
 * @module codes
 */
export { type CashCodes, type CashCodesOptions, createCashCodes } from './service.js';
export type { CashCodesLogger } from './_context.js';
export { type IssueInput, IssueInputSchema, type IssueRequest, parseIssueInput } from './input.js';
export type { IssueResult } from './issue.js';
export type { SweepOptions, SweepSummary } from './sweep.js';
export { createCodeId, type IdGenerator, isValidCodeId } from './ids.js';
export { TRANSITIONS, type LifecycleEvent } from './lifecycle.js';
export type { VoucherSigningKey } from './voucher-signer.js';
