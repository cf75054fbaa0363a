/**
 * The one rule every voucher, token and share link shares: only a pending code with a CIP has one.
 * Kept apart from the rendering code so that light entries (share links) can use it.
 */

import { VoucherError } from '../../errors.js';
import type { CodeStatus } from '../../model/code.js';

/**
 * Refuse a code that cannot be paid with a voucher.
 * @throws {VoucherError} `voucher_not_payable` without a CIP or when `status` is given and not `pending`.
 */
export function assertPayable<T extends { id: string; cip: string | null; status?: CodeStatus }>(
  code: T,
): asserts code is T & { cip: string } {
  if (code?.status !== undefined && code.status !== 'pending') {
    throw new VoucherError(
      'voucher_not_payable',
      `Code ${code.id} is ${code.status}; only pending codes have a voucher.`,
      {
        details: { codeId: code.id, status: code.status },
      },
    );
  }
  if (typeof code?.cip !== 'string' || !/^\d{1,20}$/.test(code.cip)) {
    throw new VoucherError('voucher_not_payable', `Code ${code?.id} has no CIP yet, so it has no voucher.`, {
      details: { codeId: code?.id },
    });
  }
}
