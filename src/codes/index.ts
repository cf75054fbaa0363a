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
export type { SweepOptions, SweepSummary, SweptCode } from './sweep.js';
export type { CashCodeEvents, DrainResult, EventDeliveryOptions, EventHandler } from './events.js';
export type { ResolveInput } from './resolve.js';
export type { UnknownNotification } from './notifications.js';
export { judgePayment, type OrderFacts, type PaymentObservation, type PaymentVerdict } from './judgement.js';
export { createCodeId, type IdGenerator, isValidCodeId } from './ids.js';
export { TRANSITIONS, type LifecycleEvent } from './lifecycle.js';
export type { VoucherSigningKey } from './voucher-signer.js';
