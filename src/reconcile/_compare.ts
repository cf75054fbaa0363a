import type { CashCode } from '../model/code.js';
import type { CipStatus } from '../model/provider.js';
import { parseAmount } from '../money/index.js';
import { about, item, ourSide } from './_build.js';
import type { PaymentApplier, ReconcileItem, TheirSide } from './types.js';

/**
 * The operation number recorded for a payment recovered from the search API, which does not return
 * PagoEfectivo's operation number: `reconcile:<cip>`.
 */
/** @deprecated 0.2 applies search payments with no operation number; kept for reports written by 0.1. */
export function recoveredOperationNumber(cip: string): string {
  return `reconcile:${cip}`;
}

function theirSide(status: CipStatus): TheirSide {
  let amountMinor: number | null = null;
  try {
    amountMinor = parseAmount(status.amount);
  } catch {
    amountMinor = null;
  }
  return {
    state: status.state,
    amountMinor,
    currency: status.currency,
    paidAt: status.datePayment,
    operationNumber: null,
  };
}

/** Both sides agree on the state: check the money, then call it matched. */
function moneyCheck(code: CashCode, theirs: TheirSide, base: Partial<ReconcileItem>, note: string): ReconcileItem {
  const ours = ourSide(code);
  if (theirs.currency !== null && theirs.currency !== ours.currency) {
    return item('currency_mismatch', {
      ...base,
      message: `Currency is ${ours.currency} here, ${theirs.currency} at PagoEfectivo.`,
    });
  }
  if (theirs.amountMinor !== null && theirs.amountMinor !== ours.amountMinor) {
    return item('amount_mismatch', { ...base, message: 'The amount here differs from the amount at PagoEfectivo.' });
  }
  return item('matched', { ...base, message: note });
}

async function applyMissed(
  code: CashCode,
  status: CipStatus,
  theirs: TheirSide,
  codes: PaymentApplier,
): Promise<ReconcileItem> {
  const base = { ...about(code), theirs };
  if (theirs.amountMinor === null) {
    return item('payment_flagged', {
      ...base,
      message: `PagoEfectivo reports it paid with an unreadable amount "${status.amount}".`,
    });
  }
  const outcome = await codes.applyPayment({
    cip: status.cip,
    amountMinor: theirs.amountMinor,
    currency: status.currency,
    // The search API has no operation number: the CIP alone names the payment (a CIP is paid once).
    operationNumber: null,
    transactionCode: status.transactionCode,
    paidAt: status.datePayment,
    source: 'reconcile',
  });
  if (outcome.kind === 'paid') {
    return item('payment_recovered', {
      ...base,
      action: 'applied',
      message: `Paid at PagoEfectivo but ${code.status} here (missed notification): payment applied.`,
    });
  }
  if (outcome.kind === 'duplicate') {
    return item('matched', {
      ...base,
      action: 'already_applied',
      message: 'Payment already recorded (by a notification or another worker).',
    });
  }
  return item('payment_flagged', {
    ...base,
    action: outcome.kind === 'review' ? 'review' : 'rejected',
    message:
      outcome.kind === 'review'
        ? `Paid at PagoEfectivo while ${code.status} here; held for a decision (${outcome.reason}, codes.resolve): ${outcome.message}`
        : `Paid at PagoEfectivo while ${code.status} here; not accepted (${outcome.reason}): ${outcome.message}`,
  });
}

/** Compare one stored code with PagoEfectivo's view of its CIP, applying a missed payment. */
export async function compareWithApi(
  code: CashCode,
  status: CipStatus | undefined,
  codes: PaymentApplier,
  now: Date,
): Promise<ReconcileItem> {
  if (!status) {
    return item('unknown_there', {
      ...about(code),
      message: 'PagoEfectivo does not know this CIP (another service id or environment?).',
    });
  }
  const theirs = theirSide(status);
  const base = { ...about(code), theirs };
  const ours = code.status;
  switch (status.state) {
    case 'paid':
      if (ours === 'paid') return moneyCheck(code, theirs, base, 'Paid on both sides.');
      return applyMissed(code, status, theirs, codes);
    case 'pending':
      if (ours === 'pending') return moneyCheck(code, theirs, base, 'Pending on both sides.');
      if (ours === 'paid')
        return item('not_paid_there', { ...base, message: 'Paid here but still pending at PagoEfectivo.' });
      return item('payable_there', {
        ...base,
        message: `${ours} here but still payable at PagoEfectivo: delete the CIP or it may be paid.`,
      });
    case 'expired':
      if (ours === 'paid')
        return item('not_paid_there', { ...base, message: 'Paid here but expired at PagoEfectivo.' });
      if (ours !== 'pending') return item('matched', { ...base, message: `${ours} here, expired at PagoEfectivo.` });
      return item('expired_there', {
        ...base,
        severity: code.expiresAt.getTime() > now.getTime() ? 'warning' : 'info',
        message:
          code.expiresAt.getTime() > now.getTime()
            ? 'Expired at PagoEfectivo before our expiry: the buyer was shown a later deadline.'
            : 'Past expiry and expired at PagoEfectivo: the sweeper will close it.',
      });
    case 'deleted':
      if (ours === 'paid')
        return item('not_paid_there', { ...base, message: 'Paid here but deleted at PagoEfectivo.' });
      if (ours !== 'pending') return item('matched', { ...base, message: `${ours} here, deleted at PagoEfectivo.` });
      return item('deleted_there', {
        ...base,
        message: 'Pending here but deleted at PagoEfectivo: it can no longer be paid.',
      });
    default:
      return item('state_unrecognized', {
        ...base,
        message: `PagoEfectivo reports status ${status.statusCode ?? '?'} "${status.statusName ?? ''}", which the SDK cannot interpret.`,
      });
  }
}
