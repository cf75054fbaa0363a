import { referenceOf } from '../codes/reference.js';
import { isPagoEfectivoKitError } from '../errors.js';
import type { CashCode, CodeStatus } from '../model/code.js';
import type { CashCodeProvider, CipStatus } from '../model/provider.js';
import { parseAmount } from '../money/index.js';

/** One compared field: our stored value, the provider's, and whether they disagree. */
export interface StatusField {
  field: 'status' | 'amount' | 'currency' | 'expiresAt' | 'paidAt' | 'operationNumber' | 'transactionCode' | string;
  ours: string | null;
  provider: string | null;
  differs: boolean;
}

/** How our record of a code compares with what the provider reports right now. */
export interface LiveStatusComparison {
  code: CashCode;
  provider: { status: CipStatus | null; checkedAt: Date; error: { code: string; message: string } | null };
  fields: StatusField[];
  differences: number;
  verdict: 'in_sync' | 'differs' | 'not_found_at_provider' | 'unavailable';
  /** Why the verdict is `unavailable`: the code has no CIP, or the provider could not be asked. */
  reason: 'no_cip' | 'provider_error' | null;
  /** One plain sentence (English) for staff, e.g. "PagoEfectivo reports this CIP paid; our record is still pending." */
  summary: string;
}

/** The provider states that agree with each of our statuses. */
const AGREEING: Readonly<Record<CodeStatus, readonly CipStatus['state'][]>> = {
  reserving: ['pending'],
  pending: ['pending'],
  paid: ['paid'],
  // Money that arrived and waits for (or got) a decision: the provider reports the CIP paid.
  review: ['paid'],
  refund_required: ['paid'],
  expired: ['expired', 'deleted'],
  // Cancelling an expired code deletes nothing: its CIP stays expired at the provider.
  cancelled: ['deleted', 'expired'],
  failed: ['deleted', 'expired'],
};

/** Same instant to the second: PagoEfectivo's timestamps have second resolution. */
function sameInstant(a: Date | null, b: Date | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a.getTime() - b.getTime()) < 1000;
}

function sameAmount(ours: string, theirs: string): boolean {
  try {
    return parseAmount(ours) === parseAmount(theirs);
  } catch {
    return ours === theirs;
  }
}

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

function compareFields(code: CashCode, status: CipStatus | null): StatusField[] {
  const paidAt = code.payment?.paidAt ?? null;
  const field = (name: string, ours: string | null, provider: string | null, differs: boolean): StatusField => ({
    field: name,
    ours,
    provider,
    differs: status !== null && differs,
  });
  return [
    field(
      'status',
      code.status,
      status?.state ?? null,
      status !== null && !AGREEING[code.status].includes(status.state),
    ),
    field('amount', code.amount, status?.amount ?? null, status !== null && !sameAmount(code.amount, status.amount)),
    field('currency', code.currency, status?.currency ?? null, status !== null && status.currency !== code.currency),
    field(
      'expiresAt',
      iso(code.expiresAt),
      iso(status?.dateExpiry),
      status?.dateExpiry != null && !sameInstant(code.expiresAt, status.dateExpiry),
    ),
    field('paidAt', iso(paidAt), iso(status?.datePayment), status !== null && !sameInstant(paidAt, status.datePayment)),
    // The search API does not report the operation number: shown for reference, never a difference.
    field('operationNumber', code.payment?.operationNumber ?? null, null, false),
    field(
      'transactionCode',
      code.id,
      status?.transactionCode || null,
      status !== null && status.transactionCode !== '' && status.transactionCode !== code.id,
    ),
  ];
}

function describeState(status: CipStatus): string {
  if (status.state !== 'unknown') return status.state;
  const raw = [status.statusCode, status.statusName].filter((part) => part !== null).join(' ');
  return `in a state the SDK does not recognise${raw ? ` (${raw})` : ''}`;
}

function differenceSummary(code: CashCode, status: CipStatus, fields: StatusField[]): string {
  const statusField = fields.find((item) => item.field === 'status');
  if (statusField?.differs) {
    const still = status.state === 'paid' && code.status === 'pending' ? 'still ' : '';
    return `PagoEfectivo reports this CIP ${describeState(status)}; our record is ${still}${code.status}.`;
  }
  const names = fields.filter((item) => item.differs).map((item) => item.field);
  return `PagoEfectivo and our record agree on the status (${code.status}) but differ in ${names.join(', ')}.`;
}

/**
 * Ask the provider about a code's CIP now and compare its answer with our record, field by field,
 * for support staff. Read-only: it never changes the code (the sweeper and the webhook decide payments).
 *
 * A code without a CIP, and a provider that fails, give verdict `unavailable` (with the typed error's
 * code and message, which never hold a secret); a CIP the search leaves out gives
 * `not_found_at_provider`.
 */
export async function compareLiveStatus(
  code: CashCode,
  provider: CashCodeProvider,
  options: { now?: Date } = {},
): Promise<LiveStatusComparison> {
  const checkedAt = options.now ?? new Date();
  const base = { code, fields: compareFields(code, null), differences: 0 };
  if (code.cip === null) {
    return {
      ...base,
      provider: { status: null, checkedAt, error: null },
      verdict: 'unavailable',
      reason: 'no_cip',
      summary: `This code has no CIP (status ${code.status}), so there is nothing to ask PagoEfectivo about.`,
    };
  }
  let found: CipStatus | null;
  try {
    const statuses = await provider.searchCips([code.cip], [referenceOf(code)]);
    found = statuses.find((status) => status.cip === code.cip) ?? null;
  } catch (error) {
    const failure = isPagoEfectivoKitError(error)
      ? { code: error.code, message: error.message }
      : // A third-party provider's message could hold anything: only its kind is shown.
        { code: 'provider_error', message: `The provider failed (${error instanceof Error ? error.name : 'error'}).` };
    return {
      ...base,
      provider: { status: null, checkedAt, error: failure },
      verdict: 'unavailable',
      reason: 'provider_error',
      summary: `PagoEfectivo could not be asked about CIP ${code.cip} (${failure.code}); try again in a moment.`,
    };
  }
  if (found === null) {
    return {
      ...base,
      provider: { status: null, checkedAt, error: null },
      verdict: 'not_found_at_provider',
      reason: null,
      summary: `PagoEfectivo's search does not return CIP ${code.cip}; its status there is unknown (not proof that it is gone).`,
    };
  }
  const fields = compareFields(code, found);
  const differences = fields.filter((item) => item.differs).length;
  return {
    code,
    provider: { status: found, checkedAt, error: null },
    fields,
    differences,
    verdict: differences === 0 ? 'in_sync' : 'differs',
    reason: null,
    summary:
      differences === 0
        ? `PagoEfectivo and our record agree: CIP ${code.cip} is ${code.status}.`
        : differenceSummary(code, found, fields),
  };
}
