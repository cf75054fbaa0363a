import type { CashCode } from '../model/code.js';
import type { CipReference, CreatedCip } from '../model/provider.js';

/**
 * What the provider needs to find a code's payment: the CIP, the code id (sent as `transactionCode`)
 * and the gateway's payment id when there is one. Passed with every search and delete, because a
 * gateway such as dLocal addresses payments by its own id, not by the CIP.
 */
export function referenceOf(
  code: Pick<CashCode, 'id' | 'cip' | 'providerPaymentId' | 'expiresAt'>,
  cip: string = code.cip ?? '',
): CipReference {
  return {
    cip,
    transactionCode: code.id,
    providerPaymentId: code.providerPaymentId ?? null,
    expiresAt: code.expiresAt,
  };
}

/** The reference of a CIP just created for `codeId` (before it is committed to the code). */
export function createdReference(codeId: string, created: CreatedCip): CipReference {
  return {
    cip: created.cip,
    transactionCode: codeId,
    providerPaymentId: created.providerPaymentId ?? null,
    expiresAt: created.dateExpiry,
  };
}
