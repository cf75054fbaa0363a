/**
 * Voucher verification for support staff: a token (pasted or scanned from the QR code) or a voucher
 * PDF → GENUINE, NOT GENUINE, or GENUINE BUT NOT PAYABLE, with the reason as a message key. Only a
 * genuine voucher is looked up in the store: a forged one learns nothing about our records. The PDF
 * reader (pdf-lib) is imported on first use, so loading the console does not load the PDF stack.
 */
import { isPagoEfectivoKitError } from '../errors.js';
import type { CashCode } from '../model/code.js';
import type { Currency } from '../money/index.js';
import type { CashCodeStore } from '../storage/contract.js';
import { scanVoucherToken } from '../voucher/_internal/raw-token.js';
import { type VoucherPublicKeys, verifyVoucherToken } from '../voucher/token.js';

/** The three answers a support agent can read to a buyer. */
export type VoucherVerdict = 'genuine' | 'not_genuine' | 'not_payable';

/** Why: a `reason_*` message of the console catalog, with its values. */
export type VoucherReason =
  | 'token_signature_invalid'
  | 'token_unknown_key'
  | 'token_malformed'
  | 'token_unsupported_version'
  | 'token_missing'
  | 'pdf_unreadable'
  | 'mismatch'
  | 'unknown_code'
  | 'payable'
  | 'expired'
  | 'paid'
  | 'cancelled'
  | 'review'
  | 'status';

/** The outcome of {@link checkVoucher}. */
export interface VoucherCheck {
  verdict: VoucherVerdict;
  reason: VoucherReason;
  /** The voucher's claims (genuine signatures only). */
  claims: { cip: string; orderId: string; amountMinor: number; currency: Currency; expiresAt: Date } | null;
  /** Our code of the voucher's CIP (genuine signatures only). */
  code: CashCode | null;
  /** Which fields differ between a genuinely signed voucher and our records. */
  mismatches: ('orderId' | 'amount')[];
}

const REFUSALS = new Set([
  'token_signature_invalid',
  'token_unknown_key',
  'token_malformed',
  'token_unsupported_version',
]);

function refused(reason: VoucherReason): VoucherCheck {
  return { verdict: 'not_genuine', reason, claims: null, code: null, mismatches: [] };
}

async function tokenOf(input: { token: string } | { pdf: Uint8Array }): Promise<string | VoucherReason> {
  if ('token' in input) return input.token.trim();
  // Never a full PDF parse of an upload: it would inflate every stream of a crafted file (see raw-token.ts).
  const found = scanVoucherToken(input.pdf);
  if (found === 'not_pdf') return 'pdf_unreadable';
  return found ?? 'token_missing';
}

function payability(code: CashCode, expired: boolean): Pick<VoucherCheck, 'verdict' | 'reason'> {
  if (code.status === 'paid') return { verdict: 'not_payable', reason: 'paid' };
  if (code.status === 'cancelled') return { verdict: 'not_payable', reason: 'cancelled' };
  if (code.status === 'review') return { verdict: 'not_payable', reason: 'review' };
  if (code.status === 'expired' || (code.status === 'pending' && expired))
    return { verdict: 'not_payable', reason: 'expired' };
  if (code.status === 'pending') return { verdict: 'genuine', reason: 'payable' };
  return { verdict: 'not_payable', reason: 'status' };
}

/**
 * Verify a voucher and judge whether the buyer can still pay it.
 * @throws the store's `StorageError`; a `VoucherError` `key_invalid` when a configured public key is malformed.
 */
export async function checkVoucher(
  input: { token: string } | { pdf: Uint8Array },
  deps: { keys: VoucherPublicKeys; store: CashCodeStore; now: Date },
): Promise<VoucherCheck> {
  const token = await tokenOf(input);
  if (token === 'token_missing' || token === 'pdf_unreadable') return refused(token);
  let verified: Awaited<ReturnType<typeof verifyVoucherToken>>;
  try {
    verified = await verifyVoucherToken(token, deps.keys, { now: deps.now });
  } catch (error) {
    if (isPagoEfectivoKitError(error) && REFUSALS.has(error.code)) return refused(error.code as VoucherReason);
    throw error;
  }
  const { claims } = verified;
  const summary = {
    cip: claims.cip,
    orderId: claims.orderId,
    amountMinor: claims.amountMinor,
    currency: claims.currency,
    expiresAt: claims.expiresAt,
  };
  const code = await deps.store.getCodeByCip(claims.cip);
  if (code === null)
    return { verdict: 'not_payable', reason: 'unknown_code', claims: summary, code: null, mismatches: [] };
  const mismatches: VoucherCheck['mismatches'] = [];
  if (code.orderId !== claims.orderId) mismatches.push('orderId');
  if (code.amountMinor !== claims.amountMinor || code.currency !== claims.currency) mismatches.push('amount');
  if (mismatches.length > 0) return { verdict: 'not_genuine', reason: 'mismatch', claims: summary, code, mismatches };
  // The code's own expiry decides (it may have been extended since the voucher was made).
  const expired = code.expiresAt.getTime() <= deps.now.getTime();
  return { ...payability(code, expired), claims: summary, code, mismatches };
}
