import type { CashCodes } from '../../src/codes/index.js';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import type { CashCode, LifecycleEntry } from '../../src/model/code.js';
import { formatMoney } from '../../src/money/index.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import { formatLimaTimestamp } from '../../src/time/index.js';
import { readVoucherToken } from '../../src/voucher/index.js';
import { type VoucherPublicKeys, verifyVoucherToken } from '../../src/voucher/token.js';

/** What the console shows about a voucher. Only secret-free, support-relevant facts. */
export interface VoucherCheck {
  genuine: boolean;
  /** Why it is not genuine (`token_signature_invalid`, `token_unknown_key`, …), or `null`. */
  reason: string | null;
  /** One sentence for support staff. */
  verdict: string;
  voucher: { cip: string; orderId: string; amount: string; expiresAt: string; expired: boolean; kid: string } | null;
  /** The code as stored now (for genuine vouchers), or `null` when this store has no such CIP. */
  code: { id: string; status: string; amount: string; expiresAt: string; paidAt: string | null; payer: string } | null;
  /** Where the voucher and the stored code disagree (should never happen for a genuine voucher). */
  mismatches: string[];
  history: { at: string; type: string; actor: string; from: string | null; to: string | null; reason: string | null }[];
}

const VERDICTS: Record<string, string> = {
  token_signature_invalid: 'FORGED or altered: the signature does not match the voucher data.',
  token_unknown_key: 'Not signed with any of our keys: treat it as forged (or add the key of a rotation).',
  token_malformed: 'Not a voucher token of ours (unreadable or truncated).',
  token_unsupported_version: 'A token format this console does not know: upgrade pagoefectivo-kit.',
  token_missing: 'The PDF has no voucher token: it was not made by us, or it was rewritten.',
};

function maskEmail(email: string): string {
  const [user = '', domain = ''] = email.split('@');
  return `${user.slice(0, 1)}***@${domain}`;
}

function codeView(code: CashCode): NonNullable<VoucherCheck['code']> {
  return {
    id: code.id,
    status: code.status,
    amount: formatMoney(code.amountMinor, code.currency),
    expiresAt: formatLimaTimestamp(code.expiresAt),
    paidAt: code.payment ? formatLimaTimestamp(code.payment.paidAt) : null,
    payer: maskEmail(code.payer.email),
  };
}

function historyView(entries: readonly LifecycleEntry[]): VoucherCheck['history'] {
  return entries.map((entry) => ({
    at: formatLimaTimestamp(entry.at),
    type: entry.type,
    actor: entry.actor,
    from: entry.from,
    to: entry.to,
    reason: entry.reason,
  }));
}

function refused(reason: string): VoucherCheck {
  return {
    genuine: false,
    reason,
    verdict: VERDICTS[reason] ?? reason,
    voucher: null,
    code: null,
    mismatches: [],
    history: [],
  };
}

/**
 * Verify a voucher token (or the token inside a voucher PDF) and look up its code's status and
 * lifecycle history. Only a genuine voucher gets store details: a forged one says nothing about our data.
 */
export async function checkVoucher(
  input: { token: string } | { pdf: Uint8Array },
  deps: { publicKeys: VoucherPublicKeys; codes: Pick<CashCodes, 'history'>; store: CashCodeStore },
): Promise<VoucherCheck> {
  let token: string | null;
  try {
    token = 'pdf' in input ? await readVoucherToken(input.pdf) : input.token.trim();
  } catch (error) {
    if (isPagoEfectivoKitError(error)) return refused(error.code);
    throw error;
  }
  if (token === null) return refused('token_missing');
  let verified: Awaited<ReturnType<typeof verifyVoucherToken>>;
  try {
    verified = await verifyVoucherToken(token, deps.publicKeys);
  } catch (error) {
    if (isPagoEfectivoKitError(error) && error.code.startsWith('token_')) return refused(error.code);
    throw error;
  }
  const { claims, expired } = verified;
  const voucher = {
    cip: claims.cip,
    orderId: claims.orderId,
    amount: formatMoney(claims.amountMinor, claims.currency),
    expiresAt: formatLimaTimestamp(claims.expiresAt),
    expired,
    kid: claims.kid,
  };
  const code = await deps.store.getCodeByCip(claims.cip);
  const mismatches: string[] = [];
  if (code && code.orderId !== claims.orderId) mismatches.push(`order is ${code.orderId} in our records`);
  if (code && (code.amountMinor !== claims.amountMinor || code.currency !== claims.currency)) {
    mismatches.push(`amount is ${formatMoney(code.amountMinor, code.currency)} in our records`);
  }
  const status = code === null ? 'no code with this CIP in our records' : `code status: ${code.status}`;
  return {
    genuine: true,
    reason: null,
    verdict: `GENUINE voucher${expired ? ' (past its expiry)' : ''}; ${status}.`,
    voucher,
    code: code && codeView(code),
    mismatches,
    history: code ? historyView(await deps.codes.history(code.id)) : [],
  };
}
